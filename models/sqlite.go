package models

// Everything specific to SQLite lives in this file: the connection settings,
// the data_version signal, the online backup and the error codes.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// sqlitePragmas make every connection durable and strict: WAL with a full
// fsync at each commit, foreign keys enforced, and a busy timeout so that a
// second process (the CLI while the server runs) waits instead of failing.
var sqlitePragmas = []string{
	"journal_mode(WAL)",
	"synchronous(FULL)",
	"foreign_keys(ON)",
	"busy_timeout(5000)",
}

func sqliteDSN(path string, txlock string) string {
	q := url.Values{}
	for _, p := range sqlitePragmas {
		q.Add("_pragma", p)
	}
	if txlock != "" {
		q.Set("_txlock", txlock)
	}
	return "file:" + path + "?" + q.Encode()
}

func openSQLite(ctx context.Context, path string) (*Store, error) {
	if path == "" {
		return nil, errors.New("models: empty database path")
	}
	if dir := filepath.Dir(path); dir != "" {
		if _, err := os.Stat(dir); err != nil {
			return nil, fmt.Errorf("models: database directory: %w", err)
		}
	}
	// The writer starts its transactions with BEGIN IMMEDIATE so that it
	// takes the write lock up front and never fails half-way on upgrade.
	write, err := sql.Open("sqlite", sqliteDSN(path, "immediate"))
	if err != nil {
		return nil, fmt.Errorf("models: open %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	write.SetConnMaxIdleTime(0)

	read, err := sql.Open("sqlite", sqliteDSN(path, ""))
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("models: open %s: %w", path, err)
	}
	read.SetMaxOpenConns(8)
	read.SetMaxIdleConns(8)
	read.SetConnMaxIdleTime(0)

	db := &Store{
		db:   bun.NewDB(write, sqlitedialect.New()),
		rdb:  bun.NewDB(read, sqlitedialect.New()),
		path: path,
	}
	if err := write.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("models: open %s: %w", path, err)
	}
	var mode string
	if err := write.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		db.Close()
		return nil, fmt.Errorf("models: %s: WAL mode not available (journal_mode=%q): %v", path, mode, err)
	}
	conn, err := read.Conn(ctx)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("models: open %s: %w", path, err)
	}
	db.versions = &versionWatcher{conn: conn}
	return db, nil
}

// versionWatcher keeps one connection aside to read PRAGMA data_version, which
// changes whenever another connection, in this process or another, commits.
type versionWatcher struct {
	mu   sync.Mutex
	conn *sql.Conn
}

func (w *versionWatcher) current(ctx context.Context) (int64, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	var v int64
	err := w.conn.QueryRowContext(ctx, "PRAGMA data_version").Scan(&v)
	return v, err
}

func (w *versionWatcher) close() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.conn.Close()
}

// Backup writes a consistent copy of the live database to out, which must not
// exist yet. It runs while the server is writing: VACUUM INTO reads one
// snapshot and holds no write lock.
func (s *Store) Backup(ctx context.Context, out string) error {
	if _, err := os.Stat(out); err == nil {
		return fmt.Errorf("models: backup: %s already exists", out)
	}
	if _, err := s.rdb.ExecContext(ctx, "VACUUM INTO ?", out); err != nil {
		return fmt.Errorf("models: backup: %w", err)
	}
	return nil
}

// isUniqueViolation reports whether err is a unique-constraint failure.
func isUniqueViolation(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// isForeignKeyViolation reports whether err is a foreign-key failure.
func isForeignKeyViolation(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
	}
	return false
}

// IsUnavailable reports whether err means the database cannot take the
// request now (locked, read-only, disk full, I/O error): a 503, not a 500.
func IsUnavailable(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_READONLY,
		sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN:
		return true
	}
	return false
}

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
	"strings"
	"syscall"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// sqlitePragmas make every connection durable and strict: WAL with a full
// fsync at each commit, foreign keys enforced, and a busy timeout so that a
// second process (the CLI while the server runs) waits instead of failing.
// Statement journals and temporary tables stay in memory (temp_store), and
// the WAL file is truncated back to 64 MiB after a checkpoint.
// The busy timeout comes first: switching a new file to WAL needs a lock
// that another process opening it at the same moment may hold.
var sqlitePragmas = []string{
	"busy_timeout(5000)",
	"journal_mode(WAL)",
	"synchronous(FULL)",
	"foreign_keys(ON)",
	"journal_size_limit(67108864)",
}

func sqliteDSN(path string, txlock string, extra ...string) string {
	q := url.Values{}
	for _, p := range append(sqlitePragmas, extra...) {
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
	// takes the write lock up front and never fails half-way on upgrade, and
	// keeps a larger page cache (20 MB): the indexes it updates are spread
	// over the whole file.
	write, err := sql.Open("sqlite", sqliteDSN(path, "immediate", "cache_size(-20000)"))
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
	// Opening runs the pragmas; switching a brand-new file to WAL answers
	// SQLITE_BUSY at once (no busy handler) while another process does the
	// same, so the first connection is retried for a while.
	if err := retryBusy(ctx, func() error { return write.PingContext(ctx) }); err != nil {
		db.Close()
		return nil, fmt.Errorf("models: open %s: %w", path, err)
	}
	var mode string
	if err := write.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		db.Close()
		return nil, fmt.Errorf("models: %s: WAL mode not available (journal_mode=%q): %v", path, mode, err)
	}
	var conn *sql.Conn
	if err := retryBusy(ctx, func() (err error) {
		conn, err = read.Conn(ctx)
		return err
	}); err != nil {
		db.Close()
		return nil, fmt.Errorf("models: open %s: %w", path, err)
	}
	db.versions = newVersionWatcher(versionPoll, dataVersion(conn), conn.Close)
	db.stopCheckpoints = startCheckpointer(read, path+"-wal")
	return db, nil
}

// checkpointEvery and checkpointBytes set how often the background
// checkpointer looks at the WAL and how large it lets it grow.
const (
	checkpointEvery = 100 * time.Millisecond
	checkpointBytes = 1 << 20
)

// startCheckpointer copies the WAL back into the database file from its own
// connection, on the other core, so that the writer's own automatic
// checkpoint (every 1000 pages, which lets the WAL start over) finds little
// left to copy. PASSIVE never blocks the writer or the readers. It returns a
// function that stops it.
func startCheckpointer(db *sql.DB, walPath string) func() {
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(checkpointEvery)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			if fi, err := os.Stat(walPath); err != nil || fi.Size() < checkpointBytes {
				continue
			}
			_, _ = db.Exec("PRAGMA wal_checkpoint(PASSIVE)")
		}
	}()
	return func() {
		close(stop)
		<-done
	}
}

// versionPoll bounds how long a commit by another process (the CLI) may go
// unnoticed by the report cache.
const versionPoll = 50 * time.Millisecond

// dataVersion reads PRAGMA data_version on a connection kept aside: it
// changes whenever another connection, in this process or another, commits.
func dataVersion(conn *sql.Conn) func(context.Context) (string, error) {
	return func(ctx context.Context) (string, error) {
		var v string
		err := conn.QueryRowContext(ctx, "PRAGMA data_version").Scan(&v)
		return v, err
	}
}

// Backup writes a consistent copy of the live database to out, which must not
// exist yet. It runs while the server is writing: VACUUM INTO reads one
// snapshot and holds no write lock.
func (s *Store) Backup(ctx context.Context, out string) error {
	if s.postgres {
		return ErrBackupUnsupported
	}
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
	return pgIsUniqueViolation(err)
}

// isForeignKeyViolation reports whether err is a foreign-key failure. A
// RESTRICT action reports SQLITE_CONSTRAINT_TRIGGER, a deferred or immediate
// check SQLITE_CONSTRAINT_FOREIGNKEY; both say "FOREIGN KEY".
func isForeignKeyViolation(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code()&0xff == sqlite3.SQLITE_CONSTRAINT && strings.Contains(se.Error(), "FOREIGN KEY")
	}
	return pgIsForeignKeyViolation(err)
}

// isNotNullViolation reports whether err is a NOT NULL constraint failure.
func isNotNullViolation(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_NOTNULL
	}
	return pgCode(err) == "23502"
}

// IsUnavailable reports whether err means the database cannot take the
// request now (locked, read-only, disk full, I/O error): a 503, not a 500.
func IsUnavailable(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return pgIsUnavailable(err)
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_READONLY,
		sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN:
		return true
	}
	return false
}

// timeArg is a time as a query argument for a prepared statement: the text
// form Bun's SQLite dialect writes, so that every row sorts the same way
// whichever path wrote it.
func timeArg(t time.Time) any {
	return t.UTC().Format("2006-01-02 15:04:05.999999-07:00")
}

// bulkLoad gives the writer connection a large page cache (512 MB) for a bulk
// load such as Seed, so that index pages are not spilled and re-read, and
// returns a function that restores the normal size.
func (s *Store) bulkLoad(ctx context.Context) (restore func()) {
	if _, err := s.db.ExecContext(ctx, "PRAGMA cache_size = -512000"); err != nil {
		return func() {}
	}
	return func() { _, _ = s.db.ExecContext(context.Background(), "PRAGMA cache_size = -20000") }
}

// withoutIndexes drops table's indexes inside tx, runs fn, and creates them
// again from their stored definitions: a bulk load sorts once instead of
// inserting into every index row by row.
func withoutIndexes(ctx context.Context, tx bun.Tx, table string, fn func() error) error {
	var defs []struct {
		Name string `bun:"name"`
		SQL  string `bun:"sql"`
	}
	if err := tx.NewRaw("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL", table).
		Scan(ctx, &defs); err != nil {
		return fmt.Errorf("models: list indexes: %w", err)
	}
	for _, d := range defs {
		if _, err := tx.ExecContext(ctx, "DROP INDEX "+d.Name); err != nil {
			return fmt.Errorf("models: drop index %s: %w", d.Name, err)
		}
	}
	if err := fn(); err != nil {
		return err
	}
	for _, d := range defs {
		if _, err := tx.ExecContext(ctx, d.SQL); err != nil {
			return fmt.Errorf("models: create index %s: %w", d.Name, err)
		}
	}
	return nil
}

// insertID runs a prepared single-row INSERT and returns the new row's id.
// SQLite gives it as the last insert rowid; a RETURNING clause would make it
// keep a statement journal (a page copy per page touched) for every insert.
func insertID(ctx context.Context, stmt *sql.Stmt, args ...any) (int64, error) {
	res, err := stmt.ExecContext(ctx, args...)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// sqliteMigrationLock makes processes that migrate one database file at once
// take turns (the migrator reads what is applied, then applies the rest): an
// exclusive flock on a file beside the database, released by the returned
// function.
func (s *Store) sqliteMigrationLock(ctx context.Context) (func(), error) {
	f, err := os.OpenFile(s.path+".migrate-lock", os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("models: migration lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("models: migration lock: %w", err)
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

// retryBusy runs fn until it stops failing with SQLITE_BUSY, for at most 10 s.
func retryBusy(ctx context.Context, fn func() error) error {
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := fn()
		var se *sqlite.Error
		if err == nil || !errors.As(err, &se) || se.Code()&0xff != sqlite3.SQLITE_BUSY || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(20 * time.Millisecond):
		}
	}
}

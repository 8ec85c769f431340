package models

// Everything specific to SQLite lives in this file: the connection settings,
// the data_version signal, and sqliteDialect (the migration lock, the online
// backup, the bulk load, the statements the store prepares, the error
// codes). PostgreSQL's counterparts are in postgres.go.

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
		writer:  bun.NewDB(write, sqlitedialect.New()),
		readers: bun.NewDB(read, sqlitedialect.New()),
		path:    path,
		dialect: sqliteDialect{},
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

// sqliteDialect is the Store's dialect on SQLite.
type sqliteDialect struct{}

// backup runs VACUUM INTO, which reads one snapshot and holds no write lock.
func (sqliteDialect) backup(ctx context.Context, s *Store, out string) error {
	if _, err := os.Stat(out); err == nil {
		return fmt.Errorf("models: backup: %s already exists", out)
	}
	if _, err := s.readers.ExecContext(ctx, "VACUUM INTO ?", out); err != nil {
		return fmt.Errorf("models: backup: %w", err)
	}
	return nil
}

func (sqliteDialect) isUniqueViolation(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// isForeignKeyViolation: a RESTRICT action reports SQLITE_CONSTRAINT_TRIGGER,
// a deferred or immediate check SQLITE_CONSTRAINT_FOREIGNKEY; both say
// "FOREIGN KEY".
func (sqliteDialect) isForeignKeyViolation(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code()&0xff == sqlite3.SQLITE_CONSTRAINT && strings.Contains(se.Error(), "FOREIGN KEY")
	}
	return false
}

func (sqliteDialect) isNotNullViolation(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_NOTNULL
	}
	return false
}

// isUnavailable: locked, read-only, disk full, I/O error.
func (sqliteDialect) isUnavailable(err error) bool {
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

// matchIDs: an FTS5 query on <table>_search, each term a quoted phrase (a
// run of trigrams: a substring) and the terms joined by OR.
func (sqliteDialect) matchIDs(table string, terms []string) (string, []any) {
	phrases := make([]string, len(terms))
	for i, t := range terms {
		phrases[i] = `"` + strings.ReplaceAll(t, `"`, `""`) + `"`
	}
	return "SELECT rowid FROM " + table + "_search WHERE " + table + "_search MATCH ?", []any{strings.Join(phrases, " OR ")}
}

// inIDs: SQLite drives the query by the subquery's ids.
func (sqliteDialect) inIDs(column, sub string) string { return column + " IN (" + sub + ")" }

// isTransientConflict: the single writer never deadlocks with itself.
func (sqliteDialect) isTransientConflict(error) bool { return false }

// lockRow: the single writer connection already makes every write
// transaction take its turn (BEGIN IMMEDIATE), in this process and others.
func (sqliteDialect) lockRow(context.Context, bun.Tx, string, int64) error { return nil }

// fileWriters: one attachment at a time, so that the recorder's next batch
// waits for at most one file's transaction.
func (sqliteDialect) fileWriters() int { return 1 }

// indexedBy: without ANALYZE statistics SQLite guesses that an equality
// on an index's first column is more selective than a range.
func (sqliteDialect) indexedBy(index string) string { return " INDEXED BY " + index }

// sql: SQLite takes ? placeholders as they are.
func (sqliteDialect) sql(query string) string { return query }

// insertSQL: the INSERT as it is; see insertID.
func (sqliteDialect) insertSQL(query string) string { return query }

// timeArg is a time as a query argument for a prepared statement: the text
// form Bun's SQLite dialect writes, so that every row sorts the same way
// whichever path wrote it.
func timeArg(t time.Time) any {
	return t.UTC().Format("2006-01-02 15:04:05.999999-07:00")
}

// bulkLoad gives the writer connection a larger page cache (64 MB: each
// index build's sort fits in it, and shrinking it back costs a system call
// per cached page — seconds at 512 MB), a second sorting thread and no
// foreign-key checks, and returns a function that restores the normal
// settings.
func (sqliteDialect) bulkLoad(ctx context.Context, s *Store) (restore func()) {
	if _, err := s.writer.ExecContext(ctx, "PRAGMA cache_size = -64000"); err != nil {
		return func() {}
	}
	// The seed writes only ids it has just read back: checking each of its
	// million rows' four foreign keys would cost a fifth of the load.
	_, _ = s.writer.ExecContext(ctx, "PRAGMA foreign_keys = OFF")
	// The index builds may sort on both cores.
	_, _ = s.writer.ExecContext(ctx, "PRAGMA threads = 2")
	return func() {
		_, _ = s.writer.ExecContext(context.Background(), "PRAGMA threads = 0")
		_, _ = s.writer.ExecContext(context.Background(), "PRAGMA cache_size = -20000")
		_, _ = s.writer.ExecContext(context.Background(), "PRAGMA foreign_keys = ON")
	}
}

// secondaryIndexes are the indexes with a stored definition (those behind a
// constraint have none), then the triggers that keep the table's text index
// (table_search, FTS5), then that index's rebuild from the rows: a bulk load
// fills the text index once instead of row by row.
func (sqliteDialect) secondaryIndexes(ctx context.Context, tx bun.Tx, table string) ([]indexDef, error) {
	var defs []indexDef
	if err := tx.NewRaw(`SELECT name, sql, 'DROP ' || upper(type) || ' ' || name AS "drop" FROM sqlite_master
		WHERE type IN ('index', 'trigger') AND tbl_name = ? AND sql IS NOT NULL ORDER BY type = 'trigger', name`, table).
		Scan(ctx, &defs); err != nil {
		return nil, fmt.Errorf("models: list indexes: %w", err)
	}
	fts := table + "_search"
	n, err := tx.NewSelect().TableExpr("sqlite_master").Where("type = 'table' AND name = ?", fts).Count(ctx)
	if err != nil {
		return nil, fmt.Errorf("models: list indexes: %w", err)
	}
	if n > 0 {
		defs = append(defs, indexDef{Name: fts, SQL: "INSERT INTO " + fts + "(" + fts + ") VALUES ('rebuild')"})
	}
	return defs, nil
}

// insertID runs a prepared single-row INSERT and returns the new row's id.
// SQLite gives it as the last insert rowid; a RETURNING clause would make it
// keep a statement journal (a page copy per page touched) for every insert.
func (sqliteDialect) insertID(ctx context.Context, stmt *sql.Stmt, args ...any) (int64, error) {
	res, err := stmt.ExecContext(ctx, args...)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// rowSQL: the INSERT as it is; rowID reads the last insert rowid as
// insertID does.
func (sqliteDialect) rowSQL(query string) string { return query }

func (d sqliteDialect) rowID(ctx context.Context, stmt *sql.Stmt, args ...any) (int64, error) {
	return d.insertID(ctx, stmt, args...)
}

// boundLockWait: SQLite's writer waits for nothing once its transaction has
// begun.
func (sqliteDialect) boundLockWait(context.Context, bun.Tx, time.Time) error { return nil }

// lockLoginAttempts: the single writer connection already serialises every
// write transaction, in this process and (by the file lock) others.
func (sqliteDialect) lockLoginAttempts(context.Context, bun.Tx, string) error { return nil }

// lockAdmins: as lockLoginAttempts, the single writer is the lock.
func (sqliteDialect) lockAdmins(context.Context, bun.Tx) error { return nil }

// migrationLock makes processes that migrate one database file at once take
// turns (the migrator reads what is applied, then applies the rest): an
// exclusive flock on a file beside the database, released by the returned
// function.
func (sqliteDialect) migrationLock(ctx context.Context, s *Store) (func(), error) {
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

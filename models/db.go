// Package models is the data layer of Tránsito: Bun models, migrations and
// queries; every write validates its input with the pure rules of
// models/rules inside its transaction. It is the only package that writes
// SQL, and it never imports Fiber.
package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/migrate"

	"transito/models/migrations"
)

// Store is the database and every query Tránsito runs. On SQLite it holds
// two handles: writer, a single connection that serialises every write
// (SQLite allows one writer at a time), and readers, a pool of readers; in
// WAL mode readers never wait for the writer. On PostgreSQL writer and
// readers are two pools on the same server, a small one for writes (see
// postgres.go).
type Store struct {
	writer  *bun.DB
	readers *bun.DB
	path    string
	// dialect is what the store does its own way on each database.
	dialect dialect
	// versions watches for commits from any connection or process (SQLite's
	// data_version, PostgreSQL's WAL position); nil where the database has
	// no such signal.
	versions *versionWatcher
	tokens   tokenCache
	// stopCheckpoints stops the background WAL checkpointer, if any.
	stopCheckpoints func()
	touching        atomic.Bool // a last_used_at update is under way
	touchingSession atomic.Bool // an admin session's last_seen_at update is under way
	closeOnce       sync.Once
	closeErr        error
	counts          countCache
	// shard is this Store's row of date_counts for the API writer's batches
	// (see migration 20261204000002): replicas on one PostgreSQL database
	// write different rows.
	shard  int
	dash   dashboardCache
	tariff tariffCache
	locale atomic.Pointer[Locale]
	// files lets one attachment at a time into the writer (see
	// AddAttachment).
	files     chan struct{}
	filesOnce sync.Once
}

// Open opens the database named by dsn: a postgres:// or postgresql:// URL
// for PostgreSQL, otherwise a file path for SQLite.
func Open(ctx context.Context, dsn string) (*Store, error) {
	if IsPostgresDSN(dsn) {
		return openPostgres(ctx, dsn)
	}
	return openSQLite(ctx, dsn)
}

// Close closes every connection. Calling it again does nothing.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		if s.stopCheckpoints != nil {
			s.stopCheckpoints()
		}
		if s.versions != nil {
			s.versions.close()
		}
		s.closeErr = errors.Join(s.writer.Close(), s.readers.Close())
	})
	return s.closeErr
}

// Path is the database file path, or the PostgreSQL URL without its password.
func (s *Store) Path() string { return s.path }

// Migrate applies pending migrations and returns the names of those applied.
// Processes starting at once take turns: an advisory lock on PostgreSQL, a
// file lock beside the database on SQLite.
func (s *Store) Migrate(ctx context.Context) ([]string, error) {
	unlock, err := s.dialect.migrationLock(ctx, s)
	if err != nil {
		return nil, err
	}
	defer unlock()
	m := migrate.NewMigrator(s.writer, migrations.New(), migrate.WithMarkAppliedOnSuccess(true))
	if err := m.Init(ctx); err != nil {
		return nil, fmt.Errorf("models: migrate init: %w", err)
	}
	group, err := m.Migrate(ctx)
	if err != nil {
		return nil, fmt.Errorf("models: migrate: %w", err)
	}
	var names []string
	for _, mig := range group.Migrations {
		names = append(names, mig.Name+"_"+mig.Comment)
	}
	return names, nil
}

// Ping checks that the database can be read.
func (s *Store) Ping(ctx context.Context) error {
	var n int
	if err := s.readers.NewSelect().ColumnExpr("count(*)").Table("persons").Limit(1).Scan(ctx, &n); err != nil {
		return fmt.Errorf("models: ping: %w", err)
	}
	return nil
}

// DataVersion returns a number that changes whenever a change is committed:
// at once for commits through this Store, within 50 ms for commits by another
// process. ok is false when the database offers no such signal or it cannot
// be read; callers must then not cache.
//
// On PostgreSQL commits by other replicas are seen within about a second
// (pgVersionPoll).
func (s *Store) DataVersion(ctx context.Context) (v int64, ok bool) {
	if s.versions == nil || s.versions.broken.Load() {
		return 0, false
	}
	return s.versions.gen.Load(), true
}

// changed records that this Store committed a change.
func (s *Store) changed() {
	if s.versions != nil {
		s.versions.gen.Add(1)
	}
}

// versionWatcher turns a database's change signal into the generation that
// DataVersion returns. Commits through this Store bump it at once (changed);
// every period the watcher reads the signal (read), which moves with every
// commit by any connection, process or replica, and bumps it again when the
// signal moved. While the signal cannot be read, broken says not to cache.
type versionWatcher struct {
	read    func(context.Context) (string, error)
	release func() error
	gen     atomic.Int64
	broken  atomic.Bool
	stop    chan struct{}
	done    chan struct{}
}

func newVersionWatcher(period time.Duration, read func(context.Context) (string, error), release func() error) *versionWatcher {
	w := &versionWatcher{read: read, release: release, stop: make(chan struct{}), done: make(chan struct{})}
	go w.run(period)
	return w
}

func (w *versionWatcher) run(period time.Duration) {
	defer close(w.done)
	tick := time.NewTicker(period)
	defer tick.Stop()
	var last string
	for {
		select {
		case <-w.stop:
			return
		case <-tick.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), period)
		v, err := w.read(ctx)
		cancel()
		w.broken.Store(err != nil)
		if err == nil && v != last {
			last = v
			w.gen.Add(1)
		}
	}
}

func (w *versionWatcher) close() {
	close(w.stop)
	<-w.done
	w.release()
}

// dialect is what the store does differently on SQLite (sqliteDialect, in
// sqlite.go) and on PostgreSQL (postgresDialect, in postgres.go), beyond
// what Bun's own dialects cover. Nothing else in the package asks which
// database it is on.
type dialect interface {
	// migrationLock makes processes that migrate one database at once take
	// turns; it returns the function that releases the lock.
	migrationLock(ctx context.Context, s *Store) (unlock func(), err error)
	// backup writes a consistent copy of the live database to out.
	backup(ctx context.Context, s *Store, out string) error
	// bulkLoad tunes the writer for a bulk load such as Seed and returns
	// the function that undoes it.
	bulkLoad(ctx context.Context, s *Store) (restore func())
	// secondaryIndexes lists the indexes of table that a bulk load drops and
	// creates again (not those behind a constraint), in the order they are
	// created, and readies tx to build them.
	secondaryIndexes(ctx context.Context, tx bun.Tx, table string) ([]indexDef, error)
	// indexedBy is the clause after a table in FROM that makes the query
	// read that index, where the planner has no statistics to choose it.
	indexedBy(index string) string
	// sql adapts the ? placeholders of a statement the store prepares
	// itself (the recorder's, the seed's).
	sql(query string) string
	// insertSQL is sql for the recorder's INSERT INTO infractions ... VALUES,
	// whose new id insertID reads.
	insertSQL(query string) string
	insertID(ctx context.Context, stmt *sql.Stmt, args ...any) (int64, error)
	// matchIDs is a subquery of the ids of table's rows whose search_key
	// contains any of terms (folded, at least 3 characters each), through
	// the database's text index (see migration 20261204000001).
	matchIDs(table string, terms []string) (query string, args []any)
	// inIDs is the condition that column is among the ids sub selects,
	// read first (a search's few matches), then sorted.
	inIDs(column, sub string) string
	// rowSQL is sql for a plain single-row INSERT the store prepares itself
	// (the import's), whose new id rowID reads.
	rowSQL(query string) string
	rowID(ctx context.Context, stmt *sql.Stmt, args ...any) (int64, error)
	// lockRow makes the transactions that change the row id of table take
	// turns until tx ends (the payment of a fine, a descargo, an
	// attachment), across processes and replicas.
	lockRow(ctx context.Context, tx bun.Tx, table string, id int64) error
	// fileWriters is how many attachments may wait for the writer at once
	// (see AddAttachment): one on SQLite, whose single writer connection
	// they would otherwise hold in turn ahead of the recorder's batches.
	fileWriters() int
	// boundLockWait makes the statements of tx wait for a lock another
	// session holds no longer than until deadline.
	boundLockWait(ctx context.Context, tx bun.Tx, deadline time.Time) error
	// lockLoginAttempts makes the transactions that count the login
	// attempts of one key (username and client) take turns, across
	// processes and replicas.
	lockLoginAttempts(ctx context.Context, tx bun.Tx, key string) error
	// lockAdmins makes the transactions that change who may administer the
	// panel (a role, a deactivation, a deletion) take turns, so that two of
	// them never both leave the last active administrador out.
	lockAdmins(ctx context.Context, tx bun.Tx) error
	// isTransientConflict reports whether err is a conflict between
	// transactions that a retry gets past (deadlock, serialisation).
	isTransientConflict(err error) bool
	// The errors of the database's driver: a unique, foreign-key or NOT
	// NULL constraint failed, or the database cannot take the request now.
	isUniqueViolation(err error) bool
	isForeignKeyViolation(err error) bool
	isNotNullViolation(err error) bool
	isUnavailable(err error) bool
}

// indexDef is an index as its database defines it — or, on SQLite, a
// trigger that keeps a text index, or the statement that rebuilds that text
// index (Drop is what removes it for the load, "" when nothing does).
type indexDef struct {
	Name string `bun:"name"`
	SQL  string `bun:"sql"`
	Drop string `bun:"drop"`
}

// withoutIndexes drops table's secondary indexes inside tx, runs fn, and
// creates them again: a bulk load sorts once instead of inserting into every
// index row by row.
func (s *Store) withoutIndexes(ctx context.Context, tx bun.Tx, table string, fn func() error) error {
	defs, err := s.dialect.secondaryIndexes(ctx, tx, table)
	if err != nil {
		return err
	}
	for _, d := range defs {
		if d.Drop == "" {
			continue
		}
		if _, err := tx.ExecContext(ctx, d.Drop); err != nil {
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

// dialects are both implementations, for the error checks that hold an
// error but no Store: an error comes from one driver or the other.
var dialects = [...]dialect{sqliteDialect{}, postgresDialect{}}

func anyDialect(is func(d dialect) bool) bool {
	for _, d := range dialects {
		if is(d) {
			return true
		}
	}
	return false
}

// isUniqueViolation reports whether err is a unique-constraint failure.
func isUniqueViolation(err error) bool {
	return anyDialect(func(d dialect) bool { return d.isUniqueViolation(err) })
}

// isForeignKeyViolation reports whether err is a foreign-key failure.
func isForeignKeyViolation(err error) bool {
	return anyDialect(func(d dialect) bool { return d.isForeignKeyViolation(err) })
}

// isNotNullViolation reports whether err is a NOT NULL constraint failure.
func isNotNullViolation(err error) bool {
	return anyDialect(func(d dialect) bool { return d.isNotNullViolation(err) })
}

// IsUnavailable reports whether err means the database cannot take the
// request now (locked, read-only, disk full, no connection): a 503, not a 500.
func IsUnavailable(err error) bool {
	return anyDialect(func(d dialect) bool { return d.isUnavailable(err) })
}

// Backup writes a consistent copy of the live database to out, which must
// not exist yet; it runs while the server is writing. On PostgreSQL it
// returns ErrBackupUnsupported.
func (s *Store) Backup(ctx context.Context, out string) error {
	return s.dialect.backup(ctx, s, out)
}

// now is the clock every write uses, in UTC and at microsecond precision so
// that what is stored is what is read back.
func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// isNoRows reports whether err means no row matched.
func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// inTx runs fn in a write transaction.
func (s *Store) inTx(ctx context.Context, fn func(ctx context.Context, tx bun.Tx) error) error {
	err := s.writer.RunInTx(ctx, nil, fn)
	s.changed()
	return err
}

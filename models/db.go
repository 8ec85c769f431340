// Package models is the data layer of Tránsito: Bun models, migrations,
// queries and validation. It is the only package that writes SQL, and it
// never imports Fiber.
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
// two handles: db, a single connection that serialises every write (SQLite
// allows one writer at a time), and rdb, a pool of readers; in WAL mode
// readers never wait for the writer. On PostgreSQL db and rdb are two pools
// on the same server, a small one for writes (see postgres.go).
type Store struct {
	db   *bun.DB
	rdb  *bun.DB
	path string
	// postgres is true when the database is a PostgreSQL server.
	postgres bool
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
	dash            dashboardCache
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
		s.closeErr = errors.Join(s.db.Close(), s.rdb.Close())
	})
	return s.closeErr
}

// Path is the database file path, or the PostgreSQL URL without its password.
func (s *Store) Path() string { return s.path }

// IsPostgres reports whether the database is a PostgreSQL server.
func (s *Store) IsPostgres() bool { return s.postgres }

// Migrate applies pending migrations and returns the names of those applied.
// Processes starting at once take turns: an advisory lock on PostgreSQL, a
// file lock beside the database on SQLite.
func (s *Store) Migrate(ctx context.Context) ([]string, error) {
	lock := s.sqliteMigrationLock
	if s.postgres {
		lock = s.pgMigrationLock
	}
	unlock, err := lock(ctx)
	if err != nil {
		return nil, err
	}
	defer unlock()
	m := migrate.NewMigrator(s.db, migrations.New(), migrate.WithMarkAppliedOnSuccess(true))
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
	if err := s.rdb.NewSelect().ColumnExpr("count(*)").Table("persons").Limit(1).Scan(ctx, &n); err != nil {
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

// now is the clock every write uses, in UTC and at microsecond precision so
// that what is stored is what is read back.
func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// isNoRows reports whether err means no row matched.
func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// inTx runs fn in a write transaction.
func (s *Store) inTx(ctx context.Context, fn func(ctx context.Context, tx bun.Tx) error) error {
	err := s.db.RunInTx(ctx, nil, fn)
	s.changed()
	return err
}

package models

// Everything specific to PostgreSQL lives in this file: the connection pools,
// the report cache's change signal, and postgresDialect (the migration lock,
// placeholders, the recorder's insert, the bulk-load index rebuild and the
// error codes). SQLite's counterparts are in sqlite.go.

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
)

// ErrBackupUnsupported means Backup was asked of a PostgreSQL database:
// pg_dump (or the provider's snapshots) is the tool there.
var ErrBackupUnsupported = errors.New("models: backup: not supported on PostgreSQL, use pg_dump")

// pgMaxConns bounds the connections of each process (plus one for the
// report cache's watcher). Every replica holds up to this many server
// connections: keep replicas × (pgMaxConns+1) below the server's
// max_connections. pgWriteConns of them are the writers' (the
// recorder, panel and CLI writes), so that a burst of reads never makes the
// group commit wait for a connection.
const (
	pgMaxConns   = 16
	pgWriteConns = 4
)

// IsPostgresDSN reports whether dsn names a PostgreSQL database
// (postgres:// or postgresql:// URL) rather than a SQLite file.
func IsPostgresDSN(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// RedactDSN returns dsn without its password, for logs and messages.
func RedactDSN(dsn string) string {
	if !IsPostgresDSN(dsn) {
		return dsn
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "postgres://…"
	}
	return u.Redacted()
}

// pgLockTimeout is how long a statement waits for a lock another session
// holds before it fails (and the API answers 503), unless the URL sets
// lock_timeout itself: PostgreSQL's counterpart of SQLite's busy_timeout.
const pgLockTimeout = "5s"

// openPostgres opens two pools on the server named by dsn, through pgx's
// database/sql driver: a small one for writes and one for reads. Unlike
// SQLite's single writer connection, the write pool has several connections:
// the server, not the process, serialises conflicting writers.
func openPostgres(ctx context.Context, dsn string) (*Store, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return nil, fmt.Errorf("models: open: invalid PostgreSQL URL %s", RedactDSN(dsn))
	}
	if q := u.Query(); q.Get("lock_timeout") == "" {
		q.Set("lock_timeout", pgLockTimeout)
		u.RawQuery = q.Encode()
		dsn = u.String()
	}
	write, err := openPGPool(ctx, dsn, pgWriteConns)
	if err != nil {
		return nil, err
	}
	read, err := openPGPool(ctx, dsn, pgMaxConns-pgWriteConns)
	if err != nil {
		write.Close()
		return nil, err
	}
	s := &Store{writer: bun.NewDB(write, pgdialect.New()), readers: bun.NewDB(read, pgdialect.New()), path: RedactDSN(dsn), dialect: postgresDialect{}, shard: rand.IntN(16)}
	// The watcher has a connection of its own: a read pool busy with reports
	// must not make it miss its tick and switch the report cache off.
	watch, err := openPGPool(ctx, dsn, 1)
	if err != nil {
		s.Close()
		return nil, err
	}
	s.versions = newVersionWatcher(pgVersionPoll, walPosition(watch), watch.Close)
	return s, nil
}

// openPGPool opens a pool of at most n connections and checks that the
// server answers.
func openPGPool(ctx context.Context, dsn string, n int) (*sql.DB, error) {
	pool, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("models: open %s: %w", RedactDSN(dsn), err)
	}
	pool.SetMaxOpenConns(n)
	pool.SetMaxIdleConns(n)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	if err := pool.PingContext(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("models: open %s: %w", RedactDSN(dsn), err)
	}
	return pool, nil
}

// pgMigrationLockKey and the schema's name make the advisory lock that
// serialises Migrate across replicas starting at once ("tran" in ASCII).
// Databases in other schemas of the same server do not wait for each other.
const pgMigrationLockKey int32 = 0x7472616e

// postgresDialect is the Store's dialect on PostgreSQL.
type postgresDialect struct{}

// migrationLock takes a session-level advisory lock on a connection of its
// own and returns the function that releases it. Another replica's Migrate
// waits here, then finds nothing left to apply.
func (postgresDialect) migrationLock(ctx context.Context, s *Store) (unlock func(), err error) {
	conn, err := s.writer.DB.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("models: migration lock: %w", err)
	}
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1, hashtext(current_schema()))", pgMigrationLockKey); err != nil {
		conn.Close()
		return nil, fmt.Errorf("models: migration lock: %w", err)
	}
	return func() {
		_, _ = conn.ExecContext(context.Background(), "SELECT pg_advisory_unlock($1, hashtext(current_schema()))", pgMigrationLockKey)
		conn.Close()
	}, nil
}

// backup: pg_dump (or the provider's snapshots) is the tool there.
func (postgresDialect) backup(context.Context, *Store, string) error { return ErrBackupUnsupported }

// bulkLoad: withoutIndexes gives the index builds their memory.
func (postgresDialect) bulkLoad(context.Context, *Store) (restore func()) { return func() {} }

// sql rewrites ? placeholders into PostgreSQL's $1, $2, ...
func (postgresDialect) sql(query string) string { return pgRebind(query) }

// indexedBy: PostgreSQL plans from the statistics autovacuum keeps.
func (postgresDialect) indexedBy(string) string { return "" }

// insertSQL makes the insert return the id (pgx has no LastInsertId), and
// insert nothing — instead of failing, which would abort the whole batch's
// transaction there — when the vehicle is gone or another replica committed
// the same idempotency key meanwhile: the caller then sees sql.ErrNoRows. The vehicle row is locked FOR KEY SHARE so that a
// delete cannot slip in between the check and the foreign key.
func (postgresDialect) insertSQL(query string) string {
	i := strings.Index(query, "VALUES (")
	if i < 0 {
		return pgRebind(query) + " RETURNING id"
	}
	values := strings.TrimSuffix(strings.TrimSpace(query[i+len("VALUES ("):]), ")")
	return pgRebind(query[:i] + "SELECT " + values +
		" WHERE EXISTS (SELECT 1 FROM vehicles WHERE id = ? FOR KEY SHARE)" +
		" ON CONFLICT (officer_id, idempotency_key) DO NOTHING RETURNING id")
}

// insertID runs an INSERT prepared from insertSQL and returns the new id.
// args start with the vehicle id, which the statement takes again at the end.
func (postgresDialect) insertID(ctx context.Context, stmt *sql.Stmt, args ...any) (int64, error) {
	var id int64
	err := stmt.QueryRowContext(ctx, append(args, args[0])...).Scan(&id)
	return id, err
}

// rowSQL makes the insert return the new id (pgx has no LastInsertId),
// which rowID reads.
func (postgresDialect) rowSQL(query string) string { return pgRebind(query) + " RETURNING id" }

func (postgresDialect) rowID(ctx context.Context, stmt *sql.Stmt, args ...any) (int64, error) {
	var id int64
	err := stmt.QueryRowContext(ctx, args...).Scan(&id)
	return id, err
}

// boundLockWait sets the transaction's lock_timeout to what is left until
// deadline (at least 1 ms): an insert waiting for a row or table lock fails
// then instead of outliving its request.
func (postgresDialect) boundLockWait(ctx context.Context, tx bun.Tx, deadline time.Time) error {
	ms := max(time.Until(deadline).Milliseconds(), 1)
	if _, err := tx.ExecContext(ctx, "SET LOCAL lock_timeout = "+strconv.FormatInt(ms, 10)); err != nil {
		return fmt.Errorf("models: lock timeout: %w", err)
	}
	return nil
}

// pgLoginLockKey and a hash of the username and client make the advisory
// lock that serialises counting login attempts across replicas ("logn").
const pgLoginLockKey int32 = 0x6c6f676e

// lockRow locks the row FOR UPDATE: a concurrent transaction on the same
// row (another replica's payment of the same fine) waits for this one, then
// sees what it committed.
// fileWriters: PostgreSQL writes concurrently; the bound keeps a burst of
// uploads from taking every connection of the pool.
func (postgresDialect) fileWriters() int { return 4 }

func (postgresDialect) lockRow(ctx context.Context, tx bun.Tx, table string, id int64) error {
	if _, err := tx.ExecContext(ctx, "SELECT 1 FROM "+pgIdent(table)+" WHERE id = ? FOR UPDATE", id); err != nil {
		return fmt.Errorf("models: lock %s %d: %w", table, id, err)
	}
	return nil
}

// lockLoginAttempts takes a transaction-level advisory lock on key, shared
// by the replicas.
func (postgresDialect) lockLoginAttempts(ctx context.Context, tx bun.Tx, key string) error {
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(?, hashtext(?))", pgLoginLockKey, key); err != nil {
		return fmt.Errorf("models: login lock: %w", err)
	}
	return nil
}

// pgAdminsLockKey and the schema's name make the advisory lock that
// serialises the changes to who administers the panel ("admn").
const pgAdminsLockKey int32 = 0x61646d6e

// lockAdmins takes a transaction-level advisory lock, shared by the
// replicas, for this schema's accounts.
func (postgresDialect) lockAdmins(ctx context.Context, tx bun.Tx) error {
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(?, hashtext(current_schema()))", pgAdminsLockKey); err != nil {
		return fmt.Errorf("models: admins lock: %w", err)
	}
	return nil
}

// isTransientConflict reports whether err is a deadlock or serialisation
// failure between transactions (replicas whose batches insert the same
// idempotency keys in another order): the recorder retries such a batch row
// by row rather than failing it.
func (postgresDialect) isTransientConflict(err error) bool {
	code := pgCode(err)
	return code == "40P01" || code == "40001"
}

// matchIDs: LIKE '%term%' on search_key, which its pg_trgm GIN index serves.
func (postgresDialect) matchIDs(table string, terms []string) (string, []any) {
	conds := make([]string, len(terms))
	args := make([]any, len(terms))
	for i, t := range terms {
		conds[i] = `search_key LIKE ? ESCAPE '\'`
		args[i] = likePattern(t)
	}
	return "SELECT id FROM " + table + " WHERE " + strings.Join(conds, " OR "), args
}

// inIDs: the ids as an array computed once. Given IN (subquery), the
// planner misjudges how many rows a trigram search keeps and walks the
// whole list in order testing each row (250 ms for a full name among
// 100,000 persons instead of 6 ms).
func (postgresDialect) inIDs(column, sub string) string {
	return column + " = ANY(ARRAY(" + sub + "))"
}

// pgRebind numbers the ? placeholders of query: $1, $2, ... Question marks
// inside quoted literals and identifiers are left alone.
func pgRebind(query string) string {
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	var quote byte
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// pgVersionPoll bounds how long a commit by another replica may go unnoticed
// by the report cache.
const pgVersionPoll = time.Second

// walPosition is the report cache's change signal on PostgreSQL: the
// server's WAL position moves with every commit by any replica (and with
// unrelated writes such as vacuum: the cache is then merely dropped sooner
// than needed). So another replica's write is seen within pgVersionPoll.
func walPosition(db *sql.DB) func(context.Context) (string, error) {
	return func(ctx context.Context) (string, error) {
		var lsn string
		err := db.QueryRowContext(ctx, "SELECT pg_current_wal_lsn()::text").Scan(&lsn)
		return lsn, err
	}
}

// secondaryIndexes leaves out the indexes behind a constraint (such as the
// primary key); the others are created again from pg_get_indexdef, with more
// memory for the sorts.
func (postgresDialect) secondaryIndexes(ctx context.Context, tx bun.Tx, table string) ([]indexDef, error) {
	var defs []indexDef
	if err := tx.NewRaw(`SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS sql
		FROM pg_index AS i JOIN pg_class AS c ON c.oid = i.indexrelid
		WHERE i.indrelid = ?::regclass AND NOT i.indisprimary
		AND NOT EXISTS (SELECT 1 FROM pg_constraint AS k WHERE k.conindid = i.indexrelid)
		ORDER BY c.relname`, table).Scan(ctx, &defs); err != nil {
		return nil, fmt.Errorf("models: list indexes: %w", err)
	}
	if _, err := tx.ExecContext(ctx, "SET LOCAL maintenance_work_mem = '256MB'"); err != nil {
		return nil, fmt.Errorf("models: bulk load settings: %w", err)
	}
	for i := range defs {
		defs[i].Drop = "DROP INDEX " + pgIdent(defs[i].Name)
	}
	return defs, nil
}

// pgIdent quotes an identifier.
func pgIdent(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

// pgCode is the SQLSTATE of a server error, or "".
func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// isUniqueViolation: unique_violation.
func (postgresDialect) isUniqueViolation(err error) bool { return pgCode(err) == "23505" }

// isForeignKeyViolation: foreign_key_violation (RESTRICT included).
func (postgresDialect) isForeignKeyViolation(err error) bool { return pgCode(err) == "23503" }

// isNotNullViolation: not_null_violation.
func (postgresDialect) isNotNullViolation(err error) bool { return pgCode(err) == "23502" }

// isUnavailable reports whether the server cannot take the request now: no connection, the server shutting down or starting,
// out of resources, a read-only standby after a fail-over, a lock held past
// lock_timeout, or a transient conflict (deadlock, serialisation) a retry
// would get past.
func (postgresDialect) isUnavailable(err error) bool {
	if err == nil {
		return false
	}
	if code := pgCode(err); code != "" {
		return pgUnavailableCodes[code] || pgUnavailableCodes[code[:2]]
	}
	var ce *pgconn.ConnectError
	var oe *net.OpError
	var ne net.Error
	return errors.As(err, &ce) || errors.As(err, &oe) || (errors.As(err, &ne) && ne.Timeout()) ||
		errors.Is(err, driver.ErrBadConn) || pgconn.Timeout(err) || pgconn.SafeToRetry(err)
}

// pgUnavailableCodes are the SQLSTATEs (or their two-character classes) that
// mean "not now" rather than "wrong".
var pgUnavailableCodes = map[string]bool{
	"08":    true, // connection exception
	"53":    true, // insufficient resources (too many connections, disk full)
	"57P01": true, // admin_shutdown: a restart or fail-over
	"57P02": true, // crash_shutdown
	"57P03": true, // cannot_connect_now: starting up
	"57014": true, // query_canceled: statement_timeout
	"55P03": true, // lock_not_available: lock_timeout
	"25006": true, // read_only_sql_transaction: a standby after a fail-over
	"40001": true, // serialization_failure
	"40P01": true, // deadlock_detected
}

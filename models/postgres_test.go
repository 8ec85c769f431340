package models

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"transito/internal/testdb"
	"transito/models/rules"
)

func TestRebind(t *testing.T) {
	pg := postgresDialect{}
	for _, tc := range []struct{ in, want string }{
		{"SELECT 1", "SELECT 1"},
		{"a = ? AND b = ?", "a = $1 AND b = $2"},
		{"x = '?' AND y = ? AND z = \"q?\"", "x = '?' AND y = $1 AND z = \"q?\""},
		{"VALUES (?, ?, 'it''s?', ?)", "VALUES ($1, $2, 'it''s?', $3)"},
	} {
		if got := pg.sql(tc.in); got != tc.want {
			t.Errorf("rebind(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := (sqliteDialect{}).sql("a = ?"); got != "a = ?" {
		t.Errorf("SQLite rebind changed the query: %q", got)
	}
}

func TestRedactDSN(t *testing.T) {
	got := RedactDSN("postgres://app:s3cret@db:5432/transito?sslmode=disable")
	if want := "postgres://app:xxxxx@db:5432/transito?sslmode=disable"; got != want {
		t.Errorf("RedactDSN = %q, want %q", got, want)
	}
	if got := RedactDSN("/var/lib/transito.db"); got != "/var/lib/transito.db" {
		t.Errorf("a file path was changed: %q", got)
	}
}

func TestPostgresIsDurable(t *testing.T) {
	if !testdb.Postgres() {
		t.Skip("PostgreSQL only: set TRANSITO_TEST_DB=postgres://...")
	}
	s := newTestStore(t)
	var sync string
	if err := s.writer.QueryRowContext(context.Background(), "SHOW synchronous_commit").Scan(&sync); err != nil {
		t.Fatal(err)
	}
	if sync == "off" {
		t.Fatalf("synchronous_commit = %s: a 200 would not mean a durable commit", sync)
	}
}

func TestBackupRefusedOnPostgres(t *testing.T) {
	if !testdb.Postgres() {
		t.Skip("PostgreSQL only: set TRANSITO_TEST_DB=postgres://...")
	}
	s := newTestStore(t)
	err := s.Backup(context.Background(), filepath.Join(t.TempDir(), "copia.db"))
	if !errors.Is(err, ErrBackupUnsupported) {
		t.Fatalf("Backup on PostgreSQL: err = %v, want ErrBackupUnsupported", err)
	}
}

// TestConcurrentMigrateTakesTurns starts several Stores on one fresh
// database at once, as replicas do: each must succeed, and the migrations be
// applied exactly once.
func TestConcurrentMigrateTakesTurns(t *testing.T) {
	dsn := testdb.DSN(t)
	ctx := context.Background()
	const n = 4
	applied := make([][]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := Open(ctx, dsn)
			if err != nil {
				errs[i] = err
				return
			}
			defer s.Close()
			applied[i], errs[i] = s.Migrate(ctx)
		}()
	}
	wg.Wait()
	total := 0
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("replica %d: %v", i, errs[i])
		}
		total += len(applied[i])
	}
	s := newTestStore(t) // another, empty database: how many migrations exist
	if want := len(mustMigrations(t, s)); total != want {
		t.Fatalf("%d migrations applied in all, want %d (each once)", total, want)
	}
}

func mustMigrations(t *testing.T, s *Store) []string {
	t.Helper()
	var names []string
	if err := s.readers.NewSelect().Table("bun_migrations").Column("name").Scan(context.Background(), &names); err != nil {
		t.Fatal(err)
	}
	return names
}

// TestTwoStoresShareIdempotencyKeys writes the same idempotency key through
// two Stores (two replicas) at once: one row, and both answers name it.
func TestTwoStoresShareIdempotencyKeys(t *testing.T) {
	a, dsn := newTestStoreDSN(t)
	ctx := context.Background()
	mustImport(t, a, "nombre,email,placa_patente,marca,color\nAna,ana@example.com,AB123CD,Fiat,Rojo\n")
	o, err := a.CreateOfficer(ctx, rules.OfficerInput{Name: "Uno", Badge: "B1", Active: true}, CLIActor)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	auth := OfficerAuth{OfficerID: o.ID, Name: o.Name, Badge: o.Badge, Active: true}
	var recs []*Recorder
	for _, s := range []*Store{a, b} {
		r, err := s.NewRecorder(RecorderOptions{})
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close(ctx)
		recs = append(recs, r)
	}
	const keys, each = 20, 4
	ids := make([][]int64, keys)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for k := range keys {
		for i := range each {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got, err := recs[i%2].Record(ctx, RecordRequest{Officer: auth, Plate: "AB123CD",
					OccurredAt: time.Now().Add(-time.Minute), IdempotencyKey: "k" + string(rune('a'+k))})
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				ids[k] = append(ids[k], got.Infraction.ID)
				mu.Unlock()
			}()
		}
	}
	wg.Wait()
	if n := count(t, a, "infractions"); n != keys {
		t.Fatalf("%d rows for %d keys sent %d times each through two stores, want %d", n, keys, each, keys)
	}
	for k, got := range ids {
		for _, id := range got {
			if id != got[0] {
				t.Errorf("key %d: answers name rows %v, want one", k, got)
				break
			}
		}
	}
}

func TestPostgresErrorCodes(t *testing.T) {
	for _, tc := range []struct {
		code                    string
		unique, fk, unavailable bool
	}{
		{"23505", true, false, false},
		{"23503", false, true, false},
		{"57P01", false, false, true},  // admin_shutdown: a fail-over or restart
		{"08006", false, false, true},  // connection_failure
		{"53300", false, false, true},  // too_many_connections
		{"40P01", false, false, true},  // deadlock_detected
		{"25006", false, false, true},  // read_only_sql_transaction
		{"55P03", false, false, true},  // lock_not_available
		{"42P01", false, false, false}, // undefined_table: a bug, a 500
	} {
		err := fmt.Errorf("models: wrapped: %w", &pgconn.PgError{Code: tc.code})
		if got := isUniqueViolation(err); got != tc.unique {
			t.Errorf("%s: isUniqueViolation = %v", tc.code, got)
		}
		if got := isForeignKeyViolation(err); got != tc.fk {
			t.Errorf("%s: isForeignKeyViolation = %v", tc.code, got)
		}
		if got := IsUnavailable(err); got != tc.unavailable {
			t.Errorf("%s: IsUnavailable = %v", tc.code, got)
		}
	}
	if IsUnavailable(errors.New("models: something else")) {
		t.Error("a plain error is not unavailability")
	}
}

func TestNoPostgresServerIsUnavailable(t *testing.T) {
	_, err := Open(context.Background(), "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=2")
	if err == nil || !IsUnavailable(err) {
		t.Fatalf("Open with no server: err = %v, IsUnavailable = %v; want true", err, IsUnavailable(err))
	}
}

// TestReplicasStartingTogetherCreateOneAdmin runs EnsureFirstAdmin from two
// Stores at once, as two replicas starting on an empty database: neither
// fails, one admin exists, and one of them reports the password it set.
func TestReplicasStartingTogetherCreateOneAdmin(t *testing.T) {
	a, dsn := newTestStoreDSN(t)
	b, err := Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var wg sync.WaitGroup
	passwords := make([]string, 2)
	errs := make([]error, 2)
	for i, s := range []*Store{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			passwords[i], errs[i] = s.EnsureFirstAdmin(context.Background(), "clave-inicial-larga")
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("replica %d: %v", i, err)
		}
	}
	if n := count(t, a, "admins"); n != 1 {
		t.Fatalf("%d admins, want 1", n)
	}
	if (passwords[0] == "") == (passwords[1] == "") {
		t.Fatalf("passwords reported %q: want exactly one replica to report it", passwords)
	}
}

func TestPostgresInsertSQL(t *testing.T) {
	got := postgresDialect{}.insertSQL(insertInfractionSQL)
	for _, want := range []string{
		"SELECT $1, $2, (SELECT person_id FROM vehicles WHERE id = $3), $4, $5, $6, $7, 'vigente', '', $8, $9, $10, $11, $12, $13, $14, $15, $16, $17 WHERE EXISTS (SELECT 1 FROM vehicles WHERE id = $18 FOR KEY SHARE)",
		"ON CONFLICT (officer_id, idempotency_key) DO NOTHING RETURNING id",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("insertSQL = %s\nwant it to contain %s", got, want)
		}
	}
	if got := (sqliteDialect{}).insertSQL(insertInfractionSQL); got != insertInfractionSQL {
		t.Errorf("SQLite insert changed: %s", got)
	}
}

// Package testdb gives every test a fresh, empty database: a SQLite file in
// the test's temporary directory, or — when TRANSITO_TEST_DB holds a
// postgres:// URL — a schema of its own on that server, dropped when the test
// ends. The same tests thus run on both databases:
//
//	go test ./...                                              # SQLite
//	TRANSITO_TEST_DB=postgres://user@127.0.0.1:5432/db go test ./...  # PostgreSQL
//
// When TRANSITO_TEST_DB is set but no server answers, tests fail under CI
// (CI=true) and are skipped, saying why, elsewhere.
//
// It does not import the models package, so that the models package's own
// tests can use it.
package testdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

// EnvVar names the variable that selects PostgreSQL for the tests.
const EnvVar = "TRANSITO_TEST_DB"

// Postgres reports whether the tests run against PostgreSQL.
func Postgres() bool {
	v := os.Getenv(EnvVar)
	return strings.HasPrefix(v, "postgres://") || strings.HasPrefix(v, "postgresql://")
}

// SkipOnPostgres skips a test that is about SQLite itself (its pragmas, its
// file, its backup), giving the reason.
func SkipOnPostgres(t testing.TB, reason string) {
	t.Helper()
	if Postgres() {
		t.Skip("SQLite only: " + reason)
	}
}

// DSN returns the data source name of a fresh, empty database for t: a new
// file path under t.TempDir() for SQLite, or the TRANSITO_TEST_DB URL with a
// search_path naming a new schema for PostgreSQL. Each call gives another
// database.
func DSN(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvVar)
	if base == "" {
		return filepath.Join(t.TempDir(), "test.db")
	}
	if !Postgres() {
		t.Fatalf("%s=%q: expected a postgres:// URL (or unset, for SQLite)", EnvVar, base)
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", EnvVar, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	admin, err := sql.Open("pgx", base)
	if err == nil {
		err = admin.PingContext(ctx)
	}
	if err != nil {
		if admin != nil {
			admin.Close()
		}
		msg := fmt.Sprintf("%s=%s: no PostgreSQL server answers: %v", EnvVar, u.Redacted(), err)
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg + " (set CI=true to fail instead)")
	}
	schema := "t_" + randomHex(t)
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		t.Fatalf("testdb: create schema: %v", err)
	}
	t.Cleanup(func() {
		defer admin.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Logf("testdb: drop schema %s: %v", schema, err)
		}
	})
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func randomHex(t testing.TB) string {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

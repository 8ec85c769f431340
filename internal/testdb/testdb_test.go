package testdb

import (
	"context"
	"database/sql"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSQLiteByDefault(t *testing.T) {
	t.Setenv(EnvVar, "")
	a, b := DSN(t), DSN(t)
	if a == b || filepath.Ext(a) != ".db" || Postgres() {
		t.Fatalf("DSN = %q, %q: want two distinct SQLite files", a, b)
	}
}

// TestUnreachableServerSkipsLocally points the harness at a port where no
// server listens: outside CI the test using it is skipped, with the reason.
func TestUnreachableServerSkipsLocally(t *testing.T) {
	t.Setenv("CI", "")
	t.Setenv(EnvVar, "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=2")
	var inner *testing.T
	t.Run("inner", func(t *testing.T) {
		inner = t
		DSN(t)
		t.Error("DSN returned without a server")
	})
	if !inner.Skipped() {
		t.Fatal("the test was not skipped")
	}
}

// TestPostgresSchemaPerCall checks that each DSN names a schema of its own,
// which exists while the test runs and is dropped after it.
func TestPostgresSchemaPerCall(t *testing.T) {
	if !Postgres() {
		t.Skip("PostgreSQL only: set " + EnvVar + "=postgres://...")
	}
	var schema string
	t.Run("inner", func(t *testing.T) {
		dsn := DSN(t)
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatal(err)
		}
		schema = u.Query().Get("search_path")
		if !strings.HasPrefix(schema, "t_") {
			t.Fatalf("search_path = %q", schema)
		}
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var current string
		if err := db.QueryRowContext(context.Background(), "SELECT current_schema()").Scan(&current); err != nil || current != schema {
			t.Fatalf("current_schema() = %q, %v; want %q", current, err, schema)
		}
	})
	db, err := sql.Open("pgx", os.Getenv(EnvVar))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRowContext(context.Background(), "SELECT count(*) FROM pg_namespace WHERE nspname = $1", schema).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("schema %s still exists after the test", schema)
	}
}

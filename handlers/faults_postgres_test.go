package handlers_test

import (
	"context"
	"database/sql"
	"testing"

	"transito/handlers"
	"transito/internal/testdb"
	"transito/internal/testenv"
)

// TestPostgresLockedTableAnswers503AndRecovers is the PostgreSQL side of
// TestLockedByAnotherProcessAnswers503AndRecovers: another session holds a
// lock that blocks inserts; the write waits lock_timeout (5 s), answers 503
// and writes nothing, and writes succeed again once the lock is gone.
func TestPostgresLockedTableAnswers503AndRecovers(t *testing.T) {
	if !testdb.Postgres() {
		t.Skip("PostgreSQL only: set TRANSITO_TEST_DB=postgres://...")
	}
	if testing.Short() {
		t.Skip("waits for the 5 s lock timeout")
	}
	dsn := testdb.DSN(t)
	env := testenv.API(t, handlers.Config{}, testenv.WithDSN(dsn))
	before := env.CountInfractions(t)

	ctx := context.Background()
	other, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	tx, err := other.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	// EXCLUSIVE blocks inserts and lets readers through.
	if _, err := tx.ExecContext(ctx, "LOCK TABLE infractions IN EXCLUSIVE MODE"); err != nil {
		t.Fatal(err)
	}
	expectUnavailable(t, env, before)
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	expectRecovered(t, env)
}

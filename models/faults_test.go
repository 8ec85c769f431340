package models

import (
	"context"
	"testing"
	"time"

	"transito/internal/testdb"
)

// TestReadOnlyDatabaseIsUnavailableAndRecovers makes the writer's connection
// read-only (PRAGMA query_only, the same SQLITE_READONLY a read-only file
// gives) and checks that a batch fails as unavailable, writes nothing, and
// that writes resume when the fault clears.
func TestReadOnlyDatabaseIsUnavailableAndRecovers(t *testing.T) {
	testdb.SkipOnPostgres(t, "PRAGMA query_only; PostgreSQL's read-only error (25006) is in TestPostgresErrorCodes")
	s, r, officer := newRecorderEnv(t)
	ctx := context.Background()
	if _, err := s.writer.ExecContext(ctx, "PRAGMA query_only = ON"); err != nil {
		t.Fatal(err)
	}
	_, err := r.Record(ctx, RecordRequest{Officer: officer, Plate: "AB123CD", OccurredAt: time.Now()})
	if !IsUnavailable(err) {
		t.Fatalf("write to a read-only database: err = %v, want unavailable", err)
	}
	if n := count(t, s, "infractions"); n != 0 {
		t.Fatalf("%d rows after a refused write", n)
	}
	if _, err := s.writer.ExecContext(ctx, "PRAGMA query_only = OFF"); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Record(ctx, RecordRequest{Officer: officer, Plate: "AB123CD", OccurredAt: time.Now()}); err != nil {
		t.Fatalf("write after the fault cleared: %v", err)
	}
}

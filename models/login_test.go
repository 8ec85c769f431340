package models

import (
	"context"
	"errors"
	"testing"

	"transito/internal/testdb"
	"transito/models/rules"
)

// The failure count lives in the database: a second server on the same
// database (a replica, or this one after a restart) refuses too.
func TestLoginThrottleSharedBetweenStores(t *testing.T) {
	ctx := context.Background()
	path := testdb.DSN(t)
	a, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := a.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := a.CreateAdmin(ctx, rules.AdminInput{Username: "admin", Password: "clave-correcta-1"}, SystemActor); err != nil {
		t.Fatal(err)
	}
	for i := range MaxLoginFailures {
		if _, err := a.Login(ctx, "admin", "incorrecta", "10.0.0.1"); !errors.Is(err, ErrBadCredentials) {
			t.Fatalf("attempt %d: %v", i+1, err)
		}
	}
	b, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var te *ThrottledError
	if _, err := b.Login(ctx, "ADMIN ", "clave-correcta-1", "10.0.0.1"); !errors.As(err, &te) {
		t.Fatalf("second store: %v, want throttled", err)
	}
	if _, err := b.Login(ctx, "admin", "clave-correcta-1", "10.0.0.2"); err != nil {
		t.Fatalf("another client: %v", err)
	}
	n, err := a.readers.NewSelect().Model((*AuditEntry)(nil)).Where("action = ?", "login.failed").Count(ctx)
	if err != nil || n != MaxLoginFailures {
		t.Fatalf("audited failures = %d (%v)", n, err)
	}
}

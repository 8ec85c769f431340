package models

import (
	"context"
	"errors"
	"testing"
	"time"

	"transito/models/rules"
)

// The server side of panel sessions (issue 10, item 3), seen from two stores
// on one database (two replicas): logout ends one session, a password change
// every session of the account; idle and maximum ages end a session; the
// use is written at most once a minute; only the id's SHA-256 is stored.
func TestAdminSessionsEndForGood(t *testing.T) {
	ctx := context.Background()
	a, dsn := newTestStoreDSN(t)
	b, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	admin, err := a.CreateAdmin(ctx, rules.AdminInput{Username: "admin", Password: "clave-correcta-1"}, SystemActor)
	if err != nil {
		t.Fatal(err)
	}
	const idle, maxAge = 8 * time.Hour, 12 * time.Hour
	check := func(st *Store, id string) error { return st.CheckAdminSession(ctx, id, admin.ID, idle, maxAge) }

	for _, id := range []string{"sesion-uno", "sesion-dos", "sesion-tres"} {
		if err := a.StartAdminSession(ctx, admin.ID, id, maxAge); err != nil {
			t.Fatal(err)
		}
	}
	for _, st := range []*Store{a, b} {
		if err := check(st, "sesion-uno"); err != nil {
			t.Fatalf("open session: %v", err)
		}
	}
	if err := b.CheckAdminSession(ctx, "sesion-uno", admin.ID+1, idle, maxAge); !errors.Is(err, ErrSessionEnded) {
		t.Errorf("another admin's id: %v", err)
	}
	if err := check(a, "inventada"); !errors.Is(err, ErrSessionEnded) {
		t.Errorf("unknown session: %v", err)
	}
	var hashes []string
	if err := a.readers.NewSelect().Model((*AdminSession)(nil)).Column("id_hash").Scan(ctx, &hashes); err != nil {
		t.Fatal(err)
	}
	for _, h := range hashes {
		if h == "sesion-uno" || len(h) != 64 {
			t.Errorf("stored id %q, want its SHA-256", h)
		}
	}

	if err := b.EndAdminSession(ctx, "sesion-uno"); err != nil {
		t.Fatal(err)
	}
	if err := check(a, "sesion-uno"); !errors.Is(err, ErrSessionEnded) {
		t.Errorf("after logout on the other store: %v", err)
	}
	if err := check(a, "sesion-dos"); err != nil {
		t.Errorf("logout ended another session: %v", err)
	}

	// Used again within the minute: last_seen_at stays; after a minute it moves.
	seen := func(id string) time.Time {
		var as AdminSession
		if err := a.readers.NewSelect().Model(&as).Where("id_hash = ?", sessionHash(id)).Scan(ctx); err != nil {
			t.Fatal(err)
		}
		return as.LastSeenAt
	}
	first := seen("sesion-dos")
	_ = check(a, "sesion-dos")
	time.Sleep(100 * time.Millisecond)
	if got := seen("sesion-dos"); !got.Equal(first) {
		t.Errorf("last_seen_at written again within a minute: %v → %v", first, got)
	}
	old := now().Add(-2 * time.Minute)
	if _, err := a.writer.NewUpdate().Model((*AdminSession)(nil)).Set("last_seen_at = ?", old).Where("id_hash = ?", sessionHash("sesion-dos")).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	_ = check(b, "sesion-dos")
	deadline := time.Now().Add(5 * time.Second)
	for seen("sesion-dos").Equal(old) {
		if time.Now().After(deadline) {
			t.Fatal("last_seen_at not written after a minute")
		}
		time.Sleep(20 * time.Millisecond)
	}

	// Idle too long, or too old however busy.
	if _, err := a.writer.NewUpdate().Model((*AdminSession)(nil)).Set("last_seen_at = ?", now().Add(-idle-time.Minute)).Where("id_hash = ?", sessionHash("sesion-tres")).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	if err := check(a, "sesion-tres"); !errors.Is(err, ErrSessionEnded) {
		t.Errorf("idle session: %v", err)
	}
	if _, err := a.writer.NewUpdate().Model((*AdminSession)(nil)).Set("created_at = ?", now().Add(-maxAge-time.Minute)).Where("id_hash = ?", sessionHash("sesion-dos")).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	if err := check(a, "sesion-dos"); !errors.Is(err, ErrSessionEnded) {
		t.Errorf("session past its maximum age: %v", err)
	}

	// A password change ends every session of the account.
	for _, id := range []string{"sesion-cuatro", "sesion-cinco"} {
		if err := b.StartAdminSession(ctx, admin.ID, id, maxAge); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.ChangePassword(ctx, admin.ID, "clave-correcta-1", "clave-nueva-456", SystemActor); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"sesion-cuatro", "sesion-cinco"} {
		if err := check(b, id); !errors.Is(err, ErrSessionEnded) {
			t.Errorf("%s after the password change: %v", id, err)
		}
	}

	// An admin with sessions can still be deleted (by another one).
	other, err := a.CreateAdmin(ctx, rules.AdminInput{Username: "otra", Password: "clave-correcta-2"}, SystemActor)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.StartAdminSession(ctx, other.ID, "sesion-otra", maxAge); err != nil {
		t.Fatal(err)
	}
	if err := a.DeleteAdmin(ctx, other.ID, SystemActor); err != nil {
		t.Errorf("delete an admin with a session: %v", err)
	}
}

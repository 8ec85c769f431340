package models

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun/migrate"

	"transito/internal/testdb"
	"transito/models/migrations"
	"transito/models/rules"
)

const testPassword = "clave-de-prueba-123"

func mustAdmin(t testing.TB, s *Store, username string, role rules.Role) *Admin {
	t.Helper()
	a, err := s.CreateAdmin(context.Background(), rules.AdminInput{Username: username, Password: testPassword, Role: role}, CLIActor)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestAdminRolesMigrationKeepsExistingAdminsAllPowerful applies the schema
// as it was before roles, stores an account there, then migrates: the
// account is an active administrador; a row written without a role gets
// operador, and a role outside the three is refused by the database.
func TestAdminRolesMigrationKeepsExistingAdminsAllPowerful(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, testdb.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	before := migrate.NewMigrations()
	for _, m := range migrations.New().Sorted() {
		if m.Name < "20261203000001" {
			before.Add(m)
		}
	}
	old := migrate.NewMigrator(s.writer, before, migrate.WithMarkAppliedOnSuccess(true))
	if err := old.Init(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := old.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	t0 := time.Now().UTC()
	if _, err := s.writer.NewRaw("INSERT INTO admins (username, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?)",
		"antigua", "x", t0, t0).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	applied, err := s.Migrate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(applied) == 0 || applied[0] != "20261203000001_admin_roles" {
		t.Fatalf("applied %v, want the roles migration first", applied)
	}
	var a Admin
	if err := s.readers.NewSelect().Model(&a).Where("username = ?", "antigua").Scan(ctx); err != nil {
		t.Fatal(err)
	}
	if a.Role != rules.RoleAdministrador || !a.Active {
		t.Errorf("existing admin after migration: role %q active %v, want an active administrador", a.Role, a.Active)
	}

	if _, err := s.writer.NewRaw("INSERT INTO admins (username, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?)",
		"sin-rol", "x", t0, t0).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	var b Admin
	if err := s.readers.NewSelect().Model(&b).Where("username = ?", "sin-rol").Scan(ctx); err != nil {
		t.Fatal(err)
	}
	if b.Role != rules.RoleOperador || !b.Active {
		t.Errorf("row without a role: %q active %v, want an active operador", b.Role, b.Active)
	}
	if _, err := s.writer.NewRaw("INSERT INTO admins (username, password_hash, role, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
		"jefe", "x", "jefe", t0, t0).Exec(ctx); err == nil {
		t.Error("the database accepted the role «jefe»")
	}
}

func TestTheFirstAccountIsAlwaysAdministrador(t *testing.T) {
	s := newTestStore(t)
	if first := mustAdmin(t, s, "primera", rules.RoleOperador); first.Role != rules.RoleAdministrador {
		t.Errorf("first account: role %q, want administrador whatever was asked", first.Role)
	}
	if p, err := s.EnsureFirstAdmin(context.Background(), ""); err != nil || p != "" {
		t.Fatalf("EnsureFirstAdmin with an account: %q %v", p, err)
	}
	for _, tc := range []struct {
		username string
		asked    rules.Role
		want     rules.Role
	}{
		{"sin-rol", "", rules.RoleOperador},
		{"super", rules.RoleSupervisor, rules.RoleSupervisor},
		{"otra-admin", "ADMINISTRADOR ", rules.RoleAdministrador},
	} {
		if a := mustAdmin(t, s, tc.username, tc.asked); a.Role != tc.want || !a.Active {
			t.Errorf("%s asked %q: role %q active %v, want %q", tc.username, tc.asked, a.Role, a.Active, tc.want)
		}
	}
	_, err := s.CreateAdmin(context.Background(), rules.AdminInput{Username: "jefa", Password: testPassword, Role: "jefa"}, CLIActor)
	var fe rules.FieldErrors
	if !errors.As(err, &fe) || fe[rules.FieldRole] == "" {
		t.Errorf("role jefa: %v, want a field error on rol", err)
	}

	fresh := newTestStore(t)
	if _, err := fresh.EnsureFirstAdmin(context.Background(), testPassword); err != nil {
		t.Fatal(err)
	}
	a, err := fresh.Login(context.Background(), "admin", testPassword, "127.0.0.1")
	if err != nil || a.Role != rules.RoleAdministrador {
		t.Errorf("serve's first admin: %+v %v, want an administrador", a, err)
	}
}

func TestUpdateAdminKeepsAnActiveAdministrador(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	root := mustAdmin(t, s, "root", "")
	other := mustAdmin(t, s, "ana", rules.RoleOperador)
	self := Actor{Kind: ActorAdmin, ID: root.ID, Name: root.Username}
	conflict := func(err error) bool { return errors.As(err, new(*ConflictError)) }

	for name, in := range map[string]rules.AdminChange{
		"demote":     {Role: rules.RoleSupervisor},
		"deactivate": {Active: "0"},
	} {
		if _, err := s.UpdateAdmin(ctx, root.ID, in, self); !conflict(err) {
			t.Errorf("%s the last active administrador: %v, want a conflict", name, err)
		}
	}
	if why, err := s.AdminDependents(ctx, root.ID, CLIActor); err != nil || why == "" {
		t.Errorf("deleting the last active administrador: %q %v, want a reason", why, err)
	}

	// Another administrador, but deactivated, does not count.
	if _, err := s.UpdateAdmin(ctx, other.ID, rules.AdminChange{Role: rules.RoleAdministrador, Active: "0"}, self); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateAdmin(ctx, root.ID, rules.AdminChange{Role: rules.RoleOperador}, self); !conflict(err) {
		t.Errorf("demote with only an inactive administrador left: %v, want a conflict", err)
	}
	if _, err := s.UpdateAdmin(ctx, other.ID, rules.AdminChange{Active: "1"}, self); err != nil {
		t.Fatal(err)
	}
	a, err := s.UpdateAdmin(ctx, root.ID, rules.AdminChange{Role: rules.RoleOperador}, self)
	if err != nil || a.Role != rules.RoleOperador || !a.Active {
		t.Fatalf("demote with another active administrador: %+v %v", a, err)
	}
	if _, err := s.UpdateAdmin(ctx, other.ID, rules.AdminChange{Role: rules.RoleSupervisor}, self); !conflict(err) {
		t.Errorf("demoting the new last administrador: %v, want a conflict", err)
	}

	for name, in := range map[string]rules.AdminChange{
		"nothing":  {},
		"bad role": {Role: "jefe"},
		"bad flag": {Active: "quizás"},
	} {
		var fe rules.FieldErrors
		if _, err := s.UpdateAdmin(ctx, other.ID, in, self); !errors.As(err, &fe) {
			t.Errorf("%s: %v, want field errors", name, err)
		}
	}
	if _, err := s.UpdateAdmin(ctx, 999999, rules.AdminChange{Active: "0"}, self); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown account: %v, want ErrNotFound", err)
	}

	actions := map[string]int{}
	res, err := s.ListAudit(ctx, ListQuery{Filters: map[string]string{"entidad": "admin"}, PerPage: 100}, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range res.Items {
		actions[e.Action]++
	}
	if actions["update"] != 2 || actions["deactivate"] != 0 || actions["activate"] != 1 {
		t.Errorf("audited actions %v, want 2 updates (one with the deactivation) and 1 activation", actions)
	}
}

// TestConcurrentDemotionsLeaveAnAdministrador has two administradores demote
// each other at the same time, many times: one of the two always stays.
func TestConcurrentDemotionsLeaveAnAdministrador(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	a := mustAdmin(t, s, "alfa", "")
	b := mustAdmin(t, s, "beta", rules.RoleAdministrador)
	for round := range 10 {
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, pair := range [][2]*Admin{{a, b}, {b, a}} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = s.UpdateAdmin(ctx, pair[1].ID, rules.AdminChange{Role: rules.RoleOperador},
					Actor{Kind: ActorAdmin, ID: pair[0].ID, Name: pair[0].Username})
			}()
		}
		wg.Wait()
		n, err := s.readers.NewSelect().Model((*Admin)(nil)).Where("role = ?", rules.RoleAdministrador).Where("active = ?", true).Count(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Fatalf("round %d: %d active administradores left (errors %v), want 1", round, n, errs)
		}
		for _, x := range []*Admin{a, b} {
			if _, err := s.UpdateAdmin(ctx, x.ID, rules.AdminChange{Role: rules.RoleAdministrador}, CLIActor); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func TestDeactivationAndResetEndEverySession(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	mustAdmin(t, s, "root", "")
	for _, tc := range []struct {
		name string
		do   func(id int64) error
	}{
		{"deactivate", func(id int64) error {
			_, err := s.UpdateAdmin(ctx, id, rules.AdminChange{Active: "no"}, CLIActor)
			return err
		}},
		{"reset", func(id int64) error { return s.ResetPassword(ctx, id, "otra-clave-larga", CLIActor) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := mustAdmin(t, s, "op-"+tc.name, rules.RoleOperador)
			for _, sid := range []string{"sesion-1-" + tc.name, "sesion-2-" + tc.name} {
				if err := s.StartAdminSession(ctx, a.ID, sid, time.Hour); err != nil {
					t.Fatal(err)
				}
			}
			if err := tc.do(a.ID); err != nil {
				t.Fatal(err)
			}
			for _, sid := range []string{"sesion-1-" + tc.name, "sesion-2-" + tc.name} {
				if err := s.CheckAdminSession(ctx, sid, a.ID, time.Hour, time.Hour); !errors.Is(err, ErrSessionEnded) {
					t.Errorf("session %s after %s: %v, want ended", sid, tc.name, err)
				}
			}
		})
	}
	if err := s.ResetPassword(ctx, 1, "corta", CLIActor); !errors.As(err, new(rules.FieldErrors)) {
		t.Errorf("weak reset: %v, want a field error", err)
	}
	if err := s.ResetPassword(ctx, 999999, "otra-clave-larga", CLIActor); !errors.Is(err, ErrNotFound) {
		t.Errorf("reset of an unknown account: %v", err)
	}
}

// TestDeactivatedAccountCannotLogIn: a wrong password says what it says to
// anyone; the right one says the account is deactivated. Neither logs in.
func TestDeactivatedAccountCannotLogIn(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	mustAdmin(t, s, "root", "")
	a := mustAdmin(t, s, "ana", rules.RoleSupervisor)
	if _, err := s.UpdateAdmin(ctx, a.ID, rules.AdminChange{Active: "0"}, CLIActor); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Login(ctx, "ana", "no-es-la-clave", "10.0.0.1"); !errors.Is(err, ErrBadCredentials) {
		t.Errorf("wrong password of a deactivated account: %v, want ErrBadCredentials", err)
	}
	if _, err := s.Login(ctx, "ana", testPassword, "10.0.0.1"); !errors.Is(err, ErrAccountDisabled) {
		t.Errorf("right password of a deactivated account: %v, want ErrAccountDisabled", err)
	}
	if _, err := s.UpdateAdmin(ctx, a.ID, rules.AdminChange{Active: "1"}, CLIActor); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Login(ctx, "ana", testPassword, "10.0.0.1"); err != nil || got.Role != rules.RoleSupervisor {
		t.Errorf("reactivated: %+v %v", got, err)
	}
}

func TestThrottledLoginIsSeenAndUnlocked(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	mustAdmin(t, s, "root", "")
	a := mustAdmin(t, s, "ana", rules.RoleOperador)
	if until, n, err := s.LoginThrottled(ctx, "ana"); err != nil || !until.IsZero() || n != 0 {
		t.Fatalf("before any failure: %v %d %v", until, n, err)
	}
	for _, client := range []string{"10.0.0.1", "10.0.0.2"} {
		for range MaxLoginFailures {
			if _, err := s.Login(ctx, "ana", "mala-clave-123", client); !errors.Is(err, ErrBadCredentials) {
				t.Fatal(err)
			}
		}
	}
	// Four failures from a third client do not lock it.
	for range MaxLoginFailures - 1 {
		_, _ = s.Login(ctx, "ana", "mala-clave-123", "10.0.0.3")
	}
	until, n, err := s.LoginThrottled(ctx, "ana")
	if err != nil || n != 2 || time.Until(until) < LoginLockout-time.Minute || time.Until(until) > LoginLockout {
		t.Fatalf("throttled: until %v (in %v), %d clients, %v; want 2 clients for about %v", until, time.Until(until), n, err, LoginLockout)
	}
	if _, err := s.Login(ctx, "ana", testPassword, "10.0.0.1"); !errors.As(err, new(*ThrottledError)) {
		t.Fatalf("right password while throttled: %v", err)
	}
	forgot, err := s.UnlockLogin(ctx, a.ID, CLIActor)
	if err != nil || forgot != 2*MaxLoginFailures+MaxLoginFailures-1 {
		t.Fatalf("unlock: %d %v", forgot, err)
	}
	if until, n, _ := s.LoginThrottled(ctx, "ana"); !until.IsZero() || n != 0 {
		t.Errorf("after unlock: %v %d", until, n)
	}
	if _, err := s.Login(ctx, "ana", testPassword, "10.0.0.1"); err != nil {
		t.Errorf("login after unlock: %v", err)
	}
	if _, err := s.UnlockLogin(ctx, 999999, CLIActor); !errors.Is(err, ErrNotFound) {
		t.Errorf("unlock of an unknown account: %v", err)
	}
}

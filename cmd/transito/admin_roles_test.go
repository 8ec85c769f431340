package main

import (
	"context"
	"strings"
	"testing"

	"transito/internal/testdb"
	"transito/internal/testenv"
	"transito/models"
	"transito/models/rules"
)

// TestAdminCreateRoles: the first account made by `admin create` is an
// administrador whatever --role says; the next ones are operador unless
// --role says otherwise; a role that is none is refused in one line, before
// the password is read, and creates nothing.
func TestAdminCreateRoles(t *testing.T) {
	db := testdb.DSN(t)
	create := func(user string, args ...string) (string, error) {
		out, _, err := cli(t, "una clave muy larga\n", append([]string{"admin", "create", "--username", user, "--password-stdin", "--db", db}, args...)...)
		return out, err
	}
	if out, err := create("primera", "--role", "operador"); err != nil || !strings.Contains(out, "rol administrador") {
		t.Fatalf("first account: %q %v, want an administrador", out, err)
	}
	if out, err := create("segunda"); err != nil || !strings.Contains(out, "rol operador") {
		t.Fatalf("default role: %q %v", out, err)
	}
	if out, err := create("tercera", "--role", "Supervisor"); err != nil || !strings.Contains(out, "rol supervisor") {
		t.Fatalf("--role Supervisor: %q %v", out, err)
	}
	_, err := create("cuarta", "--role", "jefe")
	if err == nil || exitCode(err) == 0 || strings.Contains(oneLine(err), "\n") || !strings.Contains(oneLine(err), "--role") {
		t.Fatalf("--role jefe: %v (exit %d), want a one-line refusal naming --role", err, exitCode(err))
	}

	store := testenv.Open(t, db)
	want := map[string]rules.Role{"primera": rules.RoleAdministrador, "segunda": rules.RoleOperador, "tercera": rules.RoleSupervisor}
	res, err := store.ListAdmins(context.Background(), models.ListQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Items) != len(want) {
		t.Errorf("%d accounts, want %d", len(res.Items), len(want))
	}
	for _, a := range res.Items {
		if a.Role != want[a.Username] || !a.Active {
			t.Errorf("%s: role %q active %v, want %q", a.Username, a.Role, a.Active, want[a.Username])
		}
	}
}

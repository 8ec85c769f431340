package admin_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"transito/internal/testenv"
	"transito/models"
	"transito/models/rules"
)

// accountSeeds are the accounts' forms' awkward inputs: roles in any case,
// with NULs, flags in Spanish and English, passwords at the limits.
var accountSeeds = [][3]string{
	{"supervisor", "1", "clave-larga-123"},
	{"ADMINISTRADOR", "0", "x"},
	{" operador ", "sí", ""},
	{"operador\x00", "on", "clave\x00larga-123"},
	{"jefe", "quizás", strings.Repeat("ñ", 40)},
	{"", "", ""},
	{"administrador", "", strings.Repeat("x", 73)},
	{"supervisora", "false", "\xff\xfe-clave-larga"},
	{"<script>", "2", "' OR 1=1 --"},
}

// FuzzAdminAccountForms posts arbitrary text into the forms that create and
// manage accounts: the new account (usuario, clave, rol), another account's
// role and state (rol, activo), its password reset (clave) and one's own
// password (clave_actual, clave). Whatever comes in: no 5xx; a refusal puts
// a message on the form and writes nothing; every stored account has a
// role of the three; an active administrador is always left.
func FuzzAdminAccountForms(f *testing.F) {
	e := testenv.Panel(f)
	ana := testenv.MustAdmin(f, e.Store, "ana", rules.RoleOperador)
	e.Login()
	page := fmt.Sprintf("/admin/administradores/%d", ana.ID)
	forms := []panelForm{
		{path: "/admin/administradores", fields: []string{"usuario", "clave", "rol"}},
		{path: page, fields: []string{"rol", "activo"}},
		{path: page + "/clave", fields: []string{"clave"}},
		{path: "/admin/cuenta", fields: []string{"clave_actual", "clave"}},
	}
	for i, s := range append(accountSeeds, fuzzSeeds...) {
		f.Add(uint8(i%len(forms)), s[0], s[1], s[2])
	}
	f.Add(uint8(0), "nuevo", "clave-larga-123", "supervisor")
	f.Add(uint8(1), "administrador", "1", "")
	f.Add(uint8(3), testenv.Password, "clave-nueva-123", "")
	audits := func(t *testing.T) int {
		res, err := e.Store.ListAudit(context.Background(), models.ListQuery{}, e.Config.Location)
		if err != nil {
			t.Fatal(err)
		}
		return res.Total
	}
	accounts := func(t *testing.T) *models.Paged[models.Admin] {
		res, err := e.Store.ListAdmins(context.Background(), models.ListQuery{PerPage: 1000})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	stateOf := func(p *models.Paged[models.Admin]) string {
		var b strings.Builder
		for _, a := range p.Items {
			fmt.Fprintln(&b, a.ID, a.Username, a.Role, a.Active, a.PasswordHash, a.UpdatedAt)
		}
		return b.String()
	}
	f.Fuzz(func(t *testing.T, which uint8, a, b, c string) {
		e.T = t
		form := forms[int(which)%len(forms)]
		values := url.Values{}
		for i, v := range []string{a, b, c}[:len(form.fields)] {
			values.Set(form.fields[i], v)
		}
		before, accountsBefore := audits(t), accounts(t)
		resp, doc := e.Post(form.path, values)
		audited := audits(t) - before
		res := accounts(t)
		// Asking for the role and state an account already has changes
		// nothing, and audits nothing.
		if !(resp.StatusCode == http.StatusSeeOther && audited == 0 && stateOf(res) == stateOf(accountsBefore)) {
			checkPosted(t, form.path, values, resp, doc, audited)
		}
		if resp.StatusCode == http.StatusSeeOther {
			e.Get("/admin") // a new password starts a new session: its CSRF token
		}
		administradores := 0
		for _, x := range res.Items {
			if !x.Role.Valid() || !cleanStored(x.Username) || x.Username != strings.ToLower(x.Username) {
				t.Fatalf("stored account %q role %q", x.Username, x.Role)
			}
			if x.Active && x.Role == rules.RoleAdministrador {
				administradores++
			}
		}
		if administradores == 0 {
			t.Fatal("no active administrador left")
		}
	})
}

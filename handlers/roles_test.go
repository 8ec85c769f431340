package handlers_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"transito/handlers/admin"
	"transito/internal/testenv"
	"transito/models/rules"
	"transito/paths"
)

// TestEveryStateChangingAdminRouteDeclaresItsRole walks the app's route
// table, so that a route added later without a role fails here: every
// state-changing route of the panel (but the login form) declares the least
// role that may use it, and a logged-in account below that role is refused
// with a 403 naming the role, with nothing changed in the database. The
// pages that declare a role are walked the same way.
func TestEveryStateChangingAdminRouteDeclaresItsRole(t *testing.T) {
	f := newSecFixture(t)
	testenv.MustAdmin(t, f.Store, "opera", rules.RoleOperador)
	testenv.MustAdmin(t, f.Store, "super", rules.RoleSupervisor)
	below := map[string]*testenv.Client{"operador": f.Env.Client(), "supervisor": f.Env.Client()}
	below["operador"].LoginAs("opera", testenv.Password)
	below["supervisor"].LoginAs("super", testenv.Password)

	declared := map[rules.Role]int{}
	for _, r := range f.Server.App.GetRoutes(true) {
		if !strings.HasPrefix(r.Path, paths.Panel) || r.Method == http.MethodHead {
			continue
		}
		min, ok := admin.RouteRole(r.Name)
		if !ok {
			if !isSafeMethod(r.Method) && r.Path != paths.Login {
				t.Errorf("%s %s changes something but declares no role (register it with operador/supervisor/administrador in admin.Routes)", r.Method, r.Path)
			}
			continue
		}
		declared[min]++
		for _, who := range []rules.Role{rules.RoleOperador, rules.RoleSupervisor} {
			if who.Includes(min) {
				continue
			}
			c := below[string(who)]
			t.Run(string(who)+" "+r.Method+" "+r.Path, func(t *testing.T) {
				before := f.Snapshot(t)
				form := url.Values{"_csrf": {c.CSRF}, "nombre": {"Cambiado"}, "email": {"cambiado@example.com"}, "numero": {"B9"},
					"activo": {"0"}, "usuario": {"nuevo"}, "clave": {"clave-cambiada-123"}, "rol": {"administrador"},
					"motivo": {"Sin permiso"}, "placa_patente": {"ZZ999ZZ"}, "codigo": {"X1"}}
				var body io.Reader
				if !isSafeMethod(r.Method) {
					body = strings.NewReader(form.Encode())
				}
				req := httptest.NewRequest(r.Method, f.concrete(r.Path), body)
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("X-CSRF-Token", c.CSRF)
				resp := c.Do(req)
				page, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusForbidden {
					t.Fatalf("status %d, want 403; body %.300s", resp.StatusCode, page)
				}
				if want := "requiere el rol " + string(min); !strings.Contains(string(page), want) {
					t.Errorf("the 403 page does not say %q: %.400s", want, page)
				}
				if after := f.Snapshot(t); after != before {
					t.Errorf("a refused request changed the database:\n%s", diffLines(before, after))
				}
			})
		}
	}
	if declared[rules.RoleOperador] < 10 || declared[rules.RoleSupervisor] < 8 || declared[rules.RoleAdministrador] < 6 {
		t.Fatalf("declared roles %v: the route walk is broken", declared)
	}
	for who, c := range below {
		if _, doc := c.Get("/admin"); testenv.Testid(doc, "current-role").Text() != "("+who+")" {
			t.Errorf("%s: a refused request ended the session", who)
		}
	}
}

// diffLines lists the lines of b that a does not have, and the reverse.
func diffLines(a, b string) string {
	in := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, l := range strings.Split(s, "\n") {
			m[l] = true
		}
		return m
	}
	ina, inb := in(a), in(b)
	var out []string
	for _, l := range strings.Split(a, "\n") {
		if !inb[l] {
			out = append(out, "- "+l)
		}
	}
	for _, l := range strings.Split(b, "\n") {
		if !ina[l] {
			out = append(out, "+ "+l)
		}
	}
	return strings.Join(out, "\n")
}

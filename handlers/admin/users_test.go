package admin_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"transito/internal/testenv"
)

func TestAdminAccounts(t *testing.T) {
	e := testenv.Panel(t)
	e.Login()
	resp, _ := e.Post("/admin/administradores", url.Values{"usuario": {"Laura"}, "clave": {"otra-clave-larga"}})
	testenv.WantStatus(t, resp, http.StatusSeeOther)
	resp, doc := e.Post("/admin/administradores", url.Values{"usuario": {"laura"}, "clave": {"otra-clave-larga"}})
	testenv.WantStatus(t, resp, http.StatusConflict)
	if !strings.Contains(testenv.Testid(doc, "error-usuario").Text(), "ya existe") {
		t.Errorf("duplicate admin: %q", testenv.Testid(doc, "error-usuario").Text())
	}
	_, doc = e.Get("/admin/administradores?orden=-usuario")
	if first := strings.TrimSpace(testenv.Testid(doc, "row").First().Find("td").First().Text()); first != "laura" {
		t.Errorf("first admin sorted desc = %q", first)
	}

	// Someone else's password cannot be changed, one's own can.
	resp, _ = e.Post("/admin/administradores/2", url.Values{"clave_actual": {testenv.Password}, "clave": {"nueva-clave-123"}})
	testenv.WantStatus(t, resp, http.StatusForbidden)
	_, doc = e.Get("/admin/administradores/2")
	if doc.Find(`[data-testid="password-form"]`).Length() != 0 {
		t.Error("password form on another admin's page")
	}
	resp, _ = e.Post("/admin/administradores/1", url.Values{"clave_actual": {testenv.Password}, "clave": {"nueva-clave-123"}})
	testenv.WantStatus(t, resp, http.StatusSeeOther)
	e.Cookies = map[string]string{}
	e.LoginPage()
	resp, _ = e.Post("/admin/login", url.Values{"usuario": {"admin"}, "clave": {testenv.Password}})
	testenv.WantStatus(t, resp, http.StatusUnauthorized)
	resp, _ = e.Post("/admin/login", url.Values{"usuario": {"admin"}, "clave": {"nueva-clave-123"}})
	testenv.WantStatus(t, resp, http.StatusSeeOther)
	e.Get("/admin") // the CSRF token of the new session

	// Another admin can be deleted.
	resp, _ = e.Post("/admin/administradores/2/eliminar", nil)
	testenv.WantStatus(t, resp, http.StatusSeeOther)
	_, doc = e.Get("/admin/administradores")
	if n := testenv.Testid(doc, "row").Length(); n != 1 {
		t.Errorf("admins after delete = %d", n)
	}
}

func TestAdminNotFoundAndBadIDs(t *testing.T) {
	e := testenv.Panel(t)
	e.Login()
	for _, p := range []string{"/admin/personas/999", "/admin/vehiculos/999", "/admin/oficiales/999", "/admin/infracciones/999",
		"/admin/administradores/999", "/admin/personas/abc", "/admin/personas/-1", "/admin/personas/999/eliminar", "/admin/no-existe"} {
		t.Run(p, func(t *testing.T) {
			resp, doc := e.Get(p)
			testenv.WantStatus(t, resp, http.StatusNotFound)
			if testenv.Testid(doc, "error-page").Length() != 1 {
				t.Error("no error page")
			}
		})
	}
	resp, _ := e.Post("/admin/personas/999", url.Values{"nombre": {"X"}, "email": {"x@example.com"}})
	testenv.WantStatus(t, resp, http.StatusNotFound)
}

func TestAdminOfficerEditAndAudit(t *testing.T) {
	e := testenv.Panel(t)
	e.Login()
	o := testenv.MustOfficer(t, e.Store, "Laura", "B-1")
	// Unticking the checkbox sends only the hidden "0".
	resp, _ := e.Post("/admin/oficiales/"+fmt.Sprint(o.ID), url.Values{"nombre": {"Laura Benítez"}, "numero": {"b-1"}, "activo": {"0"}})
	testenv.WantStatus(t, resp, http.StatusSeeOther)
	_, doc := e.Get("/admin/oficiales?estado=inactivo")
	if n := testenv.Testid(doc, "row").Length(); n != 1 {
		t.Fatalf("inactive officers = %d", n)
	}
	_, doc = e.Get("/admin/oficiales?estado=activo")
	if n := testenv.Testid(doc, "row").Length(); n != 0 {
		t.Fatalf("active officers = %d", n)
	}
	_, doc = e.Get("/admin/auditoria?entidad=officer&accion=update&actor=admin")
	rows := testenv.Testid(doc, "row")
	if rows.Length() != 1 || !strings.Contains(rows.Text(), "Laura Benítez") || !strings.Contains(rows.Text(), "admin") {
		t.Errorf("audit rows = %d: %q", rows.Length(), rows.Text())
	}
	_, doc = e.Get("/admin/auditoria?actor=cli")
	if n := testenv.Testid(doc, "row").Length(); n != 1 {
		t.Errorf("audit rows from the CLI actor = %d, want 1 (the officer's creation)", n)
	}
}

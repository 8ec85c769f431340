package handlers

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestAdminAccounts(t *testing.T) {
	e := newTestEnv(t)
	e.login()
	resp, _ := e.post("/admin/administradores", url.Values{"usuario": {"Laura"}, "clave": {"otra-clave-larga"}})
	wantStatus(t, resp, http.StatusSeeOther)
	resp, doc := e.post("/admin/administradores", url.Values{"usuario": {"laura"}, "clave": {"otra-clave-larga"}})
	wantStatus(t, resp, http.StatusConflict)
	if !strings.Contains(testid(doc, "error-usuario").Text(), "ya existe") {
		t.Errorf("duplicate admin: %q", testid(doc, "error-usuario").Text())
	}
	_, doc = e.get("/admin/administradores?orden=-usuario")
	if first := strings.TrimSpace(testid(doc, "row").First().Find("td").First().Text()); first != "laura" {
		t.Errorf("first admin sorted desc = %q", first)
	}

	// Someone else's password cannot be changed, one's own can.
	resp, _ = e.post("/admin/administradores/2", url.Values{"clave_actual": {testPassword}, "clave": {"nueva-clave-123"}})
	wantStatus(t, resp, http.StatusForbidden)
	_, doc = e.get("/admin/administradores/2")
	if doc.Find(`[data-testid="password-form"]`).Length() != 0 {
		t.Error("password form on another admin's page")
	}
	resp, _ = e.post("/admin/administradores/1", url.Values{"clave_actual": {testPassword}, "clave": {"nueva-clave-123"}})
	wantStatus(t, resp, http.StatusSeeOther)
	e.cookies = map[string]string{}
	e.loginPage()
	resp, _ = e.post("/admin/login", url.Values{"usuario": {"admin"}, "clave": {testPassword}})
	wantStatus(t, resp, http.StatusUnauthorized)
	resp, _ = e.post("/admin/login", url.Values{"usuario": {"admin"}, "clave": {"nueva-clave-123"}})
	wantStatus(t, resp, http.StatusSeeOther)
	e.get("/admin") // the CSRF token of the new session

	// Another admin can be deleted.
	resp, _ = e.post("/admin/administradores/2/eliminar", nil)
	wantStatus(t, resp, http.StatusSeeOther)
	_, doc = e.get("/admin/administradores")
	if n := testid(doc, "row").Length(); n != 1 {
		t.Errorf("admins after delete = %d", n)
	}
}

func TestAdminNotFoundAndBadIDs(t *testing.T) {
	e := newTestEnv(t)
	e.login()
	for _, p := range []string{"/admin/personas/999", "/admin/vehiculos/999", "/admin/oficiales/999", "/admin/infracciones/999",
		"/admin/administradores/999", "/admin/personas/abc", "/admin/personas/-1", "/admin/personas/999/eliminar", "/admin/no-existe"} {
		t.Run(p, func(t *testing.T) {
			resp, doc := e.get(p)
			wantStatus(t, resp, http.StatusNotFound)
			if testid(doc, "error-page").Length() != 1 {
				t.Error("no error page")
			}
		})
	}
	resp, _ := e.post("/admin/personas/999", url.Values{"nombre": {"X"}, "email": {"x@example.com"}})
	wantStatus(t, resp, http.StatusNotFound)
}

func TestAdminOfficerEditAndAudit(t *testing.T) {
	e := newTestEnv(t)
	e.login()
	o := mustOfficer(t, e.store, "Laura", "B-1")
	// Unticking the checkbox sends only the hidden "0".
	resp, _ := e.post("/admin/oficiales/"+itoa64(o.ID), url.Values{"nombre": {"Laura Benítez"}, "numero": {"b-1"}, "activo": {"0"}})
	wantStatus(t, resp, http.StatusSeeOther)
	_, doc := e.get("/admin/oficiales?estado=inactivo")
	if n := testid(doc, "row").Length(); n != 1 {
		t.Fatalf("inactive officers = %d", n)
	}
	_, doc = e.get("/admin/oficiales?estado=activo")
	if n := testid(doc, "row").Length(); n != 0 {
		t.Fatalf("active officers = %d", n)
	}
	_, doc = e.get("/admin/auditoria?entidad=officer&accion=update&actor=admin")
	rows := testid(doc, "row")
	if rows.Length() != 1 || !strings.Contains(rows.Text(), "Laura Benítez") || !strings.Contains(rows.Text(), "admin") {
		t.Errorf("audit rows = %d: %q", rows.Length(), rows.Text())
	}
	_, doc = e.get("/admin/auditoria?actor=cli")
	if n := testid(doc, "row").Length(); n != 1 {
		t.Errorf("audit rows from the CLI actor = %d, want 1 (the officer's creation)", n)
	}
}

package admin_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"transito/internal/testenv"
	"transito/models"
	"transito/models/rules"
)

// badText is input no form should choke on: control characters, invalid
// UTF-8, overlong values, bcrypt's 72-byte limit, injection strings.
var badText = []string{
	"admin\x00", "\xff\xfe", "adm\nin", strings.Repeat("a", 73), strings.Repeat("ñ", 40), strings.Repeat("x", 100_000),
	"' OR '1'='1", "<img src=x onerror=__xss=1>", strings.Repeat("🚓", 19), "",
}

// TestAccountFormsRefuseBadInputCleanly sends bad text through the login,
// the administrator form and the password change: never a 5xx, never logged
// in by it, never an account created or a password changed by it, and the
// form names the refused field.
func TestAccountFormsRefuseBadInputCleanly(t *testing.T) {
	e := testenv.Panel(t)
	e.LoginPage()
	for _, v := range badText[:3] { // each costs a bcrypt comparison
		resp, _ := e.Post("/admin/login", url.Values{"usuario": {v}, "clave": {v}, "next": {v}})
		if resp.StatusCode >= 500 || resp.StatusCode == http.StatusSeeOther {
			t.Errorf("login as %.20q: %d", v, resp.StatusCode)
		}
	}
	e.Login()
	id := fmt.Sprint(e.Admin.ID)
	for _, v := range badText {
		resp, doc := e.Post("/admin/administradores", url.Values{"usuario": {v}, "clave": {"una-clave-larga-1"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || testenv.Testid(doc, "error-usuario").Text() == "" {
			t.Errorf("admin create as %.20q: %d, want 422 naming usuario", v, resp.StatusCode)
		}
		if rules.CheckPassword(v) == "" {
			continue // a valid password, however odd
		}
		resp, doc = e.Post("/admin/administradores", url.Values{"usuario": {"nuevo"}, "clave": {v}})
		if resp.StatusCode != http.StatusUnprocessableEntity || testenv.Testid(doc, "error-clave").Text() == "" {
			t.Errorf("admin create with password %.20q: %d, want 422 naming clave", v, resp.StatusCode)
		}
	}
	for _, v := range []string{"", "corta", strings.Repeat("ñ", 40)} { // each costs a bcrypt comparison
		resp, doc := e.Post("/admin/administradores/"+id, url.Values{"clave_actual": {testenv.Password}, "clave": {v}})
		if resp.StatusCode != http.StatusUnprocessableEntity || testenv.Testid(doc, "error-clave").Text() == "" {
			t.Errorf("password change to %.20q: %d, want 422 naming clave", v, resp.StatusCode)
		}
	}
	for _, v := range badText[:2] {
		resp, _ := e.Post("/admin/administradores/"+id, url.Values{"clave_actual": {v}, "clave": {"una-clave-larga-2"}})
		if resp.StatusCode >= 500 || resp.StatusCode == http.StatusSeeOther {
			t.Errorf("password change with current %.20q: %d", v, resp.StatusCode)
		}
	}
	res, err := e.Store.ListAdmins(t.Context(), models.ListQuery{})
	if err != nil || res.Total != 1 {
		t.Errorf("%v administrators after the bad input (%v), want 1", res, err)
	}
	if _, err := e.Store.Login(t.Context(), "admin", testenv.Password, "198.51.100.1"); err != nil {
		t.Errorf("the password changed under bad input: %v", err)
	}
}

package admin_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"transito/handlers/admin"
	"transito/internal/testenv"
)

// TestFlashesCannotOverflowTheSessionCookie posts many creates with long
// names without following the redirects (which would show and clear the
// flash messages): the cookie stays under what a browser keeps, and the
// administrator stays logged in.
func TestFlashesCannotOverflowTheSessionCookie(t *testing.T) {
	e := testenv.Panel(t)
	e.Login()
	for i := range 12 {
		resp, _ := e.Post("/admin/personas", url.Values{"nombre": {strings.Repeat("🚓", 200)}, "email": {fmt.Sprintf("p%d@example.com", i)}})
		testenv.WantStatus(t, resp, http.StatusSeeOther)
		if n := len(e.Cookies[admin.SessionCookie]); n > 4000 {
			t.Fatalf("after %d creates the session cookie is %d bytes: a browser drops it", i+1, n)
		}
	}
	if _, doc := e.Get("/admin"); testenv.Testid(doc, "current-user").Text() != "admin" {
		t.Fatal("logged out after the creates")
	}
}

package admin_test

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"transito/handlers"
	"transito/internal/testenv"
)

// copyOf is a browser on env holding a copy of c's cookies and CSRF token,
// as a thief who copied them would.
func copyOf(c *testenv.Client, env *testenv.Env) *testenv.Client {
	cp := env.Client()
	maps.Copy(cp.Cookies, c.Cookies)
	cp.CSRF = c.CSRF
	return cp
}

// loggedIn reports whether the browser reaches the dashboard.
func loggedIn(c *testenv.Client) bool {
	c.T.Helper()
	resp, doc := c.Get("/admin")
	return resp.StatusCode == http.StatusOK && testenv.Testid(doc, "current-user").Text() != ""
}

// A cookie copied before logout is worthless after it: the server ends the
// session for good, it does not only drop the cookie (issue 10, item 3).
func TestLogoutEndsTheSessionForGood(t *testing.T) {
	e := testenv.Panel(t)
	e.Login()
	stolen := copyOf(e, e.Env)
	resp, _ := e.Post("/admin/logout", nil)
	testenv.WantStatus(t, resp, http.StatusSeeOther)
	if loggedIn(stolen) {
		t.Error("a cookie copied before logout still opens the panel")
	}
	e.Login()
	stolen = copyOf(e, e.Env)
	e.Post("/admin/logout", nil)
	resp, _ = stolen.Post("/admin/personas", url.Values{"nombre": {"Intrusa"}, "email": {"intrusa@example.com"}})
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/admin/login") {
		t.Errorf("POST with a cookie copied before logout: %d → %q, want the login page", resp.StatusCode, resp.Header.Get("Location"))
	}
	if _, err := e.Store.PersonByEmail(t.Context(), "intrusa@example.com"); err == nil {
		t.Error("a cookie copied before logout created a record")
	}
}

// A password change ends every other session of that account; the browser
// that changed it stays logged in with a new session.
func TestPasswordChangeEndsEverySession(t *testing.T) {
	e := testenv.Panel(t)
	e.Login()
	other := e.Env.Client()
	other.Login()
	before := copyOf(e, e.Env)
	resp, _ := e.Post("/admin/administradores/"+fmt.Sprint(e.Admin.ID), url.Values{"clave_actual": {testenv.Password}, "clave": {"clave-nueva-456"}})
	testenv.WantStatus(t, resp, http.StatusSeeOther)
	if loggedIn(other) {
		t.Error("another browser is still logged in after the password change")
	}
	if loggedIn(before) {
		t.Error("the session from before the password change still works")
	}
	if !loggedIn(e) {
		t.Error("the browser that changed the password was logged out")
	}
}

// A session ends at the latest SessionMax after login, even while in use
// (every answer refreshes the cookie, so only the server can end it).
func TestSessionHasAnAbsoluteLifetime(t *testing.T) {
	e := testenv.Panel(t, testenv.WithConfig(handlers.Config{SessionMax: 1500 * time.Millisecond}))
	e.Login()
	deadline := time.Now().Add(10 * time.Second)
	for loggedIn(e) {
		if time.Now().After(deadline) {
			t.Fatal("a session in constant use outlived its maximum lifetime by far")
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// With two replicas on one database (the same session key), ending a
// session on one ends it on the other.
func TestSessionEndsOnEveryReplica(t *testing.T) {
	cfg := handlers.Config{SessionKey: []byte("una-clave-de-sesion-comun-de-32-bytes!")}
	e := testenv.Panel(t, testenv.WithConfig(cfg))
	// The other replica: its own store and server on the same database.
	second := testenv.New(t, testenv.WithDSN(e.DSN), testenv.WithConfig(cfg))
	replica := second.Client()

	e.Login()
	onReplica := copyOf(e, second)
	if !loggedIn(onReplica) {
		t.Fatal("the session does not work on the other replica")
	}
	e.Post("/admin/logout", nil)
	if loggedIn(onReplica) {
		t.Error("logged out on one replica, still logged in on the other")
	}

	e.Login()
	replica.Login()
	resp, _ := replica.Post("/admin/administradores/"+fmt.Sprint(e.Admin.ID), url.Values{"clave_actual": {testenv.Password}, "clave": {"clave-nueva-456"}})
	testenv.WantStatus(t, resp, http.StatusSeeOther)
	if loggedIn(e) {
		t.Error("password changed on one replica, the session on the other still works")
	}
}

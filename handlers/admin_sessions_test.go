package handlers

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"transito/internal/testdb"
	"transito/models"
)

// browser is another browser (cookie jar) on e's server.
func (e *testEnv) browser() *testEnv {
	return &testEnv{t: e.t, srv: e.srv, store: e.store, admin: e.admin, cookies: map[string]string{}}
}

// copyOf is a browser holding a copy of e's cookies and CSRF token, as a
// thief who copied them would.
func (e *testEnv) copyOf() *testEnv {
	c := e.browser()
	for k, v := range e.cookies {
		c.cookies[k] = v
	}
	c.csrf = e.csrf
	return c
}

// loggedIn reports whether the browser reaches the dashboard.
func (e *testEnv) loggedIn() bool {
	e.t.Helper()
	resp, doc := e.get("/admin")
	return resp.StatusCode == http.StatusOK && testid(doc, "current-user").Text() != ""
}

// A cookie copied before logout is worthless after it: the server ends the
// session for good, it does not only drop the cookie (issue 10, item 3).
func TestLogoutEndsTheSessionForGood(t *testing.T) {
	e := newTestEnv(t)
	e.login()
	stolen := e.copyOf()
	resp, _ := e.post("/admin/logout", nil)
	wantStatus(t, resp, http.StatusSeeOther)
	if stolen.loggedIn() {
		t.Error("a cookie copied before logout still opens the panel")
	}
	e.login()
	stolen = e.copyOf()
	e.post("/admin/logout", nil)
	resp, _ = stolen.post("/admin/personas", url.Values{"nombre": {"Intrusa"}, "email": {"intrusa@example.com"}})
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/admin/login") {
		t.Errorf("POST with a cookie copied before logout: %d → %q, want the login page", resp.StatusCode, resp.Header.Get("Location"))
	}
	if _, err := e.store.PersonByEmail(t.Context(), "intrusa@example.com"); err == nil {
		t.Error("a cookie copied before logout created a record")
	}
}

// A password change ends every other session of that account; the browser
// that changed it stays logged in with a new session.
func TestPasswordChangeEndsEverySession(t *testing.T) {
	e := newTestEnv(t)
	e.login()
	other := e.browser()
	other.login()
	before := e.copyOf()
	resp, _ := e.post("/admin/administradores/"+itoa64(e.admin.ID), url.Values{"clave_actual": {testPassword}, "clave": {"clave-nueva-456"}})
	wantStatus(t, resp, http.StatusSeeOther)
	if other.loggedIn() {
		t.Error("another browser is still logged in after the password change")
	}
	if before.loggedIn() {
		t.Error("the session from before the password change still works")
	}
	if !e.loggedIn() {
		t.Error("the browser that changed the password was logged out")
	}
}

// A session ends at the latest SessionMax after login, even while in use
// (every answer refreshes the cookie, so only the server can end it).
func TestSessionHasAnAbsoluteLifetime(t *testing.T) {
	e := newTestEnv(t)
	e.srv = New(e.store, e.srv.recorder, e.srv.log, Config{SessionMax: 1500 * time.Millisecond, ImportDir: t.TempDir()})
	e.login()
	deadline := time.Now().Add(10 * time.Second)
	for e.loggedIn() {
		if time.Now().After(deadline) {
			t.Fatal("a session in constant use outlived its maximum lifetime by far")
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// With two replicas on one database (the same session key), ending a
// session on one ends it on the other.
func TestSessionEndsOnEveryReplica(t *testing.T) {
	ctx := context.Background()
	dsn := testdb.DSN(t)
	key := []byte("una-clave-de-sesion-comun-de-32-bytes!")
	e := newTestEnvAt(t, dsn)
	e.srv = New(e.store, e.srv.recorder, e.srv.log, Config{SessionKey: key, ImportDir: t.TempDir()})
	second, err := models.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { second.Close() })
	replica := e.browser()
	replica.store = second
	replica.srv = New(second, nil, slog.New(slog.NewTextHandler(io.Discard, nil)), Config{SessionKey: key, ImportDir: t.TempDir()})

	e.login()
	onReplica := e.copyOf()
	onReplica.srv = replica.srv
	if !onReplica.loggedIn() {
		t.Fatal("the session does not work on the other replica")
	}
	e.post("/admin/logout", nil)
	if onReplica.loggedIn() {
		t.Error("logged out on one replica, still logged in on the other")
	}

	e.login()
	replica.login()
	resp, _ := replica.post("/admin/administradores/"+itoa64(e.admin.ID), url.Values{"clave_actual": {testPassword}, "clave": {"clave-nueva-456"}})
	wantStatus(t, resp, http.StatusSeeOther)
	if e.loggedIn() {
		t.Error("password changed on one replica, the session on the other still works")
	}
}

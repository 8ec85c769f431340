package admin_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"transito/handlers"
	"transito/handlers/admin"
	"transito/internal/testenv"
	"transito/models/rules"
)

func TestAdminLoginRequired(t *testing.T) {
	e := testenv.Panel(t)
	paths := []string{
		"/admin", "/admin/personas", "/admin/vehiculos", "/admin/oficiales", "/admin/infracciones",
		"/admin/administradores", "/admin/auditoria", "/admin/importar", "/admin/personas/1",
		"/admin/vehiculos/1/eliminar", "/admin/personas?q=ana&pagina=2",
	}
	for _, p := range paths {
		t.Run("GET "+p, func(t *testing.T) {
			resp, _ := e.Get(p)
			testenv.WantStatus(t, resp, http.StatusSeeOther)
			want := "/admin/login"
			if p != "/admin" {
				want += "?next=" + url.QueryEscape(p)
			}
			if got := resp.Header.Get("Location"); got != want {
				t.Errorf("Location = %q, want %q", got, want)
			}
		})
	}
	t.Run("htmx gets HX-Redirect", func(t *testing.T) {
		resp, _ := e.Get("/admin/personas?q=a", "HX-Request", "true", "HX-Current-URL", "http://x/admin/personas?q=a")
		if got := resp.Header.Get("HX-Redirect"); got != "/admin/login?next="+url.QueryEscape("/admin/personas?q=a") {
			t.Errorf("HX-Redirect = %q", got)
		}
	})
	t.Run("POST without session goes to login, nothing written", func(t *testing.T) {
		e.LoginPage()
		resp, _ := e.Post("/admin/personas", url.Values{"nombre": {"Ana"}, "email": {"ana@example.com"}})
		testenv.WantStatus(t, resp, http.StatusSeeOther)
		if !strings.HasPrefix(resp.Header.Get("Location"), "/admin/login") {
			t.Errorf("Location = %q", resp.Header.Get("Location"))
		}
		if _, err := e.Store.PersonByEmail(t.Context(), "ana@example.com"); err == nil {
			t.Error("person created without login")
		}
	})
}

func TestAdminCSRFRefused(t *testing.T) {
	e := testenv.Panel(t)
	e.Login()
	p := testenv.MustPerson(t, e.Store, "Ana", "ana@example.com")
	id := fmt.Sprint(p.ID)
	routes := []string{
		"/admin/personas", "/admin/personas/" + id, "/admin/personas/" + id + "/eliminar",
		"/admin/vehiculos", "/admin/oficiales", "/admin/infracciones", "/admin/administradores",
		"/admin/importar", "/admin/importar/confirmar", "/admin/logout",
	}
	for _, r := range routes {
		for name, token := range map[string]string{"missing": "", "wrong": testenv.WrongToken(e.CSRF)} {
			t.Run(name+" "+r, func(t *testing.T) {
				resp, doc := e.Post(r, url.Values{"_csrf": {token}, "nombre": {"Otro"}, "email": {"otro@example.com"}})
				testenv.WantStatus(t, resp, http.StatusForbidden)
				if testenv.Testid(doc, "error-page").Length() != 1 {
					t.Error("no error page")
				}
			})
		}
	}
	if got, _ := e.Store.PersonByID(t.Context(), p.ID); got.Name != "Ana" {
		t.Errorf("person changed to %q despite CSRF refusal", got.Name)
	}
	t.Run("header token accepted", func(t *testing.T) {
		resp, _ := e.Post("/admin/personas/"+id, url.Values{"_csrf": {""}, "nombre": {"Ana María"}, "email": {"ana@example.com"}},
			"X-CSRF-Token", e.CSRF, "HX-Request", "true")
		testenv.WantStatus(t, resp, http.StatusOK)
		if resp.Header.Get("HX-Redirect") != "/admin/personas/"+id {
			t.Errorf("HX-Redirect = %q", resp.Header.Get("HX-Redirect"))
		}
	})
	t.Run("login form needs the token too", func(t *testing.T) {
		e2 := testenv.Panel(t)
		e2.LoginPage()
		resp, _ := e2.Post("/admin/login", url.Values{"_csrf": {""}, "usuario": {"admin"}, "clave": {testenv.Password}})
		testenv.WantStatus(t, resp, http.StatusForbidden)
	})
}

func TestAdminLoginThrottled(t *testing.T) {
	e := testenv.Panel(t)
	e.LoginPage()
	for i := 1; i <= 5; i++ {
		resp, doc := e.Post("/admin/login", url.Values{"usuario": {"admin"}, "clave": {"incorrecta-" + fmt.Sprint(int64(i))}})
		testenv.WantStatus(t, resp, http.StatusUnauthorized)
		if !strings.Contains(testenv.Testid(doc, "login-error").Text(), "incorrectos") {
			t.Fatalf("attempt %d: login-error = %q", i, testenv.Testid(doc, "login-error").Text())
		}
	}
	resp, doc := e.Post("/admin/login", url.Values{"usuario": {"admin"}, "clave": {testenv.Password}})
	testenv.WantStatus(t, resp, http.StatusTooManyRequests)
	if msg := testenv.Testid(doc, "login-error").Text(); !strings.Contains(msg, "Demasiados intentos") || !strings.Contains(msg, "15 minutos") {
		t.Errorf("login-error = %q", msg)
	}
	if resp.Header.Get("Retry-After") == "" {
		t.Error("no Retry-After")
	}
	if _, doc := e.Get("/admin"); testenv.Testid(doc, "current-user").Length() != 0 {
		t.Error("logged in despite throttling")
	}
	// Another username from the same client is not locked.
	if _, err := e.Store.CreateAdmin(t.Context(), rules.AdminInput{Username: "otra", Password: testenv.Password}, testenv.Actor); err != nil {
		t.Fatal(err)
	}
	resp, _ = e.Post("/admin/login", url.Values{"usuario": {"otra"}, "clave": {testenv.Password}})
	testenv.WantStatus(t, resp, http.StatusSeeOther)
}

func TestAdminLoginRedirectsOnlyLocally(t *testing.T) {
	cases := map[string]string{
		"/admin/vehiculos?q=AB": "/admin/vehiculos?q=AB",
		"//evil.com":            "/admin",
		"https://evil.com":      "/admin",
		`/\evil.com`:            "/admin",
		"/admin/../evil":        "/admin/../evil",
		"/\t/evil.com":          "/admin",
		"http:/evil.com":        "/admin",
		"/admin@evil.com":       "/admin",
		"":                      "/admin",
	}
	e := testenv.Panel(t)
	for next, want := range cases {
		t.Run(next, func(t *testing.T) {
			e.Cookies = map[string]string{}
			e.LoginPage()
			resp, _ := e.Post("/admin/login", url.Values{"usuario": {"admin"}, "clave": {testenv.Password}, "next": {next}})
			testenv.WantStatus(t, resp, http.StatusSeeOther)
			got := resp.Header.Get("Location")
			if want == "/admin" && got != "/admin" {
				t.Errorf("Location = %q, want /admin", got)
			}
			if want != "/admin" && got != want && !strings.HasPrefix(got, "/admin") {
				t.Errorf("Location = %q, want %q", got, want)
			}
			if strings.Contains(got, "evil.com") && !strings.HasPrefix(got, "/admin") {
				t.Errorf("open redirect to %q", got)
			}
		})
	}
}

func TestAdminSessionRotatedAtLogin(t *testing.T) {
	e := testenv.Panel(t)
	e.LoginPage()
	before, beforeCSRF := e.Cookies[admin.SessionCookie], e.CSRF
	resp, _ := e.Post("/admin/login", url.Values{"usuario": {"admin"}, "clave": {testenv.Password}})
	testenv.WantStatus(t, resp, http.StatusSeeOther)
	if e.Cookies[admin.SessionCookie] == before {
		t.Fatal("session cookie not replaced at login")
	}
	_, _ = e.Get("/admin")
	if e.CSRF == beforeCSRF {
		t.Fatal("CSRF token not rotated at login")
	}
	resp, _ = e.Post("/admin/personas", url.Values{"_csrf": {beforeCSRF}, "nombre": {"X"}, "email": {"x@example.com"}})
	testenv.WantStatus(t, resp, http.StatusForbidden)

	// A pre-login cookie replayed after login is anonymous.
	fixed := testenv.Panel(t)
	fixed.Server = e.Server
	fixed.Cookies[admin.SessionCookie] = before
	if _, doc := fixed.Get("/admin"); testenv.Testid(doc, "current-user").Length() != 0 {
		t.Fatal("pre-login cookie gives access")
	}

	resp, _ = e.Post("/admin/logout", nil)
	testenv.WantStatus(t, resp, http.StatusSeeOther)
	resp, _ = e.Get("/admin")
	testenv.WantStatus(t, resp, http.StatusSeeOther)
}

func TestAdminSessionIdleTimeout(t *testing.T) {
	// load() refuses a session last seen longer ago than the idle timeout;
	// exercised through the codec so that the check is the real one.
	enc, idle, err := admin.StaleSessionForTest([]byte("0123456789abcdef0123456789abcdef"), 1, 0)
	if idle != 8*60*60*1e9 {
		t.Fatalf("default idle = %v", idle)
	}
	if err != nil {
		t.Fatal(err)
	}
	e := testenv.Panel(t)
	e.Server = e.Serve(handlers.Config{SessionKey: []byte("0123456789abcdef0123456789abcdef")})
	e.Cookies[admin.SessionCookie] = enc
	resp, _ := e.Get("/admin")
	testenv.WantStatus(t, resp, http.StatusSeeOther)
}

func TestAdminSessionCookieAttributes(t *testing.T) {
	e := testenv.Panel(t)
	cases := []struct {
		name    string
		proxies []string
		proto   string
		secure  bool
	}{
		{"plain http", nil, "", false},
		{"forwarded https from an untrusted peer", nil, "https", false},
		{"forwarded https from a trusted proxy", []string{"0.0.0.0"}, "https", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := e.Serve(handlers.Config{TrustedProxies: tc.proxies})
			req := httptest.NewRequest(http.MethodGet, "/admin/login", nil)
			if tc.proto != "" {
				req.Header.Set("X-Forwarded-Proto", tc.proto)
			}
			resp, err := srv.App.Test(req)
			if err != nil {
				t.Fatal(err)
			}
			var c *http.Cookie
			for _, x := range resp.Cookies() {
				if x.Name == admin.SessionCookie {
					c = x
				}
			}
			if c == nil {
				t.Fatal("no session cookie")
			}
			if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure != tc.secure || c.MaxAge != int(admin.DefaultSessionIdle.Seconds()) {
				t.Errorf("cookie: HttpOnly=%v SameSite=%v Secure=%v MaxAge=%d", c.HttpOnly, c.SameSite, c.Secure, c.MaxAge)
			}
		})
	}
}

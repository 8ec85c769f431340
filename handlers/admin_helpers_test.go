package handlers

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/gorilla/securecookie"

	"transito/internal/testdb"
	"transito/models"
	"transito/models/rules"
)

const testPassword = "clave-de-prueba-123"

// testEnv is a server on a fresh database with one administrator, and a
// browser-like client (cookie jar) to talk to it in-process.
type testEnv struct {
	t       testing.TB
	srv     *Server
	store   *models.Store
	admin   *models.Admin
	cookies map[string]string
	csrf    string
}

func newTestEnv(t testing.TB) *testEnv {
	t.Helper()
	return newTestEnvAt(t, testdb.DSN(t))
}

// newTestEnvAt is newTestEnv on the database dsn.
func newTestEnvAt(t testing.TB, dsn string) *testEnv {
	t.Helper()
	ctx := context.Background()
	store, err := models.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	rec, err := store.NewRecorder(models.RecorderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = rec.Close(context.Background())
		store.Close()
	})
	a, err := store.CreateAdmin(ctx, rules.AdminInput{Username: "admin", Password: testPassword}, models.SystemActor)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := New(store, rec, log, Config{ImportDir: t.TempDir()})
	return &testEnv{t: t, srv: srv, store: store, admin: a, cookies: map[string]string{}}
}

// do sends a request with the jar's cookies and keeps the ones it sets.
func (e *testEnv) do(req *http.Request) *http.Response {
	e.t.Helper()
	for k, v := range e.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	resp, err := e.srv.App.Test(req, 30_000)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, c := range resp.Cookies() {
		if c.MaxAge < 0 || c.Value == "" {
			delete(e.cookies, c.Name)
		} else {
			e.cookies[c.Name] = c.Value
		}
	}
	return resp
}

func (e *testEnv) get(path string, headers ...string) (*http.Response, *goquery.Document) {
	e.t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp := e.do(req)
	return resp, e.parse(resp)
}

// post submits a form; the CSRF token is added unless values has _csrf.
func (e *testEnv) post(path string, values url.Values, headers ...string) (*http.Response, *goquery.Document) {
	e.t.Helper()
	if values == nil {
		values = url.Values{}
	}
	if _, ok := values["_csrf"]; !ok {
		values.Set("_csrf", e.csrf)
	}
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(values.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp := e.do(req)
	return resp, e.parse(resp)
}

func (e *testEnv) parse(resp *http.Response) *goquery.Document {
	e.t.Helper()
	defer resp.Body.Close()
	doc, err := goquery.NewDocumentFromReader(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	if tok, ok := doc.Find(`input[name="_csrf"]`).First().Attr("value"); ok {
		e.csrf = tok
	}
	return doc
}

// loginPage loads the login form (which sets the pre-session cookie and the
// CSRF token).
func (e *testEnv) loginPage() {
	e.t.Helper()
	resp, _ := e.get("/admin/login")
	if resp.StatusCode != http.StatusOK {
		e.t.Fatalf("GET /admin/login: %d", resp.StatusCode)
	}
}

// login logs the administrator in and checks that it worked.
func (e *testEnv) login() {
	e.t.Helper()
	e.loginPage()
	resp, _ := e.post("/admin/login", url.Values{"usuario": {"admin"}, "clave": {testPassword}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin" {
		e.t.Fatalf("login: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, doc := e.get("/admin")
	if got := testid(doc, "current-user").Text(); got != "admin" {
		e.t.Fatalf("after login current-user = %q", got)
	}
}

func testid(doc *goquery.Document, id string) *goquery.Selection {
	return doc.Find(`[data-testid="` + id + `"]`)
}

func wantStatus(t *testing.T, resp *http.Response, want int) {
	t.Helper()
	if resp.StatusCode != want {
		t.Fatalf("%s %s: status %d, want %d", resp.Request.Method, resp.Request.URL, resp.StatusCode, want)
	}
}

var testActor = models.Actor{Kind: models.ActorCLI, Name: "test"}

func mustPerson(t *testing.T, s *models.Store, name, email string) *models.Person {
	t.Helper()
	p, err := s.CreatePerson(context.Background(), rules.PersonInput{Name: name, Email: email}, testActor)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func mustVehicle(t *testing.T, s *models.Store, plate string, owner int64) *models.Vehicle {
	t.Helper()
	v, err := s.CreateVehicle(context.Background(), rules.VehicleInput{Plate: plate, Brand: "Ford", Color: "Rojo", PersonID: owner}, testActor)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func mustOfficer(t *testing.T, s *models.Store, name, badge string) *models.Officer {
	t.Helper()
	o, err := s.CreateOfficer(context.Background(), rules.OfficerInput{Name: name, Badge: badge, Active: true}, testActor)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func mustInfraction(t *testing.T, s *models.Store, plate, badge string, at time.Time) int64 {
	t.Helper()
	id, err := s.CreateInfraction(context.Background(), rules.InfractionInput{Plate: plate, Badge: badge, OccurredAt: at, Comments: "prueba"}, testActor)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func adminInput(user, pass string) rules.AdminInput {
	return rules.AdminInput{Username: user, Password: pass}
}

func encodeForTest(m *sessionManager, s *session) (string, error) {
	return securecookie.EncodeMulti(SessionCookie, s, m.codecs...)
}

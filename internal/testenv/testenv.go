// Package testenv builds what a test of the HTTP surface starts from: a
// fresh, migrated database (see internal/testdb), the recorder, the server
// that handlers.New wires, and browser-like clients to talk to it in-process.
// Options choose the data and the configuration:
//
//	e := testenv.New(t, testenv.WithDemo(), testenv.WithConfig(cfg))
//	panel := testenv.Panel(t) // New(t, WithAdmin()).Client()
//	api := testenv.API(t, cfg) // New(t, WithRegistry(), WithConfig(cfg))
//
// The handlers' tests are external packages (handlers_test, admin_test, ...):
// this package imports handlers.
package testenv

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"transito/handlers"
	"transito/internal/testdb"
	"transito/models"
	"transito/models/fines"
	"transito/models/rules"
)

// Password is the password of the administrator WithAdmin creates.
const Password = "clave-de-prueba-123"

// DemoEmail is the demo data set's person with infractions (WithDemo).
const DemoEmail = "ana.martinez@example.com"

// Actor is who the fixtures' writes are audited as.
var Actor = models.Actor{Kind: models.ActorCLI, Name: "test"}

// Env is a server on its own database.
type Env struct {
	T        testing.TB
	DSN      string
	Store    *models.Store
	Recorder *models.Recorder
	Metrics  *handlers.Metrics
	Log      *slog.Logger
	// Config is what Server was built with (defaults filled in).
	Config handlers.Config
	Server *handlers.Server
	// Admin is the administrator WithAdmin created.
	Admin *models.Admin
	// Token is an active officer's API token: the demo officer's
	// (WithDemo) or B1's (WithRegistry). Inactive is B2's, whose officer
	// is inactive (WithRegistry); Officer is B1.
	Token, Inactive string
	Officer         *models.Officer
}

type settings struct {
	dsn                    string
	cfg                    handlers.Config
	log                    io.Writer
	demo, registry, admins bool
	catalogue              bool
}

// Option chooses what New builds.
type Option func(*settings)

// WithDSN uses the database dsn (migrated by New) instead of a fresh one.
func WithDSN(dsn string) Option { return func(s *settings) { s.dsn = dsn } }

// WithConfig builds the server with cfg.
func WithConfig(cfg handlers.Config) Option { return func(s *settings) { s.cfg = cfg } }

// WithLog writes the server's JSON log, at debug level, to w (it is
// discarded otherwise).
func WithLog(w io.Writer) Option { return func(s *settings) { s.log = w } }

// WithDemo loads the demo data set (what serve --demo loads) and issues a
// token for the demo officer.
func WithDemo() Option { return func(s *settings) { s.demo = true } }

// WithRegistry imports four persons with their vehicles (ana@, bruno@,
// carla@example.com; AB123CD, XY987ZW, AD789GH, CC111CC) and creates the
// active officer B1 and the inactive officer B2, each with a token. The
// server's time zone is America/Argentina/Buenos_Aires unless the config
// names one.
func WithRegistry() Option { return func(s *settings) { s.registry = true } }

// WithCatalogue adds a small legal catalogue — T01 (grave, 300 units, 5
// points), E05 (leve, 50 units), X99 (inactive) — and a unit value of
// $ 1.000,00 from 2020-01-01: a T01 fine is $ 300.000,00.
func WithCatalogue() Option { return func(s *settings) { s.catalogue = true } }

// Catalogue is WithCatalogue's types.
var Catalogue = []rules.InfractionTypeInput{
	{Code: "T01", Description: "Cruzar con el semáforo en rojo", LegalRef: "Ley 24.449, art. 77 inc. m", Severity: "grave", Units: 300, Points: 5, Active: true},
	{Code: "E05", Description: "Estacionar en lugar prohibido", LegalRef: "Ley 24.449, art. 49", Severity: "leve", Units: 50, Points: 0, Active: true},
	{Code: "X99", Description: "Tipo dado de baja", LegalRef: "", Severity: "leve", Units: 10, Points: 0, Active: false},
}

// WithAdmin creates the administrator "admin" with Password.
func WithAdmin() Option { return func(s *settings) { s.admins = true } }

// Open opens the database at dsn as it is, to check what a server process
// wrote; it is closed when the test ends (or earlier by the caller).
func Open(t testing.TB, dsn string) *models.Store {
	t.Helper()
	store, err := models.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return store
}

// New builds the environment; everything it opens is closed when the test
// ends.
func New(t testing.TB, opts ...Option) *Env {
	t.Helper()
	var s settings
	for _, o := range opts {
		o(&s)
	}
	if s.dsn == "" {
		s.dsn = testdb.DSN(t)
	}
	if s.log == nil {
		s.log = io.Discard
	}
	ctx := context.Background()
	store, err := models.Open(ctx, s.dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if _, err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	e := &Env{T: t, DSN: s.dsn, Store: store}
	if s.demo {
		officer, err := store.LoadDemo(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if e.Token, err = store.IssueToken(ctx, officer.ID, models.SystemActor); err != nil {
			t.Fatal(err)
		}
	}
	if s.registry {
		e.loadRegistry()
		if s.cfg.Location == nil {
			s.cfg.Location = MustLocation(t, "America/Argentina/Buenos_Aires")
		}
	}
	if s.catalogue {
		for _, in := range Catalogue {
			if _, err := store.CreateInfractionType(ctx, in, models.CLIActor); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := store.SetUnitValue(ctx, rules.UnitValueInput{From: fines.NewDate(2020, 1, 1), Cents: 100000}, models.CLIActor); err != nil {
			t.Fatal(err)
		}
	}
	if s.admins {
		if e.Admin, err = store.CreateAdmin(ctx, rules.AdminInput{Username: "admin", Password: Password}, models.SystemActor); err != nil {
			t.Fatal(err)
		}
	}
	if s.cfg.Metrics == nil {
		s.cfg.Metrics = handlers.NewMetrics()
	}
	if s.cfg.ImportDir == "" {
		s.cfg.ImportDir = t.TempDir()
	}
	e.Metrics = s.cfg.Metrics
	if e.Recorder, err = store.NewRecorder(models.RecorderOptions{OnBatch: e.Metrics.ObserveBatch}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Recorder.Close(context.Background()) })
	e.Log = slog.New(slog.NewJSONHandler(s.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e.Server = e.Serve(s.cfg)
	e.Config = s.cfg
	return e
}

// registryCSV is WithRegistry's import file.
const registryCSV = `nombre,email,placa_patente,marca,color
Ana Martínez,ana@example.com,AB123CD,Toyota,Blanco
Ana Martínez,ana@example.com,XY987ZW,Ford,Gris
Bruno Díaz,bruno@example.com,AD789GH,Renault,Rojo
Carla Gómez,carla@example.com,CC111CC,Fiat,Azul
`

func (e *Env) loadRegistry() {
	e.T.Helper()
	ctx := context.Background()
	if _, err := e.Store.Import(ctx, strings.NewReader(registryCSV), models.CLIActor, false); err != nil {
		e.T.Fatal(err)
	}
	for _, o := range []struct {
		badge  string
		active bool
		token  *string
	}{{"B1", true, &e.Token}, {"B2", false, &e.Inactive}} {
		officer, err := e.Store.CreateOfficer(ctx, rules.OfficerInput{Name: "Oficial " + o.badge, Badge: o.badge, Active: o.active}, models.CLIActor)
		if err != nil {
			e.T.Fatal(err)
		}
		if *o.token, err = e.Store.IssueToken(ctx, officer.ID, models.CLIActor); err != nil {
			e.T.Fatal(err)
		}
		if o.active {
			e.Officer = officer
		}
	}
}

// API is New with the registry (WithRegistry) and cfg: what the API's tests
// start from.
func API(t testing.TB, cfg handlers.Config, opts ...Option) *Env {
	t.Helper()
	return New(t, append([]Option{WithRegistry(), WithConfig(cfg)}, opts...)...)
}

// Demo is New with the demo data set (WithDemo) and cfg: what the public
// pages' tests start from.
func Demo(t testing.TB, cfg handlers.Config, opts ...Option) *Env {
	t.Helper()
	return New(t, append([]Option{WithDemo(), WithConfig(cfg)}, opts...)...)
}

// Panel is New with an administrator (WithAdmin), as a client that has not
// logged in: what the panel's tests start from.
func Panel(t testing.TB, opts ...Option) *Client {
	t.Helper()
	return New(t, append([]Option{WithAdmin()}, opts...)...).Client()
}

// Serve builds another server on the environment's store and recorder, with
// its logger and cfg (the environment's Server stays as it is).
func (e *Env) Serve(cfg handlers.Config) *handlers.Server {
	return handlers.New(e.Store, e.Recorder, e.Log, cfg)
}

// Listen serves the environment's server on a loopback port until the test
// ends, as serve does (Server.Serve), and returns its address (host:port).
func (e *Env) Listen() string {
	e.T.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		e.T.Fatal(err)
	}
	srv := e.Server
	go srv.Serve(ln)
	e.T.Cleanup(func() { _ = srv.App.ShutdownWithTimeout(5 * time.Second) })
	return ln.Addr().String()
}

// Request runs req through the server and returns the response and its body.
func (e *Env) Request(req *http.Request) (*http.Response, string) {
	e.T.Helper()
	resp, err := e.Server.App.Test(req, 10_000)
	if err != nil {
		e.T.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		e.T.Fatal(err)
	}
	return resp, string(body)
}

// GetBody sends a GET with the given header pairs.
func (e *Env) GetBody(target string, header ...string) (*http.Response, string) {
	e.T.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	setHeaders(req, header)
	return e.Request(req)
}

// PostInfraction records an infraction through the officer API with Token.
func (e *Env) PostInfraction(body string) (*http.Response, string) {
	e.T.Helper()
	req := httptest.NewRequest(http.MethodPost, "/cargar_infraccion", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+e.Token)
	req.Header.Set("Content-Type", "application/json")
	return e.Request(req)
}

// Send sends a request with a JSON body (when not empty), a Bearer token
// (when not empty) and the given header pairs, failing t on a transport
// error.
func (e *Env) Send(t testing.TB, method, path, token, body string, headers ...string) (*http.Response, []byte) {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	setHeaders(req, headers)
	resp, err := e.Server.App.Test(req, 30_000)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp, b
}

// CountInfractions counts the infractions of the registry's persons who
// own vehicles (ana@ and bruno@example.com).
func (e *Env) CountInfractions(t testing.TB) int {
	t.Helper()
	n := 0
	for _, email := range []string{"ana@example.com", "bruno@example.com"} {
		_, rows, err := e.Store.Report(context.Background(), email)
		if err != nil {
			t.Fatal(err)
		}
		n += len(rows)
	}
	return n
}

func setHeaders(req *http.Request, pairs []string) {
	for i := 0; i+1 < len(pairs); i += 2 {
		req.Header.Set(pairs[i], pairs[i+1])
	}
}

package handlers_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"transito/handlers"
	"transito/internal/testdb"
	"transito/models"
)

// pubEnv is a server on a fresh database with the demo data set and a
// valid officer token.
type pubEnv struct {
	t        *testing.T
	store    *models.Store
	recorder *models.Recorder
	srv      *handlers.Server
	metrics  *handlers.Metrics
	token    string
	dsn      string
}

func newPubEnv(t *testing.T, cfg handlers.Config) *pubEnv {
	t.Helper()
	return newPubEnvLogging(t, cfg, io.Discard)
}

// newPubEnvLogging is newPubEnv with the server's JSON log, at debug level,
// written to w.
func newPubEnvLogging(t *testing.T, cfg handlers.Config, w io.Writer) *pubEnv {
	t.Helper()
	ctx := context.Background()
	dsn := testdb.DSN(t)
	store, err := models.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	officer, err := store.LoadDemo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	token, err := store.IssueToken(ctx, officer.ID, models.SystemActor)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Metrics == nil {
		cfg.Metrics = handlers.NewMetrics()
	}
	rec, err := store.NewRecorder(models.RecorderOptions{OnBatch: cfg.Metrics.ObserveBatch})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		rec.Close(context.Background())
		store.Close()
	})
	log := slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return &pubEnv{t: t, store: store, recorder: rec, srv: handlers.New(store, rec, log, cfg),
		metrics: cfg.Metrics, token: token, dsn: dsn}
}

// do runs a request through the application and returns the response and
// its body.
func (e *pubEnv) do(req *http.Request) (*http.Response, string) {
	e.t.Helper()
	resp, err := e.srv.App.Test(req, 10000)
	if err != nil {
		e.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp, string(body)
}

// get sends a GET with the given header pairs.
func (e *pubEnv) get(target string, header ...string) (*http.Response, string) {
	e.t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return e.do(req)
}

// postInfraction records an infraction through the officer API.
func (e *pubEnv) postInfraction(body string) (*http.Response, string) {
	e.t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/cargar_infraccion", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+e.token)
	req.Header.Set("Content-Type", "application/json")
	return e.do(req)
}

func parseHTML(t *testing.T, body string) *goquery.Document {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// testid selects elements by their data-testid.
func testid(doc *goquery.Document, id string) *goquery.Selection {
	return doc.Find(`[data-testid="` + id + `"]`)
}

func mustLocation(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

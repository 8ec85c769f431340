package handlers_test

import (
	"context"
	"database/sql"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"transito/handlers"
	"transito/internal/testdb"
	"transito/internal/testenv"
	"transito/models"
)

// holdWriteLockFor holds, from another session, what writes need: SQLite's
// write lock (another process), or on PostgreSQL a lock on tables that
// blocks writes to them and lets reads through (infractions by default). It
// returns the release function.
func holdWriteLockFor(t *testing.T, dsn string, pgTables ...string) (release func()) {
	t.Helper()
	if !testdb.Postgres() {
		return lockInAnotherProcess(t, dsn)
	}
	ctx := context.Background()
	other, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	tx, err := other.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(pgTables) == 0 {
		pgTables = []string{"infractions"}
	}
	if _, err := tx.ExecContext(ctx, "LOCK TABLE "+strings.Join(pgTables, ", ")+" IN EXCLUSIVE MODE"); err != nil {
		t.Fatal(err)
	}
	done := false
	release = func() {
		if !done {
			done = true
			tx.Rollback()
			other.Close()
		}
	}
	t.Cleanup(release)
	return release
}

// While another session holds the write lock (as a long import holds the
// writer), an officer's write waits no longer than WriteWait — not the 5 s
// busy or lock timeout — and is answered 503 with Retry-After; it is not
// stored when the lock goes; /readyz says the writer is stalled meanwhile
// (issue 10, item 6).
func TestAPIWriteWaitsNoLongerThanItsDeadline(t *testing.T) {
	dsn := testdb.DSN(t)
	if !testdb.Postgres() {
		dsn = filepath.Join(t.TempDir(), "held.db")
	}
	env := testenv.API(t, handlers.Config{}, testenv.WithDSN(dsn))
	rec, err := env.Store.NewRecorder(models.RecorderOptions{StallAfter: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rec.Close(context.Background()) })
	env.Server = handlers.New(env.Store, rec, env.Log, handlers.Config{WriteWait: 300 * time.Millisecond})
	before := env.CountInfractions(t)

	release := holdWriteLockFor(t, dsn)
	start := time.Now()
	resp, body := env.Send(t, "POST", "/cargar_infraccion", env.Token, `{"placa_patente":"AB123CD","comentarios":"durante el bloqueo"}`)
	took := time.Since(start)
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("write while the lock is held: %d (Retry-After %q) %s", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
	if took > 3*time.Second {
		t.Errorf("the write was answered after %v, past its 300 ms deadline: it waited for the lock's own timeout", took.Round(time.Millisecond))
	}
	if !testdb.Postgres() { // PostgreSQL's writer gave up with the request; SQLite's still waits for the lock
		if resp, body := env.Send(t, "GET", "/readyz", "", ""); resp.StatusCode != 503 {
			t.Errorf("/readyz while the writer is stuck: %d %s, want 503", resp.StatusCode, body)
		}
	}
	release()
	expectRecovered(t, env)
	if n := env.CountInfractions(t); n != before+1 {
		t.Errorf("%d rows after the lock went, want %d: the write answered 503 was stored later", n, before+1)
	}
	if resp, body := env.Send(t, "GET", "/readyz", "", ""); resp.StatusCode != 200 {
		t.Errorf("/readyz after recovery: %d %s", resp.StatusCode, body)
	}
}

// A panel import preview runs while another session holds the write lock:
// it only reads (issue 10, item 6). It used to take the writer for the
// whole dry run, freezing every officer's write meanwhile.
func TestPanelImportPreviewNeedsNoWriteLock(t *testing.T) {
	dsn := testdb.DSN(t)
	if !testdb.Postgres() {
		dsn = filepath.Join(t.TempDir(), "held.db")
	}
	e := testenv.Panel(t, testenv.WithDSN(dsn))
	e.Login()
	testenv.MustPerson(t, e.Store, "Ana", "ana@example.com")
	release := holdWriteLockFor(t, dsn, "persons", "vehicles")
	resp, doc := e.Upload("/admin/importar", "archivo", "registro.csv",
		"nombre,email,placa_patente,marca,color\nAna María,ana@example.com,AB123CD,Fiat,Rojo\nBea,bea@example.com,BB222BB,Ford,Azul\n")
	release()
	testenv.WantStatus(t, resp, http.StatusOK)
	if got := strings.Join(strings.Fields(testenv.Testid(doc, "import-summary").Text()), " "); !strings.Contains(got, "2") {
		t.Errorf("preview summary %q", got)
	}
	if _, err := e.Store.PersonByEmail(t.Context(), "bea@example.com"); err == nil {
		t.Error("the preview wrote")
	}
}

package handlers_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"transito/internal/testdb"
	"transito/internal/testenv"
	"transito/models"
)

// fillDisk writes a file until the file system is full and returns its path.
func fillDisk(t *testing.T, dir string) string {
	t.Helper()
	filler := filepath.Join(dir, "relleno")
	f, err := os.Create(filler)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 64<<10)
	for {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatal(err)
			}
			return filler
		}
	}
}

func personTotal(e *testenv.Client) int {
	e.T.Helper()
	res, err := e.Store.ListPersons(e.T.Context(), models.ListQuery{})
	if err != nil {
		e.T.Fatal(err)
	}
	return res.Total
}

// expectPanelUnavailable checks a panel write refused by a database fault
// shows the panel's error page with 503, Retry-After and a Spanish message
// that leaks nothing, and writes nothing.
func expectPanelUnavailable(t *testing.T, e *testenv.Client, resp *http.Response, body string, before int) {
	t.Helper()
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("panel write during the fault: %d (Retry-After %q), want 503", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !strings.Contains(body, `data-testid="error-page"`) {
		t.Fatalf("no HTML error page: %s %.300s", resp.Header.Get("Content-Type"), body)
	}
	if !strings.Contains(body, "Reintente") {
		t.Errorf("error page does not tell the administrator to retry: %.500s", body)
	}
	if low := strings.ToLower(body); strings.Contains(low, "sqlite") || strings.Contains(low, "disk") || strings.Contains(low, "locked") {
		t.Errorf("error page leaks internals: %.500s", body)
	}
	if n := personTotal(e); n != before {
		t.Fatalf("%d persons after a refused write, want %d", n, before)
	}
}

func createPerson(e *testenv.Client, i int) (*http.Response, string) {
	e.T.Helper()
	resp, doc := e.Post("/admin/personas", url.Values{"nombre": {fmt.Sprintf("Persona %d %s", i, strings.Repeat("x", 150))}, "email": {fmt.Sprintf("p%d@example.com", i)}})
	html, _ := doc.Html()
	return resp, html
}

func expectPanelRecovered(t *testing.T, e *testenv.Client) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for i := 1000; ; i++ {
		resp, body := createPerson(e, i)
		if resp.StatusCode == http.StatusSeeOther {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("panel did not recover: %d %.300s", resp.StatusCode, body)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestPanelDiskFullShowsErrorPageAndRecovers(t *testing.T) {
	testdb.SkipOnPostgres(t, "fills the file system under the database file")
	dir := mountTmpfs(t, "4m")
	e := testenv.Panel(t, testenv.WithDSN(filepath.Join(dir, "panel.db")))
	e.Login()
	filler := fillDisk(t, dir)
	var resp *http.Response
	var body string
	before := personTotal(e)
	for i := range 20 { // WAL frames may fit in the last free bytes
		if resp, body = createPerson(e, i); resp.StatusCode != http.StatusSeeOther {
			break
		}
		before = personTotal(e)
	}
	expectPanelUnavailable(t, e, resp, body, before)
	if resp, _ := e.Get("/admin/personas"); resp.StatusCode != 200 {
		t.Errorf("person list while the disk is full: %d, want 200 (reads still work)", resp.StatusCode)
	}
	os.Remove(filler)
	expectPanelRecovered(t, e)
}

func TestPanelLockedByAnotherProcessShowsErrorPageAndRecovers(t *testing.T) {
	testdb.SkipOnPostgres(t, "SQLite's file lock")
	if testing.Short() {
		t.Skip("waits for the 5 s busy timeout")
	}
	path := filepath.Join(t.TempDir(), "locked.db")
	e := testenv.Panel(t, testenv.WithDSN(path))
	e.Login()
	before := personTotal(e)
	release := lockInAnotherProcess(t, path)
	resp, body := createPerson(e, 1)
	expectPanelUnavailable(t, e, resp, body, before)
	release()
	expectPanelRecovered(t, e)
}

package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"transito/internal/testdb"
	"transito/internal/testenv"
	"transito/models"
)

// checkIntegrity runs SQLite's own consistency checks on db.
func checkIntegrity(t *testing.T, db string) {
	t.Helper()
	conn, err := sql.Open("sqlite", "file:"+db+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var ok string
	if err := conn.QueryRow("PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("integrity_check: %q %v", ok, err)
	}
	rows, err := conn.Query("PRAGMA foreign_key_check")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	if rows.Next() {
		t.Fatal("foreign_key_check reports violations")
	}
}

// soakCycles is 2 in a normal test run; TRANSITO_SOAK_CYCLES asks for more.
func soakCycles(t *testing.T) int {
	if v := os.Getenv("TRANSITO_SOAK_CYCLES"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("TRANSITO_SOAK_CYCLES=%q", v)
		}
		return n
	}
	return 2
}

var csrfRE = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// panelClient is an administrator's browser: a cookie jar and the CSRF
// token of the last page it loaded.
type panelClient struct {
	base string
	hc   *http.Client
	csrf string
}

func newPanelClient(t *testing.T, base string) *panelClient {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	p := &panelClient{base: base, hc: &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	if _, err := p.get("/admin/login"); err != nil {
		t.Fatal(err)
	}
	status, loc, err := p.post("/admin/login", url.Values{"usuario": {"admin"}, "clave": {"clave-de-prueba-larga"}})
	if err != nil || status != http.StatusSeeOther || loc != "/admin" {
		t.Fatalf("panel login: %d %q %v", status, loc, err)
	}
	if _, err := p.get("/admin/personas"); err != nil || p.csrf == "" {
		t.Fatalf("panel after login: %v", err)
	}
	return p
}

func (p *panelClient) get(path string) (int, error) {
	resp, err := p.hc.Get(p.base + path)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if m := csrfRE.FindSubmatch(b); m != nil {
		p.csrf = string(m[1])
	}
	return resp.StatusCode, err
}

// post submits a form and returns the status and the redirect target.
func (p *panelClient) post(path string, v url.Values) (int, string, error) {
	v.Set("_csrf", p.csrf)
	resp, err := p.hc.PostForm(p.base+path, v)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), nil
}

// soakLedger is every write the server acknowledged, across cycles.
type soakLedger struct {
	mu      sync.Mutex
	api     map[string]int64      // comments → id
	keyed   map[string]keyedWrite // idempotency key → what it acknowledged
	persons map[string]string     // email → name after the last acknowledged edit
	imports map[string]string     // plate → owner email
}

// keyedWrite is an acknowledged write sent with an idempotency key.
type keyedWrite struct {
	plate, comments string
	id              int64
}

func (l *soakLedger) add(f func()) {
	l.mu.Lock()
	f()
	l.mu.Unlock()
}

// TestCrashSoak runs cycles of mixed load — API writes with and without
// idempotency keys (and replays), panel creates and edits, CLI imports — then
// SIGKILLs the server and restarts it. After each cycle the database passes
// integrity_check and foreign_key_check, and every acknowledged write of
// every cycle so far is there exactly once.
func TestCrashSoak(t *testing.T) {
	testdb.SkipOnPostgres(t, "checks the SQLite file's integrity after SIGKILL (TestSIGKILLLosesNoAcknowledgedWrite runs on both)")
	db := filepath.Join(t.TempDir(), "soak.db")
	dir := t.TempDir()
	ledger := &soakLedger{api: map[string]int64{}, keyed: map[string]keyedWrite{}, persons: map[string]string{}, imports: map[string]string{}}
	for cycle := range soakCycles(t) {
		s := startServer(t, db)
		replayAcrossRestart(t, s, ledger)
		panel := newPanelClient(t, s.url)
		stop := make(chan struct{})
		stopped := func() bool {
			select {
			case <-stop:
				return true
			default:
				return false
			}
		}
		var wg sync.WaitGroup
		for w := range 6 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; !stopped(); i++ {
					comments := fmt.Sprintf("soak c%d w%d n%d", cycle, w, i)
					key := ""
					if i%2 == 0 {
						key = "k-" + comments
					}
					plate := []string{"AB123CD", "AC456EF"}[i%2]
					status, id, err := s.post(plate, comments, key)
					if err != nil {
						return
					}
					if status != 200 {
						continue
					}
					ledger.add(func() {
						ledger.api[comments] = id
						if key != "" {
							ledger.keyed[key] = keyedWrite{plate, comments, id}
						}
					})
					if key != "" && i%4 == 0 { // a retry of an acknowledged write
						status, again, err := s.post(plate, comments, key)
						if err == nil && status == 200 && again != id {
							t.Errorf("replay of %q answered id %d, first %d", key, again, id)
						}
					}
				}
			}()
		}
		wg.Add(1)
		go func() { // panel: create a person, then edit it
			defer wg.Done()
			for i := 0; !stopped(); i++ {
				email := fmt.Sprintf("soak-c%d-%d@example.com", cycle, i)
				status, loc, err := panel.post("/admin/personas", url.Values{"nombre": {"Persona " + email}, "email": {email}})
				if err != nil {
					return
				}
				if status != http.StatusSeeOther {
					continue
				}
				ledger.add(func() { ledger.persons[email] = "Persona " + email })
				edited := "Editada " + email
				status, _, err = panel.post(loc, url.Values{"nombre": {edited}, "email": {email}})
				if err != nil {
					return
				}
				if status == http.StatusSeeOther {
					ledger.add(func() { ledger.persons[email] = edited })
				}
			}
		}()
		wg.Add(1)
		go func() { // the CLI import, another process writing the same file
			defer wg.Done()
			for i := 0; !stopped(); i++ {
				email := fmt.Sprintf("imp-c%d-%d@example.com", cycle, i)
				plate := fmt.Sprintf("IM%dX%dZ", cycle, i)
				file := filepath.Join(dir, fmt.Sprintf("imp-%d-%d.csv", cycle, i))
				os.WriteFile(file, []byte("nombre,email,placa_patente,marca,color\nImportada,"+email+","+plate+",Fiat,Rojo\n"), 0o600)
				if _, _, err := cli(t, "", "import", file, "--db", db); err != nil {
					t.Logf("import: %v", err)
				} else {
					ledger.add(func() { ledger.imports[plate] = email })
				}
				time.Sleep(20 * time.Millisecond)
			}
		}()

		time.Sleep(1500 * time.Millisecond)
		s.cmd.Process.Kill()
		s.cmd.Wait()
		close(stop)
		wg.Wait()

		checkIntegrity(t, db)
		verifySoakLedger(t, db, ledger, cycle)
	}
}

// replayAcrossRestart resends some keyed writes of earlier cycles to the
// restarted server: each must answer the id it answered before the kill.
func replayAcrossRestart(t *testing.T, s *server, l *soakLedger) {
	t.Helper()
	n := 0
	for key, w := range l.keyed {
		if n++; n > 20 {
			break
		}
		status, id, err := s.post(w.plate, w.comments, key)
		if err != nil || status != 200 || id != w.id {
			t.Fatalf("replay of %q after the restart: %d id %d (%v), want 200 id %d", key, status, id, err, w.id)
		}
	}
}

func verifySoakLedger(t *testing.T, db string, l *soakLedger, cycle int) {
	t.Helper()
	ctx := context.Background()
	store := testenv.Open(t, db)
	defer store.Close()
	found, byID := map[string]int{}, map[int64]string{}
	for _, email := range []string{"ana.martinez@example.com"} {
		_, rows, err := store.Report(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			found[r.Comments]++
			byID[r.ID] = r.Comments
		}
	}
	for comments, id := range l.api {
		if found[comments] != 1 || byID[id] != comments {
			t.Fatalf("cycle %d: acknowledged API write %q (id %d) stored %d times", cycle, comments, id, found[comments])
		}
	}
	for email, name := range l.persons {
		res, err := store.ListPersons(ctx, models.ListQuery{Q: email})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != 1 || res.Items[0].Name != name {
			t.Fatalf("cycle %d: acknowledged person %s: %d rows %+v, want one named %q", cycle, email, res.Total, res.Items, name)
		}
	}
	for plate, email := range l.imports {
		res, err := store.ListVehicles(ctx, models.ListQuery{Q: plate})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != 1 || !strings.EqualFold(res.Items[0].OwnerEmail, email) {
			t.Fatalf("cycle %d: imported vehicle %s: %d rows %+v, want one owned by %s", cycle, plate, res.Total, res.Items, email)
		}
	}
	if len(l.api) < 20*(cycle+1) || len(l.persons) < cycle+1 || len(l.imports) < cycle+1 {
		t.Fatalf("cycle %d: too little load acknowledged (%d API, %d persons, %d imports)", cycle, len(l.api), len(l.persons), len(l.imports))
	}
	t.Logf("cycle %d: %d API writes, %d persons, %d imports all present once; integrity ok", cycle, len(l.api), len(l.persons), len(l.imports))
}

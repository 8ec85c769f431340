package officer_test

import (
	"bufio"
	"context"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"transito/internal/testdb"
	"transito/models"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// transitoBinary builds cmd/transito from this tree once per test binary.
func transitoBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "transito-officer-bin")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "transito")
		out, err := exec.Command("go", "build", "-o", binPath, "transito/cmd/transito").CombinedOutput()
		if err != nil {
			buildErr = &buildError{err, string(out)}
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

type buildError struct {
	err error
	out string
}

func (e *buildError) Error() string { return "go build: " + e.err.Error() + "\n" + e.out }

// process is a transito serve process on addr; start waits for /readyz.
type process struct {
	t    *testing.T
	bin  string
	db   string
	addr string
	mu   sync.Mutex
	cmd  *exec.Cmd
}

// start runs serve (with the demo data when demo) and returns the token it
// printed, if any.
func (s *process) start(demo bool) string {
	s.t.Helper()
	args := []string{"serve", "--db", s.db, "--addr", s.addr, "--rate-limit", "0", "--api-rate-limit", "0"}
	if demo {
		args = append(args, "--demo")
	}
	cmd := exec.Command(s.bin, args...)
	cmd.Env = append(os.Environ(), "TRANSITO_LOG_LEVEL=warn", "TRANSITO_ADMIN_PASSWORD=clave-de-prueba-larga")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		s.t.Fatal(err)
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	s.mu.Lock()
	s.cmd = cmd
	s.mu.Unlock()
	tokens := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if line := sc.Text(); strings.HasPrefix(line, models.TokenPrefix) {
				tokens <- line
			}
		}
	}()
	var token string
	if demo {
		select {
		case token = <-tokens:
		case <-time.After(30 * time.Second):
			s.t.Fatal("serve --demo printed no token")
		}
	}
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		resp, err := http.Get("http://" + s.addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return token
			}
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("server not ready: %v", err)
		}
	}
}

// kill sends SIGKILL and waits for the process to end.
func (s *process) kill() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil && s.cmd.ProcessState == nil {
		s.cmd.Process.Kill()
		s.cmd.Wait()
	}
}

// TestBrowserSIGKILLAfterCommit runs a real transito serve behind a proxy
// (the phone's origin). The first POST of the citation, and then the first
// POST of its photo, reach the server and are committed; then the server
// is killed with SIGKILL before the phone gets the answer, and started
// again on the same database. The app retries each with the same
// Idempotency-Key (the photo: the same bytes) and the database ends with
// one infraction and one photo.
func TestBrowserSIGKILLAfterCommit(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the transito binary")
	}
	ctx := openBrowser(t)
	if testdb.Postgres() {
		t.Skip("runs on SQLite")
	}
	srv := &process{t: t, bin: transitoBinary(t), db: filepath.Join(t.TempDir(), "kill.db"), addr: freeAddr(t)}
	t.Cleanup(srv.kill)
	token := srv.start(true)
	backend, err := url.Parse("http://" + srv.addr)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(backend)
	proxy.ErrorLog = log.New(io.Discard, "", 0) // the server is down on purpose

	var mu sync.Mutex
	killed := map[string]int{} // "citacion", "foto": how many times killed
	restarted := make(chan struct{}, 2)
	killAfter := func(kind string, w http.ResponseWriter, r *http.Request) bool {
		mu.Lock()
		first := killed[kind] == 0
		killed[kind]++
		mu.Unlock()
		if !first {
			return false
		}
		body, _ := io.ReadAll(r.Body)
		req, _ := http.NewRequest(r.Method, backend.String()+r.URL.Path, strings.NewReader(string(body)))
		req.Header = r.Header.Clone()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Errorf("%s: backend: %v", kind, err)
			return true
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode >= 300 {
			t.Errorf("%s: the server answered %d, want a commit", kind, resp.StatusCode)
		}
		srv.kill() // committed; the answer never reaches the phone
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			conn.Close()
		}
		go func() {
			srv.start(false)
			restarted <- struct{}{}
		}()
		return true
	}
	front := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/api/v1/infracciones" && killAfter("citacion", w, r):
		case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/fotos") && killAfter("foto", w, r):
		default:
			proxy.ServeHTTP(w, r)
		}
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go front.Serve(ln)
	t.Cleanup(func() { front.Close() })

	p := &phone{t: t, base: "http://" + ln.Addr().String(), ctx: ctx, token: token}
	p.listenConsole()
	p.do("open", chromedp.Navigate(p.base+"/oficial/"), ready, waitJS(`navigator.serviceWorker.controller !== null`))
	p.signIn()
	p.cite("AB123CD", "Muerte súbita", "Av. de Mayo 500", photo(t))
	p.do("sent after two kills and restarts", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Poll[bool](items("enviada")+` === 1`, chromedp.WithPollingTimeout(90*time.Second))(ctx, tg)
		return err
	}))
	for range 2 {
		<-restarted
	}
	mu.Lock()
	if killed["citacion"] < 2 || killed["foto"] < 2 {
		t.Errorf("POSTs seen %v: want each retried after the kill", killed)
	}
	mu.Unlock()

	store, err := models.Open(t.Context(), srv.db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	_, rows, err := store.Report(t.Context(), "ana.martinez@example.com")
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, r := range rows {
		if r.Comments == "Muerte súbita" {
			ids = append(ids, r.ID)
		}
	}
	if len(ids) != 1 {
		t.Fatalf("%d infractions stored, want exactly one", len(ids))
	}
	photos, err := store.AttachmentsOf(t.Context(), ids[0], 0)
	if err != nil || len(photos) != 1 {
		t.Fatalf("%d photos stored (err %v), want exactly one", len(photos), err)
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"transito/internal/testdb"
	"transito/internal/testenv"
	"transito/models"
)

var binPath string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "transito-bin")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binPath = filepath.Join(dir, "transito")
	if out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// server is a transito serve process on a free loopback port.
type server struct {
	cmd   *exec.Cmd
	url   string
	db    string
	token string
	out   *strings.Builder
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

// startServer starts transito serve --demo on db and waits until /readyz
// answers. The demo officer's token is read from its output.
func startServer(t *testing.T, db string, extra ...string) *server {
	t.Helper()
	addr := freeAddr(t)
	args := append([]string{"serve", "--demo", "--db", db, "--addr", addr, "--rate-limit", "0", "--api-rate-limit", "0"}, extra...)
	cmd := exec.Command(binPath, args...)
	cmd.Env = append(os.Environ(), "TRANSITO_LOG_LEVEL=warn", "TRANSITO_ADMIN_PASSWORD=clave-de-prueba-larga")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, url: "http://" + addr, db: db, out: &strings.Builder{}}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	tokens := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			s.out.WriteString(line + "\n")
			if strings.HasPrefix(line, models.TokenPrefix) {
				tokens <- line
			}
		}
	}()
	select {
	case s.token = <-tokens:
	case <-time.After(20 * time.Second):
		t.Fatal("server printed no demo token")
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(s.url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return s
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("server not ready: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

var client = &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}

// post sends one infraction and returns the status and the id answered.
func (s *server) post(plate, comments, key string) (int, int64, error) {
	req, err := http.NewRequest("POST", s.url+"/cargar_infraccion", strings.NewReader(
		fmt.Sprintf(`{"placa_patente":%q,"comentarios":%q}`, plate, comments)))
	if err != nil {
		return 0, 0, err
	}
	req.Header.Set("Authorization", "Bearer "+s.token)
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	var body struct{ ID int64 }
	if resp.StatusCode == 200 {
		if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
			return resp.StatusCode, 0, err
		}
	}
	return resp.StatusCode, body.ID, nil
}

func TestFiveHundredConcurrentPostsGiveFiveHundredRows(t *testing.T) {
	s := startServer(t, testdb.DSN(t))
	const n = 500
	ids := make([]int64, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			status, id, err := s.post("AB123CD", fmt.Sprintf("concurrente %d", i), "")
			if err != nil || status != 200 {
				t.Errorf("request %d: %d %v", i, status, err)
			}
			ids[i] = id
		}()
	}
	wg.Wait()
	seen := map[int64]bool{}
	for _, id := range ids {
		seen[id] = true
	}
	if len(seen) != n {
		t.Fatalf("%d distinct ids for %d requests", len(seen), n)
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	if err := s.cmd.Wait(); err != nil {
		t.Fatalf("SIGTERM: %v, want exit status 0", err)
	}
	store := testenv.Open(t, s.db)
	_, rows, err := store.Report(context.Background(), "ana.martinez@example.com")
	if err != nil {
		t.Fatal(err)
	}
	stored := 0
	for _, r := range rows {
		if strings.HasPrefix(r.Comments, "concurrente ") {
			stored++
		}
	}
	if stored != n {
		t.Fatalf("%d rows stored, want %d", stored, n)
	}
}

// TestSIGKILLLosesNoAcknowledgedWrite kills the server under write load and
// checks that every infraction it answered 200 for is in the database, once.
//
// On PostgreSQL it checks the same promise: a 200 is sent only after COMMIT.
func TestSIGKILLLosesNoAcknowledgedWrite(t *testing.T) {
	db := testdb.DSN(t)
	for cycle := range 2 {
		s := startServer(t, db)
		var mu sync.Mutex
		acked := map[string]int64{} // comments → id
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for w := range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					comments := fmt.Sprintf("ciclo %d trabajador %d n %d", cycle, w, i)
					key := ""
					if i%2 == 0 {
						key = comments
					}
					status, id, err := s.post("AC456EF", comments, key)
					if err != nil {
						return // the server is gone
					}
					if status == 200 {
						mu.Lock()
						acked[comments] = id
						mu.Unlock()
					}
				}
			}()
		}
		time.Sleep(1500 * time.Millisecond)
		s.cmd.Process.Kill()
		s.cmd.Wait()
		close(stop)
		wg.Wait()
		if len(acked) < 50 {
			t.Fatalf("cycle %d: only %d writes acknowledged before the kill", cycle, len(acked))
		}

		store := testenv.Open(t, db)
		_, rows, err := store.Report(context.Background(), "ana.martinez@example.com")
		store.Close()
		if err != nil {
			t.Fatal(err)
		}
		found := map[string]int{}
		byID := map[int64]string{}
		for _, r := range rows {
			found[r.Comments]++
			byID[r.ID] = r.Comments
		}
		for comments, id := range acked {
			if found[comments] != 1 || byID[id] != comments {
				t.Fatalf("cycle %d: acknowledged write %q (id %d) found %d times after SIGKILL", cycle, comments, id, found[comments])
			}
		}
		t.Logf("cycle %d: %d acknowledged writes all present", cycle, len(acked))
	}
}

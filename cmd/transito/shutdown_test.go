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
	"strings"
	"syscall"
	"testing"
	"time"

	"transito/internal/testdb"
	"transito/internal/testenv"
)

// drainServer is the transito binary running `serve --demo` in a child process.
type drainServer struct {
	cmd    *exec.Cmd
	addr   string // host:port
	token  string
	db     string
	stderr *strings.Builder
	exited chan error
}

// startDrainServer runs the binary (built by TestMain) on a free port of
// 127.0.0.1 and waits until it prints its address and the demo token.
func startDrainServer(t *testing.T, args ...string) *drainServer {
	t.Helper()
	s := &drainServer{db: testdb.DSN(t), stderr: new(strings.Builder), exited: make(chan error, 1)}
	s.cmd = exec.Command(binPath, append([]string{"serve", "--demo", "--addr", "127.0.0.1:0", "--db", s.db}, args...)...)
	s.cmd.Env = append(os.Environ(), "TRANSITO_LOG_LEVEL=warn", "TRANSITO_RATE_LIMIT=0", "TRANSITO_API_RATE_LIMIT=0")
	s.cmd.Stderr = s.stderr
	stdout, err := s.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.cmd.Process.Kill()
		<-s.exited
	})
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stdout)
		tokenNext := false
		for sc.Scan() {
			line := sc.Text()
			switch {
			case tokenNext:
				s.token, tokenNext = strings.TrimSpace(line), false
			case strings.HasPrefix(line, "Token nuevo del oficial"):
				tokenNext = true
			case strings.HasPrefix(line, "Tránsito escuchando en http://"):
				s.addr = strings.Fields(strings.TrimPrefix(line, "Tránsito escuchando en http://"))[0]
				close(ready)
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	go func() { s.exited <- s.cmd.Wait() }()
	select {
	case <-ready:
	case err := <-s.exited:
		s.exited <- err
		t.Fatalf("server exited before listening: %v\n%s", err, s.stderr)
	case <-time.After(30 * time.Second):
		t.Fatalf("server did not start\n%s", s.stderr)
	}
	if s.token == "" {
		t.Fatal("no demo token printed")
	}
	return s
}

// halfPost is a POST whose body is only half sent: the server has the
// request in flight until finish writes the rest.
type halfPost struct {
	conn net.Conn
	br   *bufio.Reader
	rest string
}

// openHalfPost makes sure the server accepted the connection (a first
// request is answered on it), then starts a POST on it.
func openHalfPost(t *testing.T, s *drainServer, i int) *halfPost {
	t.Helper()
	conn, err := net.DialTimeout("tcp", s.addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	br := bufio.NewReader(conn)
	fmt.Fprintf(conn, "GET /healthz HTTP/1.1\r\nHost: %s\r\n\r\n", s.addr)
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz on connection %d: %v", i, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()

	body := fmt.Sprintf(`{"placa_patente":"AB-123-CD","comentarios":"en vuelo %d"}`, i)
	fmt.Fprintf(conn, "POST /cargar_infraccion HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n"+
		"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", s.addr, s.token, len(body), body[:len(body)/2])
	return &halfPost{conn: conn, br: br, rest: body[len(body)/2:]}
}

func (h *halfPost) finish() (int, string, error) {
	if _, err := io.WriteString(h.conn, h.rest); err != nil {
		return 0, "", err
	}
	h.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(h.br, nil)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

// TestSIGTERMAnswersRequestsInFlight starts POSTs, sends SIGTERM while they
// are in flight, and expects every one answered 200 and stored, new
// connections refused, and exit status 0.
func TestSIGTERMAnswersRequestsInFlight(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	s := startDrainServer(t, "--drain-timeout", "10s")
	const n = 32
	posts := make([]*halfPost, n)
	for i := range posts {
		posts[i] = openHalfPost(t, s, i)
	}
	time.Sleep(200 * time.Millisecond) // the server has read the first bytes of every POST
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // shutdown has begun: the listener is closed
	if c, err := net.DialTimeout("tcp", s.addr, time.Second); err == nil {
		c.Close()
		t.Error("the server still accepts connections after SIGTERM")
	}

	type result struct {
		status int
		body   string
		err    error
	}
	results := make(chan result, n)
	for _, p := range posts {
		go func() {
			status, body, err := p.finish()
			results <- result{status, body, err}
		}()
	}
	for range n {
		r := <-results
		if r.err != nil {
			t.Errorf("request in flight not answered: %v", r.err)
			continue
		}
		var got struct{ ID int64 }
		if r.status != http.StatusOK || json.Unmarshal([]byte(r.body), &got) != nil || got.ID == 0 {
			t.Errorf("request in flight: %d %s", r.status, r.body)
		}
	}

	select {
	case err := <-s.exited:
		s.exited <- err
		if err != nil {
			t.Fatalf("exit: %v\n%s", err, s.stderr)
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("server did not exit after SIGTERM\n%s", s.stderr)
	}

	store := testenv.Open(t, s.db)
	_, rows, err := store.Report(context.Background(), "ana.martinez@example.com")
	if err != nil {
		t.Fatal(err)
	}
	stored := 0
	for _, r := range rows {
		if strings.HasPrefix(r.Comments, "en vuelo ") {
			stored++
		}
	}
	if stored != n {
		t.Errorf("%d of %d answered infractions are in the database", stored, n)
	}
}

// TestSIGTERMDrainIsBounded leaves a request hanging: the server must still
// exit once the drain time is over.
func TestSIGTERMDrainIsBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	s := startDrainServer(t, "--drain-timeout", "1s")
	openHalfPost(t, s, 0) // never finished
	time.Sleep(100 * time.Millisecond)
	start := time.Now()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-s.exited:
		s.exited <- err
		if took := time.Since(start); took < 900*time.Millisecond {
			t.Errorf("exited after %v: it did not wait for the request in flight", took)
		}
		if err != nil {
			t.Errorf("exit: %v\n%s", err, s.stderr)
		}
	case <-time.After(8 * time.Second):
		t.Fatalf("server still running 8s after SIGTERM with a 1s drain time\n%s", s.stderr)
	}
}

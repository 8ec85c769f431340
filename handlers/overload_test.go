package handlers_test

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"transito/handlers"
	"transito/internal/testenv"
	"transito/models"
)

// TestFullWriteQueueSheds503 holds the single writer inside a commit, fills
// a one-slot queue, and checks the next write is refused at once with 503 and
// Retry-After rather than queued without bound; the held writes then land.
func TestFullWriteQueueSheds503(t *testing.T) {
	env := testenv.API(t, handlers.Config{})
	entered, gate := make(chan struct{}, 8), make(chan struct{})
	rec, err := env.Store.NewRecorder(models.RecorderOptions{MaxBatch: 1, QueueSize: 1, OnBatch: func(int, time.Duration) {
		entered <- struct{}{}
		<-gate
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rec.Close(context.Background()) })
	env.Server = handlers.New(env.Store, rec, env.Log, handlers.Config{})
	before := env.CountInfractions(t)

	var wg sync.WaitGroup
	statuses := make([]int, 2)
	send := func(i int) {
		defer wg.Done()
		resp, _ := env.Send(t, "POST", "/cargar_infraccion", env.Token, `{"placa_patente":"AB123CD","comentarios":"en cola"}`)
		statuses[i] = resp.StatusCode
	}
	wg.Add(1)
	go send(0)
	<-entered // the writer is busy with the first write
	wg.Add(1)
	go send(1)
	deadline := time.Now().Add(5 * time.Second)
	for rec.QueueDepth() < 1 {
		if time.Now().After(deadline) {
			t.Fatal("second write never queued")
		}
		time.Sleep(5 * time.Millisecond)
	}

	start := time.Now()
	resp, body := env.Send(t, "POST", "/cargar_infraccion", env.Token, `{"placa_patente":"AB123CD","comentarios":"rechazada"}`)
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("write past the queue bound: %d (Retry-After %q) %s", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("the refusal took %s: it waited instead of shedding", took)
	}
	if p := testenv.DecodeProblem(t, resp, body); !strings.Contains(p.Detail, "Reintente") {
		t.Errorf("detail %q", p.Detail)
	}

	close(gate)
	wg.Wait()
	if statuses[0] != 200 || statuses[1] != 200 {
		t.Fatalf("held writes answered %v, want 200 200", statuses)
	}
	if n := env.CountInfractions(t); n != before+2 {
		t.Fatalf("%d rows, want %d (the shed write must not be stored)", n, before+2)
	}
}

// TestSlowClientIsCutOff opens connections that dribble a request one byte
// at a time (slowloris) and checks the server closes them after its read
// timeout while a normal client keeps being served.
func TestSlowClientIsCutOff(t *testing.T) {
	env := testenv.API(t, handlers.Config{ReadTimeout: 500 * time.Millisecond, WriteTimeout: time.Second, IdleTimeout: time.Second})
	addr := env.Listen()

	const slow = 20
	cut := make(chan time.Duration, slow)
	for range slow {
		go func() {
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				cut <- -1
				return
			}
			defer conn.Close()
			start := time.Now()
			req := "POST /cargar_infraccion HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Relleno: " + strings.Repeat("a", 200)
			for i := 0; i < len(req); i++ {
				if _, err := conn.Write([]byte{req[i]}); err != nil {
					cut <- time.Since(start)
					return
				}
				conn.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
				// Any answer before the request is complete (a 408) or a
				// closed connection means the server cut the client off.
				if n, err := conn.Read(make([]byte, 1)); n > 0 || (err != nil && !isTimeout(err)) {
					cut <- time.Since(start)
					return
				}
			}
			cut <- 10 * time.Minute // the whole dribble was accepted
		}()
	}

	hc := &http.Client{Timeout: 10 * time.Second}
	for i := range 5 {
		time.Sleep(100 * time.Millisecond)
		resp, err := hc.Get("http://" + addr + "/healthz")
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("normal request %d while slow clients hang on: %v", i, err)
		}
		resp.Body.Close()
	}
	for range slow {
		d := <-cut
		if d < 0 || d > 5*time.Second {
			t.Fatalf("a slow client was held for %s, want it cut after the 500 ms read timeout", d)
		}
	}
	// A well-behaved keep-alive client is unaffected.
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("normal request after the slow ones: %v", err)
	}
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}

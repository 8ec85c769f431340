package handlers_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"transito/handlers"
	"transito/handlers/web"
	"transito/internal/testenv"
)

// syncBuffer is a log sink safe for the server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// sendRaw writes raw to addr and reads the answer.
func sendRaw(t *testing.T, addr, raw string) (*http.Response, []byte) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(conn, raw); err != nil {
		t.Fatalf("write: %v", err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("read the answer: %v", err)
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read the body: %v", err)
	}
	return resp, body
}

const (
	parserSecretToken  = "trn_SECRETO-DEL-OFICIAL-0123456789abcdef"
	parserSecretCookie = "COOKIE-SECRETA-DE-SESION-0123456789"
)

// Requests the HTTP parser refuses never echo their bytes — the token, the
// cookie — to the client or the log: they get our Spanish problem, our
// request id and our security headers, and the log a safe summary (issue 10,
// item 2).
func TestParserErrorsLeakNothing(t *testing.T) {
	var logs syncBuffer
	env := testenv.API(t, handlers.Config{}, testenv.WithLog(&logs))
	addr := env.Listen()
	secrets := "Authorization: Bearer " + parserSecretToken + "\r\nCookie: transito_session=" + parserSecretCookie + "\r\n"
	post := "POST /cargar_infraccion HTTP/1.1\r\nHost: x\r\n" + secrets
	tests := []struct {
		name   string
		raw    string
		status int
	}{
		{"negative Content-Length", post + "Content-Length: -1\r\n\r\n", 400},
		{"list in Content-Length", post + "Content-Length: 1,2\r\n\r\n{", 400},
		{"overflowing Content-Length", post + "Content-Length: 99999999999999999999999\r\n\r\n", 400},
		{"space in a header name", post + "Bad Header: x\r\nContent-Length: 2\r\n\r\n{}", 400},
		{"header without colon", post + "NoColonHere\r\nContent-Length: 2\r\n\r\n{}", 400},
		{"bad chunk size", post + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n", 400},
		{"no method", "\x00\x01 / HTTP/1.1\r\nHost: x\r\n" + secrets + "\r\n", 400},
		{"unknown method", "PROPFIND /cargar_infraccion HTTP/1.1\r\nHost: x\r\n" + secrets + "\r\n", 400},
		{"body over the limit", post + "Content-Length: 17000000\r\n\r\n", 413},
		{"headers over 16 KiB", post + "X-Relleno: " + strings.Repeat("a", 17<<10) + "\r\n\r\n", 431},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := sendRaw(t, addr, tt.raw)
			if resp.StatusCode != tt.status {
				t.Errorf("status %d, want %d; body %s", resp.StatusCode, tt.status, body)
			}
			for _, secret := range []string{parserSecretToken, parserSecretCookie, "SECRETO", "Bearer"} {
				if strings.Contains(string(body), secret) || strings.Contains(resp.Header.Get("X-Request-ID"), secret) {
					t.Errorf("the answer echoes %q: %s", secret, body)
				}
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
				t.Fatalf("Content-Type %q; body %s", ct, body)
			}
			var p web.Problem
			if err := json.Unmarshal(body, &p); err != nil {
				t.Fatalf("body %s: %v", body, err)
			}
			if p.Status != tt.status || p.Title == "" || p.Title == "Bad Request" || p.Detail == "" {
				t.Errorf("problem %+v", p)
			}
			for _, english := range []string{"error when", "cannot", "invalid", "unexpected", "Buffer size", "contents"} {
				if strings.Contains(p.Detail, english) {
					t.Errorf("detail %q carries the parser's text (%q)", p.Detail, english)
				}
			}
			if id := resp.Header.Get(handlers.HeaderRequestID); id == "" || p.RequestID != id {
				t.Errorf("request id %q in the header, %q in the body", id, p.RequestID)
			} else if !strings.Contains(logs.String(), `"request_id":"`+id+`"`) {
				t.Errorf("no log line carries request id %s:\n%s", id, logs.String())
			}
			for _, h := range []string{"X-Content-Type-Options", "X-Frame-Options", "Content-Security-Policy", "Referrer-Policy"} {
				if resp.Header.Get(h) == "" {
					t.Errorf("no %s header", h)
				}
			}
		})
	}
	for _, secret := range []string{parserSecretToken, parserSecretCookie, "SECRETO", "Bearer", "Buffer size"} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the log carries %q:\n%s", secret, logs.String())
		}
	}

	// An upload over the limit to the panel is answered with the panel's
	// error page.
	resp, body := sendRaw(t, addr, "POST /admin/importar HTTP/1.1\r\nHost: x\r\nAccept: text/html\r\n"+secrets+"Content-Length: 17000000\r\n\r\n")
	if resp.StatusCode != 413 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") ||
		!strings.Contains(string(body), `data-testid="error-page"`) || !strings.Contains(string(body), resp.Header.Get(handlers.HeaderRequestID)) ||
		resp.Header.Get("Content-Security-Policy") == "" || strings.Contains(string(body), parserSecretCookie) {
		t.Errorf("panel upload over the limit: %d %q %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
}

// A client that stops half-way through its headers gets our 408, and neither
// it nor the log sees the bytes it had sent.
func TestSlowRequestRefusedWithoutEchoingIt(t *testing.T) {
	var logs syncBuffer
	env := testenv.API(t, handlers.Config{ReadTimeout: 300 * time.Millisecond}, testenv.WithLog(&logs))
	addr := env.Listen()
	resp, body := sendRaw(t, addr, "POST /cargar_infraccion HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "+parserSecretToken+"\r\nCookie: transito_session="+parserSecretCookie+"\r\nX-Sin-Terminar: ")
	if resp.StatusCode != http.StatusRequestTimeout || resp.Header.Get(handlers.HeaderRequestID) == "" || resp.Header.Get("X-Frame-Options") == "" {
		t.Errorf("status %d, request id %q; body %s", resp.StatusCode, resp.Header.Get(handlers.HeaderRequestID), body)
	}
	var p web.Problem
	if err := json.Unmarshal(body, &p); err != nil || p.Status != 408 || p.RequestID == "" || strings.Contains(p.Title, "Request") {
		t.Errorf("problem %s (%v)", body, err)
	}
	for _, secret := range []string{parserSecretToken, parserSecretCookie, "Bearer"} {
		if strings.Contains(string(body), secret) || strings.Contains(logs.String(), secret) {
			t.Errorf("%q echoed: body %s log %s", secret, body, logs.String())
		}
	}
}

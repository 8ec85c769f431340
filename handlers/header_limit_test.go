package handlers_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"transito/handlers"
	"transito/handlers/web"
	"transito/internal/testenv"
)

// Request headers may total 16 KiB; past that the client gets 431 with our
// problem body, not a reset connection, and its title is not "Bad Request"
// (issue 10, item 12). A real TCP connection and a real HTTP client, as an
// officer's phone would send it.
func TestRequestHeadersUpTo16KiB(t *testing.T) {
	env := testenv.API(t, handlers.Config{})
	addr := env.Listen()
	client := &http.Client{}
	send := func(t *testing.T, filler int) (*http.Response, []byte) {
		t.Helper()
		req, err := http.NewRequest(http.MethodPost, "http://"+addr+"/cargar_infraccion",
			strings.NewReader(`{"placa_patente":"AB123CD","comentarios":"encabezados grandes"}`))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+env.Token)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Relleno", strings.Repeat("r", filler))
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%d bytes of headers: %v", filler, err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatalf("%d bytes of headers: reading the body: %v", filler, err)
		}
		return resp, body
	}
	for _, n := range []int{5 << 10, 10 << 10, 15 << 10} {
		if resp, body := send(t, n); resp.StatusCode != http.StatusOK {
			t.Errorf("%d bytes of headers: %d %s, want 200", n, resp.StatusCode, body)
		}
	}
	for _, n := range []int{17 << 10, 64 << 10, 1 << 20} {
		resp, body := send(t, n)
		if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
			t.Errorf("%d bytes of headers: %d %s, want 431", n, resp.StatusCode, body)
			continue
		}
		var p web.Problem
		if err := json.Unmarshal(body, &p); err != nil || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") {
			t.Fatalf("%d bytes of headers: body %s (%v)", n, body, err)
		}
		if p.Status != 431 || p.Title == "" || strings.Contains(p.Title, "Bad Request") || !strings.Contains(p.Detail, "16 KiB") || p.RequestID == "" {
			t.Errorf("%d bytes of headers: problem %+v", n, p)
		}
	}
}

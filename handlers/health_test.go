package handlers_test

import (
	"net/http"
	"testing"

	"transito/handlers"
)

func TestReadyzFailsWhileDraining(t *testing.T) {
	e := newPubEnv(t, handlers.Config{})
	if resp, body := e.get("/readyz"); resp.StatusCode != http.StatusOK {
		t.Fatalf("ready server: %d %s", resp.StatusCode, body)
	}
	e.srv.Drain()
	resp, _ := e.get("/readyz")
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Errorf("draining: %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if resp, _ := e.get("/healthz"); resp.StatusCode != http.StatusOK {
		t.Errorf("healthz while draining: %d, want 200 (the process is alive)", resp.StatusCode)
	}
}

// TestReadyzFailsWithoutDatabase closes the database under the running
// server: /readyz must say so while /healthz still answers.
func TestReadyzFailsWithoutDatabase(t *testing.T) {
	e := newPubEnv(t, handlers.Config{})
	if err := e.store.Close(); err != nil {
		t.Fatal(err)
	}
	resp, body := e.get("/readyz")
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("database closed: %d %s, want 503", resp.StatusCode, body)
	}
	if resp, _ := e.get("/healthz"); resp.StatusCode != http.StatusOK {
		t.Errorf("healthz: %d", resp.StatusCode)
	}
}

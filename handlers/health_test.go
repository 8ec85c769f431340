package handlers_test

import (
	"net/http"
	"testing"

	"transito/handlers"
	"transito/internal/testenv"
)

func TestReadyzFailsWhileDraining(t *testing.T) {
	e := testenv.Demo(t, handlers.Config{})
	if resp, body := e.GetBody("/readyz"); resp.StatusCode != http.StatusOK {
		t.Fatalf("ready server: %d %s", resp.StatusCode, body)
	}
	e.Server.Drain()
	resp, _ := e.GetBody("/readyz")
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Errorf("draining: %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if resp, _ := e.GetBody("/healthz"); resp.StatusCode != http.StatusOK {
		t.Errorf("healthz while draining: %d, want 200 (the process is alive)", resp.StatusCode)
	}
}

// TestReadyzFailsWithoutDatabase closes the database under the running
// server: /readyz must say so while /healthz still answers.
func TestReadyzFailsWithoutDatabase(t *testing.T) {
	e := testenv.Demo(t, handlers.Config{})
	if err := e.Store.Close(); err != nil {
		t.Fatal(err)
	}
	resp, body := e.GetBody("/readyz")
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("database closed: %d %s, want 503", resp.StatusCode, body)
	}
	if resp, _ := e.GetBody("/healthz"); resp.StatusCode != http.StatusOK {
		t.Errorf("healthz: %d", resp.StatusCode)
	}
}

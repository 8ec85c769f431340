package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"transito/handlers"
	"transito/internal/testenv"
)

// TestMetricsAfterTraffic sends a little of everything and expects each
// series the operations issue asks for.
func TestMetricsAfterTraffic(t *testing.T) {
	e := testenv.Demo(t, handlers.Config{RateLimit: 1})
	if resp, body := e.PostInfraction(`{"placa_patente":"AB123CD","comentarios":"métricas"}`); resp.StatusCode != http.StatusOK {
		t.Fatalf("record: %d %s", resp.StatusCode, body)
	}
	e.PostInfraction(`{"placa_patente":"ZZ999ZZ"}`)
	e.GetBody("/consulta?email=" + testenv.DemoEmail)
	e.GetBody("/consulta?email=" + testenv.DemoEmail)
	e.GetBody("/no-existe-1")
	e.GetBody("/no-existe-2")

	resp, body := e.GetBody("/metrics")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/metrics: %d", resp.StatusCode)
	}
	for _, want := range []string{
		`transito_http_requests_total{method="POST",route="/cargar_infraccion",status="200"} 1`,
		`transito_http_requests_total{method="POST",route="/cargar_infraccion",status="404"} 1`,
		`transito_http_requests_total{method="GET",route="/consulta",status="200"} 1`,
		`transito_http_requests_total{method="GET",route="/consulta",status="429"} 1`,
		`transito_http_requests_total{method="GET",route="unmatched",status="404"} 2`,
		`transito_http_request_duration_seconds_count{method="GET",route="/consulta"} 2`,
		`transito_rate_limit_refusals_total{limiter="consulta"} 1`,
		`transito_infractions_recorded_total 1`,
		// The unknown plate is refused before it reaches the writer.
		`transito_recorder_batch_size_count 1`,
		`transito_recorder_commit_duration_seconds_count 1`,
		`transito_recorder_queue_depth 0`,
		`go_goroutines`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if strings.Contains(body, "no-existe") {
		t.Error("an unmatched path became a label value")
	}
}

package handlers_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"transito/handlers"
	"transito/internal/testenv"
)

// TestLogsCarryRequestIDsAndNoSecrets sends requests with a token and a
// looked-up address, and reads the whole log: every line has a request id,
// and neither the token nor the address appears.
func TestLogsCarryRequestIDsAndNoSecrets(t *testing.T) {
	var buf bytes.Buffer
	e := testenv.Demo(t, handlers.Config{}, testenv.WithLog(&buf))
	e.PostInfraction(`{"placa_patente":"AB123CD","comentarios":"log"}`)
	e.PostInfraction(`{"placa_patente":"ZZ999ZZ"}`)
	e.GetBody("/consulta?email=" + testenv.DemoEmail)
	e.GetBody("/consulta?email=nadie.secreto@example.com")
	e.GetBody("/consulta?email=no-valido-secreto")

	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) < 5 {
		t.Fatalf("only %d log lines", len(lines))
	}
	access := 0
	for _, line := range lines {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("not JSON: %s", line)
		}
		if id, _ := rec["request_id"].(string); id == "" {
			t.Errorf("line without request_id: %s", line)
		}
		if rec["msg"] == "request" {
			access++
			for _, k := range []string{"method", "route", "status", "duration_ms"} {
				if _, ok := rec[k]; !ok {
					t.Errorf("access line without %s: %s", k, line)
				}
			}
		}
	}
	if access != 5 {
		t.Errorf("%d access lines for 5 requests", access)
	}
	for _, secret := range []string{e.Token, "ana.martinez", "nadie.secreto", "no-valido-secreto"} {
		if strings.Contains(buf.String(), secret) {
			t.Errorf("the log contains %q", secret)
		}
	}
}

package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"transito/handlers"
	"transito/handlers/api"
	"transito/handlers/web"
	"transito/internal/testenv"
	"transito/models"
)

func TestCargarInfraccionStatuses(t *testing.T) {
	env := testenv.API(t, handlers.Config{})
	huge := `{"placa_patente":"AB123CD","comentarios":"` + strings.Repeat("x", 70_000) + `"}`
	tests := []struct {
		name      string
		method    string
		token     string
		body      string
		status    int
		errField  string // a field the problem must name
		wantStore bool
	}{
		{"stored", "POST", env.Token, `{"placa_patente":"AB123CD","timestamp":"2024-05-01T14:30:00-03:00","comentarios":"Semáforo en rojo"}`, 200, "", true},
		{"plate normalised", "POST", env.Token, `{"placa_patente":" ab-123 cd ","comentarios":""}`, 200, "", true},
		{"no timestamp means now", "POST", env.Token, `{"placa_patente":"AB123CD"}`, 200, "", true},
		{"unknown fields refused", "POST", env.Token, `{"placa_patente":"AB123CD","gps":[1,2]}`, 400, "gps", false},
		{"array body", "POST", env.Token, `[{"placa_patente":"AB123CD"}]`, 400, "", false},
		{"string body", "POST", env.Token, `"AB123CD"`, 400, "", false},
		{"empty body", "POST", env.Token, ``, 400, "", false},
		{"broken json", "POST", env.Token, `{"placa_patente":"AB123CD"`, 400, "", false},
		{"trailing garbage", "POST", env.Token, `{"placa_patente":"AB123CD"} x`, 400, "", false},
		{"plate missing", "POST", env.Token, `{"comentarios":"x"}`, 400, "placa_patente", false},
		{"plate null", "POST", env.Token, `{"placa_patente":null}`, 400, "placa_patente", false},
		{"plate empty", "POST", env.Token, `{"placa_patente":"   "}`, 400, "placa_patente", false},
		{"plate a number", "POST", env.Token, `{"placa_patente":123456}`, 400, "placa_patente", false},
		{"plate too long", "POST", env.Token, `{"placa_patente":"` + strings.Repeat("A", 33) + `"}`, 400, "placa_patente", false},
		{"comments a number", "POST", env.Token, `{"placa_patente":"AB123CD","comentarios":5}`, 400, "comentarios", false},
		{"comments too long", "POST", env.Token, `{"placa_patente":"AB123CD","comentarios":"` + strings.Repeat("ñ", 2001) + `"}`, 400, "comentarios", false},
		{"comments with NUL", "POST", env.Token, `{"placa_patente":"AB123CD","comentarios":"a\u0000b"}`, 400, "comentarios", false},
		{"timestamp a bool", "POST", env.Token, `{"placa_patente":"AB123CD","timestamp":true}`, 400, "timestamp", false},
		{"timestamp garbled", "POST", env.Token, `{"placa_patente":"AB123CD","timestamp":"ayer"}`, 400, "timestamp", false},
		{"timestamp in the future", "POST", env.Token, fmt.Sprintf(`{"placa_patente":"AB123CD","timestamp":%d}`, time.Now().Add(10*time.Minute).Unix()), 400, "timestamp", false},
		{"timestamp fractional unix", "POST", env.Token, `{"placa_patente":"AB123CD","timestamp":1714584600.5}`, 400, "timestamp", false},
		{"no token", "POST", "", `{"placa_patente":"AB123CD"}`, 401, "", false},
		{"unknown token", "POST", "trn_" + strings.Repeat("A", 43), `{"placa_patente":"AB123CD"}`, 401, "", false},
		{"garbled token", "POST", "not a token", `{"placa_patente":"AB123CD"}`, 401, "", false},
		{"inactive officer", "POST", env.Inactive, `{"placa_patente":"AB123CD"}`, 403, "", false},
		{"unknown plate", "POST", env.Token, `{"placa_patente":"ZZ999ZZ"}`, 404, "", false},
		{"plate of impossible shape", "POST", env.Token, `{"placa_patente":"#!"}`, 404, "", false},
		{"GET", "GET", env.Token, ``, 405, "", false},
		{"PUT", "PUT", env.Token, `{"placa_patente":"AB123CD"}`, 405, "", false},
		{"body over 64 KiB", "POST", env.Token, huge, 413, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := env.CountInfractions(t)
			resp, body := env.Send(t, tt.method, "/cargar_infraccion", tt.token, tt.body)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d; body %s", resp.StatusCode, tt.status, body)
			}
			if resp.Header.Get(handlers.HeaderRequestID) == "" {
				t.Error("no X-Request-ID on the response")
			}
			stored := env.CountInfractions(t) - before
			if tt.wantStore != (stored == 1) || stored > 1 {
				t.Fatalf("%d rows stored, want stored=%v", stored, tt.wantStore)
			}
			if tt.status == 200 {
				var got api.InfractionJSON
				if err := json.Unmarshal(body, &got); err != nil {
					t.Fatal(err)
				}
				if got.ID == 0 || got.Plate != "AB123CD" || got.Status != "vigente" || got.Officer.Badge != "B1" || got.RecordedAt == "" || got.Timestamp == "" {
					t.Fatalf("answer %+v", got)
				}
				return
			}
			p := testenv.DecodeProblem(t, resp, body)
			if tt.errField != "" && p.Errors[tt.errField] == "" {
				t.Fatalf("problem %+v does not name %q", p, tt.errField)
			}
			switch tt.status {
			case 401:
				if h := resp.Header.Get("WWW-Authenticate"); !strings.Contains(h, `error="invalid_token"`) {
					t.Errorf("WWW-Authenticate %q", h)
				}
			case 405:
				if resp.Header.Get("Allow") != "POST" {
					t.Errorf("Allow %q, want POST", resp.Header.Get("Allow"))
				}
			}
		})
	}
}

func TestCargarInfraccionTimestampFormats(t *testing.T) {
	env := testenv.API(t, handlers.Config{})
	now := time.Now()
	tests := []struct {
		name string
		ts   string // JSON value
		want time.Time
	}{
		{"RFC 3339 with offset", `"2024-05-01T14:30:00-03:00"`, time.Date(2024, 5, 1, 17, 30, 0, 0, time.UTC)},
		{"RFC 3339 UTC", `"2024-05-01T17:30:00Z"`, time.Date(2024, 5, 1, 17, 30, 0, 0, time.UTC)},
		{"RFC 3339 with fraction", `"2024-05-01T17:30:00.250Z"`, time.Date(2024, 5, 1, 17, 30, 0, 250e6, time.UTC)},
		{"local minutes", `"2024-05-01 14:30"`, time.Date(2024, 5, 1, 17, 30, 0, 0, time.UTC)},
		{"local seconds", `"2024-05-01 14:30:45"`, time.Date(2024, 5, 1, 17, 30, 45, 0, time.UTC)},
		{"unix number", `1714584600`, time.Date(2024, 5, 1, 17, 30, 0, 0, time.UTC)},
		{"unix string", `"1714584600"`, time.Date(2024, 5, 1, 17, 30, 0, 0, time.UTC)},
		{"four minutes ahead", fmt.Sprintf(`%d`, now.Add(4*time.Minute).Unix()), time.Unix(now.Add(4*time.Minute).Unix(), 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := env.Send(t, "POST", "/cargar_infraccion", env.Token, `{"placa_patente":"AB123CD","timestamp":`+tt.ts+`}`)
			if resp.StatusCode != 200 {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			var got api.InfractionJSON
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatal(err)
			}
			ts, err := time.Parse(time.RFC3339Nano, got.Timestamp)
			if err != nil {
				t.Fatal(err)
			}
			if !ts.Equal(tt.want) {
				t.Fatalf("timestamp %s, want %s", got.Timestamp, tt.want.In(env.Config.Location).Format(time.RFC3339Nano))
			}
			if _, off := ts.Zone(); off != -3*3600 {
				t.Errorf("timestamp %s is not in the configured zone (UTC-3)", got.Timestamp)
			}
		})
	}
	t.Run("absent is the time of receipt", func(t *testing.T) {
		before := time.Now().Add(-time.Second)
		_, body := env.Send(t, "POST", "/cargar_infraccion", env.Token, `{"placa_patente":"AB123CD","timestamp":null}`)
		var got api.InfractionJSON
		if err := json.Unmarshal(body, &got); err != nil {
			t.Fatal(err)
		}
		ts, err := time.Parse(time.RFC3339Nano, got.Timestamp)
		if err != nil || ts.Before(before) || ts.After(time.Now().Add(time.Second)) {
			t.Fatalf("timestamp %q, want about now (%v)", got.Timestamp, err)
		}
	})
}

func TestCargarInfraccionVariants(t *testing.T) {
	env := testenv.API(t, handlers.Config{})
	for _, path := range []string{"/cargar_infraccion", "/cargar_infraccion/", "/api/v1/infracciones"} {
		resp, body := env.Send(t, "POST", path, env.Token, `{"placa_patente":"AB123CD"}`)
		if resp.StatusCode != 200 {
			t.Errorf("POST %s: %d %s", path, resp.StatusCode, body)
		}
		if resp, _ := env.Send(t, "DELETE", path, env.Token, ""); resp.StatusCode != 405 {
			t.Errorf("DELETE %s: %d, want 405", path, resp.StatusCode)
		}
	}
	for _, path := range []string{"/generar_informe", "/generar_informe/", "/api/v1/informes"} {
		resp, body := env.Send(t, "GET", path+"?email=ana@example.com", "", "")
		if resp.StatusCode != 200 || !bytes.HasPrefix(body, []byte("[")) {
			t.Errorf("GET %s: %d %s", path, resp.StatusCode, body)
		}
	}
}

func TestIdempotencyKey(t *testing.T) {
	env := testenv.API(t, handlers.Config{})
	first, body1 := env.Send(t, "POST", "/cargar_infraccion", env.Token, `{"placa_patente":"AB123CD","comentarios":"uno"}`, "Idempotency-Key", "abc-1")
	again, body2 := env.Send(t, "POST", "/cargar_infraccion", env.Token, `{"placa_patente":"AB123CD","comentarios":"uno"}`, "Idempotency-Key", "abc-1")
	if first.StatusCode != 200 || again.StatusCode != 200 {
		t.Fatalf("statuses %d, %d", first.StatusCode, again.StatusCode)
	}
	var a, b api.InfractionJSON
	json.Unmarshal(body1, &a)
	json.Unmarshal(body2, &b)
	if a.ID == 0 || a.ID != b.ID || again.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("replay answered %+v (replayed=%q), want the first result %+v", b, again.Header.Get("Idempotent-Replayed"), a)
	}
	if n := env.CountInfractions(t); n != 1 {
		t.Fatalf("%d rows after a replay, want 1", n)
	}
	// Another key is another infraction; an over-long key is refused.
	env.Send(t, "POST", "/cargar_infraccion", env.Token, `{"placa_patente":"AB123CD"}`, "Idempotency-Key", "abc-2")
	if n := env.CountInfractions(t); n != 2 {
		t.Fatalf("%d rows, want 2", n)
	}
	resp, body := env.Send(t, "POST", "/cargar_infraccion", env.Token, `{"placa_patente":"AB123CD"}`, "Idempotency-Key", strings.Repeat("k", 256))
	if resp.StatusCode != 400 || testenv.DecodeProblem(t, resp, body).Errors["Idempotency-Key"] == "" {
		t.Fatalf("256-character key: %d %s", resp.StatusCode, body)
	}
}

func TestRotatedRevokedAndDeactivatedTokens(t *testing.T) {
	env := testenv.API(t, handlers.Config{})
	ctx := context.Background()
	post := func(token string) int {
		resp, _ := env.Send(t, "POST", "/cargar_infraccion", token, `{"placa_patente":"AB123CD"}`)
		return resp.StatusCode
	}
	if got := post(env.Token); got != 200 {
		t.Fatalf("fresh token: %d", got)
	}
	rotated, err := env.Store.IssueToken(ctx, env.Officer.ID, models.CLIActor)
	if err != nil {
		t.Fatal(err)
	}
	if got := post(env.Token); got != 401 {
		t.Errorf("old token after rotation: %d, want 401", got)
	}
	if got := post(rotated); got != 200 {
		t.Errorf("new token: %d, want 200", got)
	}
	if err := env.Store.SetOfficerActive(ctx, env.Officer.ID, false, models.CLIActor); err != nil {
		t.Fatal(err)
	}
	if got := post(rotated); got != 403 {
		t.Errorf("token of a deactivated officer: %d, want 403", got)
	}
	if err := env.Store.SetOfficerActive(ctx, env.Officer.ID, true, models.CLIActor); err != nil {
		t.Fatal(err)
	}
	if err := env.Store.RevokeToken(ctx, env.Officer.ID, models.CLIActor); err != nil {
		t.Fatal(err)
	}
	if got := post(rotated); got != 401 {
		t.Errorf("revoked token: %d, want 401", got)
	}
}

func TestGenerarInforme(t *testing.T) {
	env := testenv.API(t, handlers.Config{})
	for _, ts := range []string{"2024-05-01T10:00:00-03:00", "2024-06-01T10:00:00-03:00", "2024-04-01T10:00:00-03:00"} {
		if resp, body := env.Send(t, "POST", "/cargar_infraccion", env.Token, `{"placa_patente":"AB123CD","timestamp":"`+ts+`","comentarios":"<b>ojo</b>"}`); resp.StatusCode != 200 {
			t.Fatalf("%d %s", resp.StatusCode, body)
		}
	}
	env.Send(t, "POST", "/cargar_infraccion", env.Token, `{"placa_patente":"XY987ZW","timestamp":"2024-05-15T10:00:00-03:00"}`)
	env.Send(t, "POST", "/cargar_infraccion", env.Token, `{"placa_patente":"AD789GH","timestamp":"2024-05-15T10:00:00-03:00"}`)

	t.Run("newest first with every field", func(t *testing.T) {
		resp, body := env.Send(t, "GET", "/generar_informe?email=ANA@Example.com", "", "")
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
			t.Fatalf("%d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
		var raw []map[string]any
		if err := json.Unmarshal(body, &raw); err != nil {
			t.Fatal(err)
		}
		if len(raw) != 4 {
			t.Fatalf("%d infractions, want Ana's 4: %s", len(raw), body)
		}
		for _, k := range []string{"id", "placa_patente", "marca", "color", "timestamp", "comentarios", "oficial", "registrada_en", "estado"} {
			if _, ok := raw[0][k]; !ok {
				t.Errorf("field %q missing from %v", k, raw[0])
			}
		}
		var rows []api.InfractionJSON
		json.Unmarshal(body, &rows)
		want := []string{"2024-06-01T10:00:00-03:00", "2024-05-15T10:00:00-03:00", "2024-05-01T10:00:00-03:00", "2024-04-01T10:00:00-03:00"}
		for i, r := range rows {
			if r.Timestamp != want[i] {
				t.Errorf("row %d timestamp %s, want %s (newest first)", i, r.Timestamp, want[i])
			}
		}
		if rows[0].Brand != "Toyota" || rows[0].Color != "Blanco" || rows[0].Officer.Name != "Oficial B1" || rows[0].Officer.Badge != "B1" || rows[0].Comments != "<b>ojo</b>" {
			t.Errorf("first row %+v", rows[0])
		}
	})
	t.Run("person without infractions", func(t *testing.T) {
		resp, body := env.Send(t, "GET", "/generar_informe?email=carla@example.com", "", "")
		if resp.StatusCode != 200 || strings.TrimSpace(string(body)) != "[]" {
			t.Fatalf("%d %s, want 200 []", resp.StatusCode, body)
		}
	})
	for _, tt := range []struct {
		name, query string
		status      int
	}{
		{"missing email", "", 400},
		{"empty email", "?email=", 400},
		{"malformed email", "?email=ana(at)example.com", 400},
		{"unknown email", "?email=nadie@example.com", 404},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := env.Send(t, "GET", "/generar_informe"+tt.query, "", "")
			if resp.StatusCode != tt.status {
				t.Fatalf("%d %s, want %d", resp.StatusCode, body, tt.status)
			}
			p := testenv.DecodeProblem(t, resp, body)
			if tt.status == 400 && p.Errors["email"] == "" {
				t.Errorf("problem %+v does not name the email field", p)
			}
		})
	}
	t.Run("a new infraction shows up at once", func(t *testing.T) {
		_, before := env.Send(t, "GET", "/generar_informe?email=bruno@example.com", "", "")
		env.Send(t, "POST", "/cargar_infraccion", env.Token, `{"placa_patente":"AD789GH"}`)
		_, after := env.Send(t, "GET", "/generar_informe?email=bruno@example.com", "", "")
		var b, a []api.InfractionJSON
		json.Unmarshal(before, &b)
		json.Unmarshal(after, &a)
		if len(a) != len(b)+1 {
			t.Fatalf("report went from %d to %d rows after a new infraction", len(b), len(a))
		}
	})
}

func TestReportRateLimitIsSharedByTheVariants(t *testing.T) {
	env := testenv.API(t, handlers.Config{RateLimit: 3})
	paths := []string{"/generar_informe?email=ana@example.com", "/generar_informe/?email=ana@example.com", "/api/v1/informes?email=ana@example.com"}
	for i, p := range paths {
		if resp, _ := env.Send(t, "GET", p, "", ""); resp.StatusCode != 200 {
			t.Fatalf("request %d: %d", i, resp.StatusCode)
		}
	}
	resp, body := env.Send(t, "GET", paths[0], "", "")
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("4th look-up in a minute: %d (Retry-After %q), want 429", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	testenv.DecodeProblem(t, resp, body)
}

func TestAPIRateLimitPerOfficer(t *testing.T) {
	env := testenv.API(t, handlers.Config{APIRateLimit: 2})
	for i := range 2 {
		if resp, _ := env.Send(t, "POST", "/cargar_infraccion", env.Token, `{"placa_patente":"AB123CD"}`); resp.StatusCode != 200 {
			t.Fatalf("request %d: %d", i, resp.StatusCode)
		}
	}
	resp, body := env.Send(t, "POST", "/api/v1/infracciones", env.Token, `{"placa_patente":"AB123CD"}`)
	if resp.StatusCode != 429 {
		t.Fatalf("3rd write in a minute: %d %s, want 429", resp.StatusCode, body)
	}
	testenv.DecodeProblem(t, resp, body)
}

func TestInternalErrorLeaksNothing(t *testing.T) {
	env := testenv.API(t, handlers.Config{})
	env.Store.Close() // the database goes away under the server
	resp, body := env.Send(t, "GET", "/generar_informe?email=ana@example.com", "", "")
	if resp.StatusCode != 500 {
		t.Fatalf("status %d, want 500: %s", resp.StatusCode, body)
	}
	p := testenv.DecodeProblem(t, resp, body)
	if p.RequestID == "" || p.RequestID != resp.Header.Get(handlers.HeaderRequestID) {
		t.Errorf("problem request_id %q, header %q", p.RequestID, resp.Header.Get(handlers.HeaderRequestID))
	}
	for _, leak := range []string{"sql", "database", "closed", "models:", ".go", "goroutine"} {
		if strings.Contains(strings.ToLower(string(body)), leak) {
			t.Errorf("500 body leaks %q: %s", leak, body)
		}
	}
}

func TestRequestID(t *testing.T) {
	env := testenv.API(t, handlers.Config{})
	resp, _ := env.Send(t, "GET", "/healthz", "", "", handlers.HeaderRequestID, "abc-123")
	if got := resp.Header.Get(handlers.HeaderRequestID); got != "abc-123" {
		t.Errorf("plain client id not echoed: %q", got)
	}
	resp, _ = env.Send(t, "GET", "/healthz", "", "", handlers.HeaderRequestID, "bad\" id")
	if got := resp.Header.Get(handlers.HeaderRequestID); got == "" || strings.Contains(got, "\"") {
		t.Errorf("unsafe client id: got %q, want a fresh one", got)
	}
}

// TestConcurrentReportMissesShareOneBuild sends the same look-up many times
// at once right after a write: every answer is right, and each problem
// carries its own request id.
func TestConcurrentReportMissesShareOneBuild(t *testing.T) {
	env := testenv.API(t, handlers.Config{})
	env.Send(t, "POST", "/cargar_infraccion", env.Token, `{"placa_patente":"AB123CD"}`)
	var wg sync.WaitGroup
	for i := range 30 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			email := "ana@example.com"
			if i%2 == 1 {
				email = "nadie@example.com"
			}
			id := fmt.Sprintf("req-%d", i)
			resp, body := env.Send(t, "GET", "/generar_informe?email="+email, "", "", handlers.HeaderRequestID, id)
			switch {
			case i%2 == 0 && (resp.StatusCode != 200 || !bytes.Contains(body, []byte("AB123CD"))):
				t.Errorf("report %d: %d %s", i, resp.StatusCode, body)
			case i%2 == 1:
				if resp.StatusCode != 404 {
					t.Errorf("unknown e-mail %d: %d", i, resp.StatusCode)
					return
				}
				var p web.Problem
				if err := json.Unmarshal(body, &p); err != nil || p.RequestID != id {
					t.Errorf("problem %d carries request id %q, want %q", i, p.RequestID, id)
				}
			}
		}()
	}
	wg.Wait()
}

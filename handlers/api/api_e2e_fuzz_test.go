package api_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"transito/handlers"
	"transito/internal/testenv"
)

// FuzzCargarInfraccion drives the whole officer endpoint — body and
// Idempotency-Key — against a real database: never a 5xx; a 400 names the
// field it refuses (or says the body is not JSON/UTF-8); a 200 stored
// exactly one row, or none when it replayed a key; anything else stored
// nothing.
func FuzzCargarInfraccion(f *testing.F) {
	env := testenv.API(f, handlers.Config{})
	for _, s := range []struct{ body, key string }{
		{`{"placa_patente":"AB123CD","comentarios":"Semáforo en rojo 🚦"}`, ""},
		{`{"placa_patente":"ab 123 cd","timestamp":"2024-05-01 14:30"}`, "clave-1"},
		{`{"placa_patente":"AB123CD","timestamp":1714584600}`, "clave-1"},
		{`{"placa_patente":"ＡＢ１２３ＣＤ","comentarios":"محمد"}`, "ñandú"},
		{`{"placa_patente":"AB123CD","comentarios":"a\u0000b"}`, ""},
		{`{"placa_patente":"AB123CD","timestamp":"9999-12-31T23:59:59Z"}`, ""},
		{`{"placa_patente":"AB123CD","timestamp":true}`, ""},
		{`{"placa_patente":["AB123CD"]}`, ""},
		{`{"placa_patente":"AB123CD","extra":1}`, strings.Repeat("k", 256)},
		{`{"placa_patente":"AB123CD"}{"placa_patente":"AB123CD"}`, ""},
		{`{"placa_patente":"' OR 1=1 --"}`, "'; DROP TABLE infractions; --"},
		{"{\"placa_patente\":\"AB123CD\",\"comentarios\":\"\xff\"}", "\x00"},
		{`null`, ""}, {``, ""}, {`{}`, ""},
	} {
		f.Add(s.body, s.key)
	}
	f.Fuzz(func(t *testing.T, body, key string) {
		if !validHeaderValue(key) {
			return // net/http cannot send it
		}
		before := env.CountInfractions(t)
		req := httptest.NewRequest(http.MethodPost, "/cargar_infraccion", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+env.Token)
		if key != "" {
			req.Header.Set("Idempotency-Key", key)
		}
		resp, err := env.Server.App.Test(req, 10_000)
		if err != nil {
			t.Fatal(err)
		}
		b := make([]byte, 0, 512)
		buf := make([]byte, 512)
		for {
			n, err := resp.Body.Read(buf)
			b = append(b, buf[:n]...)
			if err != nil {
				break
			}
		}
		after := env.CountInfractions(t)
		switch resp.StatusCode {
		case 200:
			if after != before && after != before+1 {
				t.Fatalf("200 stored %d rows", after-before)
			}
			if after == before && key == "" {
				t.Fatalf("200 without a key stored nothing: %s", b)
			}
		case 400:
			p := testenv.DecodeProblem(t, resp, b)
			if len(p.Errors) == 0 && !strings.Contains(p.Detail, "JSON") && !strings.Contains(p.Detail, "UTF-8") {
				t.Fatalf("400 naming no field: %s", b)
			}
			fallthrough
		case 404, 413, 415:
			if after != before {
				t.Fatalf("%d but %d rows stored", resp.StatusCode, after-before)
			}
		default:
			t.Fatalf("body %q key %q: %d %s", body, key, resp.StatusCode, b)
		}
	})
}

func validHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 0x20 && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

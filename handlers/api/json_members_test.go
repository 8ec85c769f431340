package api_test

import (
	"encoding/json"
	"strings"
	"testing"

	"transito/handlers"
	"transito/internal/testenv"
)

// A member the API does not know is refused, naming it: a typo such as
// "comentario" must not store an infraction without its comments (issue 10,
// item 7).
func TestUnknownJSONMembersRefused(t *testing.T) {
	env := testenv.API(t, handlers.Config{})
	for _, body := range []string{
		`{"placa_patente":"AB123CD","comentario":"Semáforo en rojo"}`,
		`{"placa_patente":"AB123CD","Comentarios":"Semáforo en rojo"}`,
		`{"placa_patente":"AB123CD","comentarios":"ok","extra":{"a":[1,2]}}`,
	} {
		before := env.CountInfractions(t)
		resp, b := env.Send(t, "POST", "/cargar_infraccion", env.Token, body)
		if resp.StatusCode != 400 {
			t.Errorf("%s: %d %s, want 400", body, resp.StatusCode, b)
			continue
		}
		p := testenv.DecodeProblem(t, resp, b)
		named := false
		for _, m := range []string{"comentario", "Comentarios", "extra"} {
			if p.Errors[m] != "" && strings.Contains(p.Detail, m) {
				named = true
			}
		}
		if !named {
			t.Errorf("%s: %s, want the unknown member named in errors and detail", body, b)
		}
		if after := env.CountInfractions(t); after != before {
			t.Errorf("%s: refused but %d rows stored", body, after-before)
		}
	}
}

// A member given twice is refused rather than the last one winning; a string
// with a lone UTF-16 surrogate escape is refused rather than stored as
// U+FFFD (issue 10, item 14). A proper pair, and a backslash followed by
// "ud800" as text, are kept.
func TestDuplicateMembersAndLoneSurrogatesRefused(t *testing.T) {
	env := testenv.API(t, handlers.Config{})
	for _, tt := range []struct{ body, field string }{
		{`{"placa_patente":"AB123CD","placa_patente":"XY987ZW"}`, "placa_patente"},
		{`{"placa_patente":"AB123CD","comentarios":"uno","comentarios":"dos"}`, "comentarios"},
		{`{"placa_patente":"AB123CD","comentarios":"a\ud800b"}`, "comentarios"},
		{`{"placa_patente":"AB123CD","comentarios":"a\udc00"}`, "comentarios"},
		{`{"placa_patente":"AB123CD","comentarios":"\ude97\ud83d"}`, "comentarios"},
		{`{"placa_patente":"AB1\uD800"}`, "placa_patente"},
	} {
		before := env.CountInfractions(t)
		resp, b := env.Send(t, "POST", "/cargar_infraccion", env.Token, tt.body)
		if resp.StatusCode != 400 {
			t.Errorf("%s: %d %s, want 400", tt.body, resp.StatusCode, b)
			continue
		}
		if p := testenv.DecodeProblem(t, resp, b); p.Errors[tt.field] == "" {
			t.Errorf("%s: %s, want errors.%s", tt.body, b, tt.field)
		}
		if after := env.CountInfractions(t); after != before {
			t.Errorf("%s: refused but %d rows stored", tt.body, after-before)
		}
	}
	for body, want := range map[string]string{
		`{"placa_patente":"AB123CD","comentarios":"auto \ud83d\ude97"}`: "auto 🚗",
		`{"placa_patente":"AB123CD","comentarios":"barra \\ud800"}`:     `barra \ud800`,
	} {
		resp, b := env.Send(t, "POST", "/cargar_infraccion", env.Token, body)
		quoted, _ := json.Marshal(want)
		if resp.StatusCode != 200 || !strings.Contains(string(b), `"comentarios":`+string(quoted)) {
			t.Errorf("%s: %d %s, want 200 with comentarios %q", body, resp.StatusCode, b, want)
		}
	}
}

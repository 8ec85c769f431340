package api

import (
	"errors"
	"testing"
	"time"
	"unicode/utf8"

	"transito/handlers/web"
	"transito/models/rules"
)

func FuzzDecodeInfraction(f *testing.F) {
	for _, s := range []string{
		`{"placa_patente":"AB123CD","timestamp":"2024-05-01T14:30:00-03:00","comentarios":"Semáforo"}`,
		`{"placa_patente":"ab-123","timestamp":1714584600}`,
		`{"placa_patente":null,"timestamp":null,"comentarios":null}`,
		`{"placa_patente":1}`, `[]`, `""`, `{`, `{"timestamp":"2024-05-01 14:30"}`,
		`{"placa_patente":"AB123CD","comentarios":"\u0000"}`, "{\"placa_patente\":\"\xff\"}",
		`{"placa_patente":"AB123CD","timestamp":-1}`, `{"placa_patente":"AB123CD","timestamp":1e400}`,
	} {
		f.Add([]byte(s))
	}
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body []byte) {
		req, err := DecodeInfraction(body, time.UTC, now)
		if err != nil {
			var p *web.Problem
			if !errors.As(err, &p) || p.Status != 400 || p.Detail == "" {
				t.Fatalf("DecodeInfraction(%q): %v, want a 400 problem", body, err)
			}
			return
		}
		if req.Plate == "" || req.Plate != rules.NormalizePlate(req.Plate) {
			t.Fatalf("accepted plate %q", req.Plate)
		}
		if !utf8.ValidString(req.Comments) || rules.CheckComments(req.Comments) != "" {
			t.Fatalf("accepted comments %q", req.Comments)
		}
		if req.OccurredAt.After(now.Add(rules.MaxClockSkew)) || req.OccurredAt.IsZero() {
			t.Fatalf("accepted time %v", req.OccurredAt)
		}
	})
}

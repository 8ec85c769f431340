package api

import (
	"encoding/hex"
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"transito/handlers/web"
	"transito/models"
	"transito/models/fines"
	"transito/models/rules"
)

// fuzzTariff has one active type (T01, 300 units), one inactive (OLD) and a
// unit value of $ 1.000,00 since 2020.
var fuzzTariff = models.NewTariff(fines.DefaultSettings(), []models.UnitValue{{ValidFrom: "2020-01-01", Cents: 100000}},
	[]models.InfractionType{
		{ID: 1, Code: "T01", Description: "Semáforo", Severity: "grave", Units: 300, Points: 5, Active: true},
		{ID: 2, Code: "OLD", Description: "Derogado", Severity: "leve", Units: 10},
	})

func FuzzDecodeInfraction(f *testing.F) {
	for _, s := range []string{
		`{"placa_patente":"AB123CD","timestamp":"2024-05-01T14:30:00-03:00","comentarios":"Semáforo"}`,
		`{"placa_patente":"ab-123","timestamp":1714584600}`,
		`{"placa_patente":null,"timestamp":null,"comentarios":null}`,
		`{"placa_patente":1}`, `[]`, `""`, `{`, `{"timestamp":"2024-05-01 14:30"}`,
		`{"placa_patente":"AB123CD","comentarios":"\u0000"}`, "{\"placa_patente\":\"\xff\"}",
		`{"placa_patente":"AB123CD","timestamp":-1}`, `{"placa_patente":"AB123CD","timestamp":1e400}`,
		`{"placa_patente":"AB123CD","codigo":"t01","ubicacion":{"lat":-34.6037,"lon":-58.3816,"descripcion":"Av. Corrientes 1200"}}`,
		`{"placa_patente":"AB123CD","codigo":"OLD"}`, `{"placa_patente":"AB123CD","codigo":7}`,
		`{"placa_patente":"AB123CD","ubicacion":{"lat":91,"lon":0}}`, `{"placa_patente":"AB123CD","ubicacion":{"lat":1}}`,
		`{"placa_patente":"AB123CD","ubicacion":{"descripcion":"x","altura":3}}`, `{"placa_patente":"AB123CD","ubicacion":[1,2]}`,
		`{"placa_patente":"AB123CD","ubicacion":{"lat":"1","lon":"2"}}`, `{"placa_patente":"AB123CD","ubicacion":{"lat":1e999,"lon":0}}`,
	} {
		f.Add([]byte(s))
	}
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body []byte) {
		req, err := DecodeInfraction(body, time.UTC, now, fuzzTariff)
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
		if (req.Code != "") != (req.Issue != nil) || (req.Issue != nil && (req.Issue.Type.Code != "T01" || req.Issue.AmountCents != 30000000)) {
			t.Fatalf("accepted code %q as %+v", req.Code, req.Issue)
		}
		p := req.Place
		if !p.IsZero() && rules.CheckPlace(&p) != "" {
			t.Fatalf("accepted place %+v", req.Place)
		}
		if p.Lat != nil && (math.IsNaN(*p.Lat) || *p.Lat < -90 || *p.Lat > 90) {
			t.Fatalf("accepted lat %v", *p.Lat)
		}
	})
}

func FuzzDecodePayment(f *testing.F) {
	for _, s := range []string{
		`{"infraccion_id":1,"importe":"22500.00","referencia":"MP-1","pagado_en":"2025-06-01T10:00:00-03:00"}`,
		`{"infraccion_id":1,"importe":22500.5,"referencia":"MP-1"}`,
		`{"infraccion_id":"1","importe":"22.500,00","referencia":""}`,
		`{"infraccion_id":-1,"importe":"-1","referencia":7}`, `{"infraccion_id":1e30}`, `[]`, `{`,
		`{"infraccion_id":1,"importe":"1.001","referencia":"x","otro":1}`,
		`{"infraccion_id":1,"importe":"100","referencia":"x","pagado_en":"2099-01-01 10:00"}`,
	} {
		f.Add([]byte(s))
	}
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body []byte) {
		in, err := DecodePayment(body, time.UTC, now)
		if err != nil {
			var p *web.Problem
			if !errors.As(err, &p) || p.Status != 400 || p.Detail == "" {
				t.Fatalf("DecodePayment(%q): %v, want a 400 problem", body, err)
			}
			return
		}
		if in.InfractionID <= 0 || in.AmountCents <= 0 || in.AmountCents > fines.MaxCents || in.Reference == "" ||
			in.Method != models.MethodGateway || in.PaidAt.After(now.Add(rules.MaxClockSkew)) {
			t.Fatalf("accepted %+v from %q", in, body)
		}
	})
}

func FuzzCheckSignature(f *testing.F) {
	now := time.Unix(1_750_000_000, 0)
	body := []byte(`{"infraccion_id":1,"importe":"100.00","referencia":"x"}`)
	f.Add(Sign("secreto", now, body), body)
	f.Add(Sign("secreto", now.Add(-SignatureWindow), body), body)
	f.Add(Sign("otro", now, body), body)
	f.Add("t=1750000000,v1=00,v1="+strings.TrimPrefix(Sign("secreto", now, body), "t=1750000000,v1="), body)
	f.Add("v1=abc,t=", body)
	f.Add("", []byte(nil))
	f.Fuzz(func(t *testing.T, header string, b []byte) {
		if CheckSignature(header, b, "secreto", now) != "" {
			return
		}
		// Accepted: some v1 is the MAC of "<t>.<body>" for a t in the window.
		var ts string
		var sigs []string
		for _, part := range strings.Split(header, ",") {
			k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
			if k == "t" {
				ts = v
			} else if k == "v1" {
				sigs = append(sigs, strings.ToLower(v))
			}
		}
		sec, err := strconv.ParseInt(ts, 10, 64)
		if err != nil || sec < now.Unix()-300 || sec > now.Unix()+300 {
			t.Fatalf("accepted %q with t out of the window", header)
		}
		want := hex.EncodeToString(mac("secreto", ts, b))
		if !slices.Contains(sigs, want) {
			t.Fatalf("accepted %q without the MAC %s", header, want)
		}
	})
}

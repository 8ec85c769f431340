package rules

import (
	"math"
	"strings"
	"testing"
	"time"

	"transito/models/fines"
)

func TestCheckPlace(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	for _, tt := range []struct {
		name  string
		place Place
		msg   string // "" when valid
	}{
		{"all three", Place{Lat: f(-34.6037), Lon: f(-58.3816), Description: " Av. Corrientes 1200 "}, ""},
		{"coordinates", Place{Lat: f(90), Lon: f(-180)}, ""},
		{"description", Place{Description: "Plaza de Mayo"}, ""},
		{"nothing", Place{}, "coordenadas"},
		{"blank description", Place{Description: "   "}, "coordenadas"},
		{"lat alone", Place{Lat: f(1)}, "juntas"},
		{"lon alone", Place{Lon: f(1), Description: "x"}, "juntas"},
		{"lat out of range", Place{Lat: f(90.0001), Lon: f(0)}, "-90 y 90"},
		{"lon out of range", Place{Lat: f(0), Lon: f(-180.5)}, "-180 y 180"},
		{"NaN", Place{Lat: f(math.NaN()), Lon: f(0)}, "-90 y 90"},
		{"description too long", Place{Description: strings.Repeat("á", MaxPlaceLen+1)}, "200"},
		{"description with a newline", Place{Description: "a\nb"}, "saltos"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.place
			msg := CheckPlace(&p)
			if (msg == "") != (tt.msg == "") || !strings.Contains(msg, tt.msg) {
				t.Errorf("CheckPlace = %q, want …%s…", msg, tt.msg)
			}
		})
	}
}

func TestPaymentClean(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	good := PaymentInput{InfractionID: 1, AmountCents: 2250000, Method: " Efectivo ", Reference: " R-1 ", PaidAt: now}
	if fe := good.Clean(now); len(fe) != 0 || good.Method != "efectivo" || good.Reference != "R-1" {
		t.Fatalf("good payment: %v %+v", fe, good)
	}
	bad := PaymentInput{AmountCents: -1, Method: "cheque", Reference: strings.Repeat("x", 101), PaidAt: now.Add(time.Hour)}
	fe := bad.Clean(now)
	for _, field := range []string{FieldInfractionID, FieldAmount, FieldMethod, FieldReference, FieldPaidAt} {
		if fe[field] == "" {
			t.Errorf("no error on %s: %v", field, fe)
		}
	}
	empty := PaymentInput{InfractionID: 1, AmountCents: 1, Method: "tarjeta"}
	if fe := empty.Clean(now); fe[FieldReference] == "" || fe[FieldPaidAt] == "" {
		t.Errorf("empty reference and time: %v", fe)
	}
}

func TestDisputeAndResolutionClean(t *testing.T) {
	d := DisputeInput{Text: "  No era mi auto.\nTengo pruebas. ", Email: " Ana@Example.com "}
	if fe := d.Clean(); len(fe) != 0 || d.Email != "ana@example.com" || !strings.HasPrefix(d.Text, "No era") {
		t.Fatalf("good descargo: %v %+v", fe, d)
	}
	for _, bad := range []DisputeInput{{Text: "", Email: "a@example.com"}, {Text: strings.Repeat("x", MaxDisputeLen+1), Email: "a@example.com"}, {Text: "x", Email: "malo"}} {
		if fe := bad.Clean(); len(fe) != 1 {
			t.Errorf("%.40v: %v", bad, fe)
		}
	}
	r := ResolutionInput{Decision: " Rechazar ", Resolution: "Las fotos muestran el vehículo."}
	if fe := r.Clean(); len(fe) != 0 || r.Decision != DecisionReject {
		t.Errorf("good resolution: %v", fe)
	}
	empty := ResolutionInput{Decision: "tal vez"}
	if fe := empty.Clean(); fe[FieldDecision] == "" || fe[FieldResolution] == "" {
		t.Errorf("bad resolution: %v", fe)
	}
}

func TestUnitValueClean(t *testing.T) {
	good := UnitValueInput{From: fines.NewDate(2026, 1, 1), Cents: 150000}
	if fe := good.Clean(); len(fe) != 0 {
		t.Errorf("good value: %v", fe)
	}
	bad := UnitValueInput{Cents: 0}
	if fe := bad.Clean(); fe[FieldFrom] == "" || fe[FieldValue] == "" {
		t.Errorf("bad value: %v", fe)
	}
	huge := UnitValueInput{From: fines.NewDate(2026, 1, 1), Cents: fines.MaxCents}
	if fe := huge.Clean(); fe[FieldValue] == "" {
		t.Errorf("a unit value whose largest fine overflows: %v", fe)
	}
}

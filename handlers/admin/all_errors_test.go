package admin_test

import (
	"net/url"
	"strings"
	"testing"

	"transito/internal/testenv"
)

// A form answers every field error at once — its own fields and what the
// write would meet (taken e-mail or plate, unknown plate or officer) —
// each input aria-invalid with its message, under one banner.
func TestAllFieldErrorsAtOnce(t *testing.T) {
	e := testenv.Panel(t)
	e.Login()
	ana := testenv.MustPerson(t, e.Store, "Ana", "ana@example.com")
	testenv.MustVehicle(t, e.Store, "AB123CD", ana.ID)
	cases := []struct {
		name, path string
		form       url.Values
		fields     map[string]string
	}{
		{"person: empty name, e-mail taken", "/admin/personas", url.Values{"nombre": {""}, "email": {"ANA@example.com"}},
			map[string]string{"nombre": "obligatorio", "email": "ya existe otra persona con el correo ana@example.com"}},
		{"vehicle: plate taken, no owner", "/admin/vehiculos", url.Values{"placa_patente": {"ab-123-cd"}, "marca": {"Ford"}, "color": {"Rojo"}},
			map[string]string{"placa_patente": "ya existe un vehículo con la patente AB123CD", "persona_id": "elija el titular"}},
		{"infraction: three errors in one submit", "/admin/infracciones", url.Values{"placa_patente": {"ZZ999ZZ"}, "oficial": {"NADIE"}, "timestamp": {"ayer"}},
			map[string]string{"placa_patente": "no hay ningún vehículo", "oficial": "no hay ningún oficial", "timestamp": "formato"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, htmx := range []bool{false, true} {
				var h []string
				if htmx {
					h = []string{"HX-Request", "true"}
				}
				resp, doc := e.Post(tc.path, tc.form, h...)
				if resp.StatusCode != 422 && resp.StatusCode != 409 {
					t.Errorf("status %d", resp.StatusCode)
				}
				for field, want := range tc.fields {
					if got := testenv.Testid(doc, "error-"+field).Text(); !strings.Contains(got, want) {
						t.Errorf("htmx=%v: error-%s = %q, want %q", htmx, field, got, want)
					}
					if field == "persona_id" {
						continue // a group of radios (none when nobody was searched): the message is the fieldset's
					}
					if v, _ := doc.Find(`[name="` + field + `"][aria-invalid="true"]`).Attr("aria-describedby"); v != "e-"+field {
						t.Errorf("htmx=%v: %s is not aria-invalid with its message", htmx, field)
					}
				}
				if n := testenv.Testid(doc, "form-error").Length(); n != 1 {
					t.Errorf("htmx=%v: %d error banners, want 1", htmx, n)
				}
			}
		})
	}
}

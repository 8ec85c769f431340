package admin_test

import (
	"net/url"
	"testing"

	"transito/internal/testenv"
)

// A rejected edit that picked a new owner shows the current owner and the
// picked one once each, the picked one chosen (it used to show the picked
// one twice and lose the current owner).
func TestVehicleFormKeepsOwners(t *testing.T) {
	e := testenv.Panel(t)
	e.Login()
	ana := testenv.MustPerson(t, e.Store, "Ana Martínez", "ana@example.com")
	bruno := testenv.MustPerson(t, e.Store, "Bruno Díaz", "bruno@example.com")
	v := testenv.MustVehicle(t, e.Store, "AB123CD", ana.ID)
	for _, htmx := range []bool{false, true} {
		var h []string
		if htmx {
			h = []string{"HX-Request", "true"}
		}
		resp, doc := e.Post("/admin/vehiculos/"+itoa(v.ID), url.Values{
			"placa_patente": {"A"}, "marca": {"Ford"}, "color": {"Rojo"},
			"persona_id": {itoa(bruno.ID)}, "persona_q": {"Bruno"},
		}, h...)
		testenv.WantStatus(t, resp, 422)
		radios := func(id int64) int {
			return doc.Find(`input[type="radio"][name="persona_id"][value="` + itoa(id) + `"]`).Length()
		}
		if radios(ana.ID) != 1 || radios(bruno.ID) != 1 {
			t.Errorf("htmx=%v: radios for the current owner %d, the picked one %d; want 1 and 1", htmx, radios(ana.ID), radios(bruno.ID))
		}
		checked := doc.Find(`input[type="radio"][name="persona_id"][checked]`)
		if val, _ := checked.Attr("value"); checked.Length() != 1 || val != itoa(bruno.ID) {
			t.Errorf("htmx=%v: %d checked, value %q; want the picked owner", htmx, checked.Length(), val)
		}
	}
}

package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"transito/handlers"
	"transito/internal/testenv"
)

// A local time the clocks skip (America/Santiago, 8 September 2024 at
// midnight) is refused by the API and the panel naming the field and saying
// why, and an offset past ±23:59 is refused (issue 10, item 8).
func TestTimestampInTheDaylightSavingGapRefused(t *testing.T) {
	santiago, err := time.LoadLocation("America/Santiago")
	if err != nil {
		t.Fatal(err)
	}
	env := testenv.API(t, handlers.Config{Location: santiago})
	for body, want := range map[string]string{
		`{"placa_patente":"AB123CD","timestamp":"2024-09-08 00:30"}`:          "no existe",
		`{"placa_patente":"AB123CD","timestamp":"2024-05-01T14:30:00+24:00"}`: "23:59",
	} {
		before := env.CountInfractions(t)
		resp, b := env.Send(t, "POST", "/cargar_infraccion", env.Token, body)
		if resp.StatusCode != 400 {
			t.Fatalf("%s: %d %s, want 400", body, resp.StatusCode, b)
		}
		if p := testenv.DecodeProblem(t, resp, b); !strings.Contains(p.Errors["timestamp"], want) {
			t.Errorf("%s: errors.timestamp %q, want it to say %q", body, p.Errors["timestamp"], want)
		}
		if env.CountInfractions(t) != before {
			t.Errorf("%s: refused but stored", body)
		}
	}
	resp, b := env.Send(t, "POST", "/cargar_infraccion", env.Token, `{"placa_patente":"AB123CD","timestamp":"2024-04-06 23:30"}`)
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"timestamp":"2024-04-06T23:30:00-03:00"`) {
		t.Errorf("repeated hour: %d %s, want the earlier instant (-03:00)", resp.StatusCode, b)
	}

	e := testenv.Panel(t, testenv.WithConfig(handlers.Config{Location: santiago}))
	e.Login()
	p := testenv.MustPerson(t, e.Store, "Ana", "ana@example.com")
	testenv.MustVehicle(t, e.Store, "AB123", p.ID)
	testenv.MustOfficer(t, e.Store, "Oficial", "B1")
	resp, doc := e.Post("/admin/infracciones", url.Values{"placa_patente": {"AB123"}, "oficial": {"B1"}, "timestamp": {"2024-09-08 00:30"}})
	testenv.WantStatus(t, resp, http.StatusUnprocessableEntity)
	if msg := testenv.Testid(doc, "error-timestamp").Text(); !strings.Contains(msg, "no existe") {
		t.Errorf("panel: error-timestamp %q, want it to say the time does not exist", msg)
	}
}

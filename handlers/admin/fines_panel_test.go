package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"transito/internal/testenv"
	"transito/models"
	"transito/models/rules"
)

// An infraction sin tipificar is classified from its page, priced at the
// catalogue's units × the unit value, and paid with exactly a_pagar; a
// wrong amount is refused naming the right one.
func TestAdminClassifyAndPay(t *testing.T) {
	e := testenv.Panel(t, testenv.WithRegistry(), testenv.WithCatalogue())
	e.Login()
	lat, lon := -34.6037, -58.3816
	id, err := e.Store.CreateInfraction(context.Background(), rules.InfractionInput{Plate: "AB123CD", Badge: "B1",
		OccurredAt: time.Now().Add(-time.Hour), Place: rules.Place{Lat: &lat, Lon: &lon, Description: "Av. Corrientes y Callao"}}, models.CLIActor)
	if err != nil {
		t.Fatal(err)
	}
	page := "/admin/infracciones/" + itoa(id)
	_, doc := e.Get(page)
	if got, _ := testenv.Testid(doc, "fine-status").Attr("data-estado"); got != "sin_tipificar" {
		t.Errorf("estado = %q, want sin_tipificar", got)
	}
	if href, _ := testenv.Testid(doc, "osm-link").Attr("href"); href != "https://www.openstreetmap.org/?mlat=-34.6037&mlon=-58.3816#map=18/-34.6037/-58.3816" {
		t.Errorf("osm link = %q", href)
	}
	if !strings.Contains(testenv.Testid(doc, "fine-place").Text(), "Av. Corrientes y Callao") {
		t.Errorf("place = %q", testenv.Testid(doc, "fine-place").Text())
	}
	if testenv.Testid(doc, "classify-form").Length() != 1 || testenv.Testid(doc, "payment-form").Length() != 0 {
		t.Fatal("want the classify form and no payment form")
	}

	resp, doc := e.Post(page+"/tipificar", url.Values{"codigo": {"X99"}})
	testenv.WantStatus(t, resp, http.StatusUnprocessableEntity)
	if testenv.Testid(doc, "error-codigo").Text() == "" {
		t.Error("an inactive code: no error on codigo")
	}
	resp, _ = e.Post(page+"/tipificar", url.Values{"codigo": {"t01"}})
	testenv.WantStatus(t, resp, http.StatusSeeOther)
	_, doc = e.Get(page)
	for id, want := range map[string]string{"fine-code": "T01", "fine-points": "5", "fine-amount": "$ 300.000,00", "fine-to-pay": "$ 150.000,00"} {
		if got := testenv.Testid(doc, id).Text(); !strings.Contains(got, want) {
			t.Errorf("%s = %q, want %q", id, got, want)
		}
	}
	if testenv.Testid(doc, "classify-form").Length() != 0 || testenv.Testid(doc, "payment-form").Length() != 1 {
		t.Fatal("after classifying: want the payment form and no classify form")
	}
	resp, _ = e.Post(page+"/tipificar", url.Values{"codigo": {"E05"}})
	testenv.WantStatus(t, resp, http.StatusConflict)

	resp, doc = e.Post(page+"/pago", url.Values{"importe": {"300000"}, "metodo": {"efectivo"}, "referencia": {"R-1"}})
	testenv.WantStatus(t, resp, http.StatusUnprocessableEntity)
	if got := testenv.Testid(doc, "error-importe").Text(); !strings.Contains(got, "$ 150.000,00") {
		t.Errorf("error-importe = %q, want the amount owed", got)
	}
	if v, _ := doc.Find(`input[name="referencia"]`).Attr("value"); v != "R-1" {
		t.Errorf("referencia shown again = %q", v)
	}
	resp, doc = e.Post(page+"/pago", url.Values{"importe": {"abc"}, "metodo": {"cheque"}, "referencia": {""}})
	testenv.WantStatus(t, resp, http.StatusUnprocessableEntity)
	for _, f := range []string{"importe", "metodo", "referencia"} {
		if testenv.Testid(doc, "error-"+f).Text() == "" {
			t.Errorf("no error on %s", f)
		}
	}
	resp, _ = e.Post(page+"/pago", url.Values{"importe": {"150.000,00"}, "metodo": {"transferencia"}, "referencia": {"R-1"}})
	testenv.WantStatus(t, resp, http.StatusSeeOther)
	_, doc = e.Get(page)
	if got, _ := testenv.Testid(doc, "fine-status").Attr("data-estado"); got != "pagada" {
		t.Errorf("estado after paying = %q", got)
	}
	if testenv.Testid(doc, "payment-reference").Text() != "R-1" || testenv.Testid(doc, "payment-form").Length() != 0 {
		t.Error("payment not shown, or the form still offered")
	}
	resp, _ = e.Post(page+"/pago", url.Values{"importe": {"150000"}, "metodo": {"efectivo"}, "referencia": {"R-2"}})
	testenv.WantStatus(t, resp, http.StatusConflict)
	_, doc = e.Get("/admin/auditoria?entidad=infraction")
	if n := testenv.Testid(doc, "row").Length(); n != 3 {
		t.Errorf("audit rows = %d, want 3 (create, classify, payment)", n)
	}
}

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
	testenv.MustInfraction(t, e.Store, "XY987ZW", "B1", time.Now().Add(-2*time.Hour))
	for q, want := range map[string]int{"codigo=t01": 1, "codigo=E05": 0, "gravedad=grave": 1, "gravedad=leve": 0, "estado=pagada": 1,
		"estado=sin_tipificar": 1, "estado=vigente": 1, "estado=prescrita": 0, "estado=en_descargo": 0} {
		_, doc := e.Get("/admin/infracciones?" + q)
		if n := testenv.Testid(doc, "row").Length(); n != want {
			t.Errorf("%s: %d rows, want %d", q, n, want)
		}
	}
	_, doc = e.Get("/admin/infracciones?codigo=T01")
	if got := testenv.Testid(doc, "row").Text(); !strings.Contains(got, "$ 300.000,00") || !strings.Contains(got, "Pagada") {
		t.Errorf("list row: %q, want the amount and the status", got)
	}
	_, csv := download(t, e, "/admin/infracciones?formato=csv&codigo=T01")
	if !strings.Contains(string(csv), "Código") || !strings.Contains(string(csv), "T01") || !strings.Contains(string(csv), "300000.00") || !strings.Contains(string(csv), "Pagada") {
		t.Errorf("export: %s", csv)
	}
	_, doc = e.Get("/admin")
	for id, want := range map[string]string{"mes-emitido": "$ 300.000,00", "mes-cobrado": "$ 150.000,00", "mes-adeudado": "$ 0,00"} {
		if got := testenv.Testid(doc, id).Text(); got != want {
			t.Errorf("dashboard %s = %q, want %q", id, got, want)
		}
	}
	_, doc = e.Get("/admin/auditoria?entidad=infraction")
	if n := testenv.Testid(doc, "row").Length(); n != 4 {
		t.Errorf("audit rows = %d, want 4 (two creates, classify, payment)", n)
	}
}

// A person's document: optional, normalised, unique, shown on their page
// and found by the persons search.
func TestAdminPersonDocument(t *testing.T) {
	e := testenv.Panel(t)
	e.Login()
	resp, _ := e.Post("/admin/personas", url.Values{"nombre": {"Ana Pérez"}, "email": {"ana@example.com"}, "documento": {"20.123.456"}})
	testenv.WantStatus(t, resp, http.StatusSeeOther)
	page := resp.Header.Get("Location")
	_, doc := e.Get(page)
	if got := testenv.Testid(doc, "person-document").Text(); got != "20123456" {
		t.Errorf("document shown = %q", got)
	}
	resp, doc = e.Post("/admin/personas", url.Values{"nombre": {"Otra"}, "email": {"otra@example.com"}, "documento": {"20-123-456"}})
	if resp.StatusCode < 400 || testenv.Testid(doc, "error-documento").Text() == "" {
		t.Errorf("a taken document: status %d, error %q", resp.StatusCode, testenv.Testid(doc, "error-documento").Text())
	}
	resp, doc = e.Post("/admin/personas", url.Values{"nombre": {"Otra"}, "email": {"otra@example.com"}, "documento": {"x"}})
	testenv.WantStatus(t, resp, http.StatusUnprocessableEntity)
	if testenv.Testid(doc, "error-documento").Text() == "" {
		t.Error("a bad document: no error on documento")
	}
	resp, _ = e.Post("/admin/personas", url.Values{"nombre": {"Bruno"}, "email": {"bruno@example.com"}})
	testenv.WantStatus(t, resp, http.StatusSeeOther)
	_, doc = e.Get("/admin/personas?q=20123456")
	if got := testenv.Testid(doc, "row").Text(); testenv.Testid(doc, "row").Length() != 1 || !strings.Contains(got, "Ana") {
		t.Errorf("search by document: %q", got)
	}
}

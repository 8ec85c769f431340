package admin_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"transito/internal/testenv"
	"transito/models"
)

// Every detail page shows its record's history in Spanish: who (by name,
// linked), when, and what changed (labels, not keys; owners by name); the
// audit log filters by the record and says so.
func TestRecordHistory(t *testing.T) {
	e := testenv.Panel(t)
	e.Login()
	ana := testenv.MustPerson(t, e.Store, "Ana Martínez", "ana@example.com")
	bruno := testenv.MustPerson(t, e.Store, "Bruno Díaz", "bruno@example.com")
	v := testenv.MustVehicle(t, e.Store, "AB123CD", ana.ID)
	pid, vid := itoa(ana.ID), itoa(v.ID)

	resp, _ := e.Post("/admin/personas/"+pid, url.Values{"nombre": {"Ana María Martínez"}, "email": {"ana@example.com"}})
	testenv.WantStatus(t, resp, 303)
	resp, _ = e.Post("/admin/vehiculos/"+vid, url.Values{"placa_patente": {"AB123CD"}, "marca": {"Ford"}, "color": {"Rojo"}, "persona_id": {itoa(bruno.ID)}})
	testenv.WantStatus(t, resp, 303)

	_, doc := e.Get("/admin/personas/" + pid)
	hist := testenv.Testid(doc, "historial")
	if hist.Length() != 1 {
		t.Fatal("no historial on the person page")
	}
	entries := hist.Find(`[data-testid="history-entry"]`)
	if entries.Length() != 2 {
		t.Fatalf("person history has %d entries, want 2 (alta, modificación)", entries.Length())
	}
	newest := entries.First().Text()
	for _, want := range []string{"Modificación", "admin", "Nombre:", "Ana Martínez", "Ana María Martínez"} {
		if !strings.Contains(newest, want) {
			t.Errorf("newest entry %q lacks %q", newest, want)
		}
	}
	if strings.Contains(newest, "nombre:") {
		t.Errorf("newest entry shows a key, not a label: %q", newest)
	}
	if href, _ := entries.First().Find(`a[href="/admin/administradores/1"]`).Attr("href"); href == "" {
		t.Error("the actor is not linked to the account")
	}

	_, doc = e.Get("/admin/vehiculos/" + vid)
	vh := testenv.Testid(doc, "historial").Text()
	if !strings.Contains(vh, "Titular:") || !strings.Contains(vh, "Ana María Martínez") || !strings.Contains(vh, "Bruno Díaz") {
		t.Errorf("vehicle history does not name the owners: %q", vh)
	}
	if testenv.Testid(doc, "historial").Find(`a[href="/admin/personas/`+itoa(bruno.ID)+`"]`).Length() == 0 {
		t.Error("the new owner is not linked")
	}

	// The audit log by record: only this person's entries, and it says so.
	_, doc = e.Get("/admin/auditoria?entidad=person&registro=" + pid)
	if n := testenv.Testid(doc, "row").Length(); n != 2 {
		t.Errorf("audit log of the person has %d rows, want 2", n)
	}
	if got := testenv.Testid(doc, "active-filter-registro").Text(); !strings.Contains(got, "Persona") || !strings.Contains(got, "Ana María Martínez") {
		t.Errorf("active filter = %q", got)
	}
	if got := testenv.Testid(doc, "row").First().Text(); !strings.Contains(got, "Nombre: Ana Martínez → Ana María Martínez") {
		t.Errorf("audit row = %q", got)
	}
}

// Values are formatted: sí/no, money, times in the configured zone.
func TestAuditValuesFormatted(t *testing.T) {
	e := testenv.Panel(t)
	e.Login()
	o := testenv.MustOfficer(t, e.Store, "Laura Gómez", "X1")
	resp, _ := e.Post("/admin/oficiales/"+itoa(o.ID), url.Values{"nombre": {"Laura Gómez"}, "numero": {"X1"}, "activo": {"0"}})
	testenv.WantStatus(t, resp, 303)
	_, doc := e.Get("/admin/oficiales/" + itoa(o.ID))
	if got := testenv.Testid(doc, "historial").Find(`[data-testid="history-entry"]`).First().Text(); !strings.Contains(got, "Activo:") || !strings.Contains(got, "sí") || !strings.Contains(got, "no") {
		t.Errorf("officer history = %q, want Activo: sí → no", got)
	}
}

// Lists show what they are filtered by, each filter removable, and
// «Limpiar filtros».
func TestActiveFilters(t *testing.T) {
	e := testenv.Panel(t)
	e.Login()
	ana := testenv.MustPerson(t, e.Store, "Ana Martínez", "ana@example.com")
	testenv.MustVehicle(t, e.Store, "AB123CD", ana.ID)
	_, doc := e.Get("/admin/vehiculos?persona=" + itoa(ana.ID) + "&marca=Ford&orden=patente")
	if got := testenv.Testid(doc, "active-filter-persona").Text(); !strings.Contains(got, "Titular:") || !strings.Contains(got, "Ana Martínez") {
		t.Errorf("persona filter = %q", got)
	}
	href, _ := testenv.Testid(doc, "remove-filter-persona").Attr("href")
	if strings.Contains(href, "persona=") || !strings.Contains(href, "marca=Ford") {
		t.Errorf("removing persona links to %q", href)
	}
	if href, _ := testenv.Testid(doc, "clear-filters").Attr("href"); href != "/admin/vehiculos?orden=patente" {
		t.Errorf("Limpiar filtros links to %q", href)
	}
	_, doc = e.Get("/admin/vehiculos")
	if testenv.Testid(doc, "active-filters").Length() != 0 {
		t.Error("an unfiltered list shows active filters")
	}
	_, doc = e.Get("/admin/infracciones?estado=anulada&desde=2026-01-02")
	got := testenv.Testid(doc, "active-filters").Text()
	for _, want := range []string{"Estado:", "Anulada", "Desde:", "02/01/2026", "Limpiar filtros"} {
		if !strings.Contains(got, want) {
			t.Errorf("active filters %q lack %q", got, want)
		}
	}
}

// The annul form takes an internal and a public reason; the page says who
// annulled and when; the citizen's report carries only the public one.
func TestAnnulPublicReason(t *testing.T) {
	e := testenv.Panel(t)
	e.Login()
	ana := testenv.MustPerson(t, e.Store, "Ana Martínez", "ana@example.com")
	testenv.MustVehicle(t, e.Store, "AB123CD", ana.ID)
	testenv.MustOfficer(t, e.Store, "Laura Gómez", "X1")
	id := testenv.MustInfraction(t, e.Store, "AB123CD", "X1", time.Now().Add(-time.Hour))
	path := "/admin/infracciones/" + itoa(id)

	_, doc := e.Get(path)
	if _, ok := doc.Find(`textarea[name="motivo"]`).Attr("required"); !ok {
		t.Error("the internal reason is not required in the browser")
	}
	if doc.Find(`textarea[name="motivo_publico"]`).Length() != 1 {
		t.Fatal("no public reason field")
	}
	resp, doc := e.Post(path+"/anular", url.Values{"motivo": {"   "}, "motivo_publico": {"x\x01"}})
	testenv.WantStatus(t, resp, 422)
	for _, f := range []string{"motivo", "motivo_publico"} {
		if testenv.Testid(doc, "error-"+f).Length() != 1 {
			t.Errorf("no error for %s", f)
		}
	}
	if n := testenv.Testid(doc, "form-error").Length(); n != 1 {
		t.Errorf("%d error banners, want 1", n)
	}

	resp, _ = e.Post(path+"/anular", url.Values{"motivo": {"Foto de otro vehículo (control interno 7)"}, "motivo_publico": {"Error en la identificación del vehículo."}})
	testenv.WantStatus(t, resp, 303)
	_, doc = e.Get(path)
	if got := testenv.Testid(doc, "voided-by").Text(); !strings.Contains(got, "admin") {
		t.Errorf("voided-by = %q", got)
	}
	if got := testenv.Testid(doc, "void-public-reason").Text(); !strings.Contains(got, "Error en la identificación") {
		t.Errorf("public reason = %q", got)
	}
	_, rows, err := e.Store.Report(context.Background(), "ana@example.com")
	if err != nil || len(rows) != 1 {
		t.Fatalf("report: %v, %d rows", err, len(rows))
	}
	if rows[0].VoidPublicReason != "Error en la identificación del vehículo." || rows[0].Status != models.StatusVoided {
		t.Errorf("report row: status %q, public reason %q", rows[0].Status, rows[0].VoidPublicReason)
	}
	_, body := e.GetBody("/consulta?email=ana@example.com&placa_patente=AB123CD")
	if strings.Contains(body, "control interno 7") || !strings.Contains(body, "Error en la identificación") {
		t.Error("the portal shows the internal reason, or not the public one")
	}
}

package admin_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"transito/internal/testenv"
	"transito/models/fines"
)

// A person's page lists their fines with what is owed today; a vehicle's
// page its owners over time and its fines; «Agregar vehículo» opens the
// create form with the person as the owner.
func TestRelatedRecords(t *testing.T) {
	e := testenv.Panel(t, testenv.WithCatalogue())
	e.Login()
	ctx := context.Background()
	ana := testenv.MustPerson(t, e.Store, "Ana Martínez", "ana@example.com")
	bruno := testenv.MustPerson(t, e.Store, "Bruno Díaz", "bruno@example.com")
	v := testenv.MustVehicle(t, e.Store, "AB123CD", ana.ID)
	testenv.MustOfficer(t, e.Store, "Laura Gómez", "X1")
	owed := testenv.MustInfraction(t, e.Store, "AB123CD", "X1", time.Now().Add(-time.Hour))
	issue, err := e.Store.ClassifyInfraction(ctx, owed, "E05", testenv.Actor)
	if err != nil {
		t.Fatal(err)
	}
	testenv.MustInfraction(t, e.Store, "AB123CD", "X1", time.Now().Add(-2*time.Hour)) // sin tipificar: nothing owed

	_, doc := e.Get("/admin/personas/" + itoa(ana.ID))
	if n := testenv.Testid(doc, "fine-line").Length(); n != 2 {
		t.Errorf("person page lists %d fines, want 2", n)
	}
	got := testenv.Testid(doc, "fines-owed").Text()
	t.Logf("owed: %q", got)
	tariff, err := e.Store.Tariff(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, rows, err := e.Store.Report(ctx, "ana@example.com")
	if err != nil {
		t.Fatal(err)
	}
	var want int64
	for i := range rows {
		if a := tariff.Assess(&rows[i], time.Now(), e.Config.Location); a.ToPay != nil {
			want += *a.ToPay
		}
	}
	if want == 0 || want > issue.AmountCents {
		t.Fatalf("owed today %d, issued %d", want, issue.AmountCents)
	}
	if !strings.Contains(got, fines.DisplayAmount(want, "")) || !strings.Contains(got, "1 multa") || !strings.Contains(got, "2 infracciones") {
		t.Errorf("owed = %q, want %s over 1 multa of 2 infracciones", got, fines.DisplayAmount(want, ""))
	}
	href, _ := testenv.Testid(doc, "add-vehicle").Attr("href")
	_, doc = e.Get(href)
	if _, open := testenv.Testid(doc, "create-panel").Attr("open"); !open {
		t.Error("«Agregar vehículo» does not open the create form")
	}
	if val, _ := doc.Find(`[data-testid="vehicle-form"] input[name="persona_id"][checked]`).Attr("value"); val != itoa(ana.ID) {
		t.Errorf("create form owner = %q, want Ana (%d)", val, ana.ID)
	}

	// A sale: the vehicle's page names both owners, newest first.
	resp, _ := e.Post("/admin/vehiculos/"+itoa(v.ID), url.Values{"placa_patente": {"AB123CD"}, "marca": {"Ford"}, "color": {"Rojo"}, "persona_id": {itoa(bruno.ID)}})
	testenv.WantStatus(t, resp, 303)
	_, doc = e.Get("/admin/vehiculos/" + itoa(v.ID))
	periods := testenv.Testid(doc, "owner-period")
	if periods.Length() != 2 {
		t.Fatalf("%d owner periods, want 2", periods.Length())
	}
	if first := periods.First().Text(); !strings.Contains(first, "Bruno Díaz") || !strings.Contains(first, "(actual)") {
		t.Errorf("newest owner = %q", first)
	}
	if last := periods.Last().Text(); !strings.Contains(last, "Ana Martínez") || !strings.Contains(last, "hasta") {
		t.Errorf("first owner = %q", last)
	}
	if n := testenv.Testid(doc, "fine-line").Length(); n != 2 {
		t.Errorf("vehicle page lists %d fines, want 2", n)
	}
}

// The manual infraction form suggests plates and officers as one types, a
// few at a time; without JavaScript the inputs are plain text inputs.
func TestInfractionFormSuggestions(t *testing.T) {
	e := testenv.Panel(t)
	e.Login()
	ana := testenv.MustPerson(t, e.Store, "Ana Martínez", "ana@example.com")
	for i := 0; i < 15; i++ {
		testenv.MustVehicle(t, e.Store, "AB1"+itoa(int64(10+i))+"CD", ana.ID)
	}
	testenv.MustOfficer(t, e.Store, "Laura Gómez", "X1")
	testenv.MustOfficer(t, e.Store, "Luis Pérez", "X2")

	_, doc := e.Get("/admin/infracciones")
	in := doc.Find(`input[name="placa_patente"][list="sugerencias-patente"]`)
	if in.Length() != 1 {
		t.Fatal("the plate input has no suggestions list")
	}
	if typ, _ := in.Attr("type"); typ != "text" {
		t.Errorf("plate input type %q", typ)
	}
	_, doc = e.Get("/admin/vehiculos/buscar?placa_patente=ab1", "HX-Request", "true")
	if n := doc.Find(`#sugerencias-patente option`).Length(); n != 10 {
		t.Errorf("%d plate suggestions, want 10 (never everything)", n)
	}
	_, doc = e.Get("/admin/vehiculos/buscar?placa_patente=1" + "24C")
	if v, _ := doc.Find(`#sugerencias-patente option`).Attr("value"); v != "AB124CD" {
		t.Errorf("suggestion for 124C = %q", v)
	}
	_, doc = e.Get("/admin/oficiales/buscar?oficial=gomez")
	opts := doc.Find(`#sugerencias-oficial option`)
	if v, _ := opts.Attr("value"); opts.Length() != 1 || v != "X1" || !strings.Contains(opts.Text(), "Laura Gómez") {
		t.Errorf("officer suggestions: %d, first %q %q", opts.Length(), v, opts.Text())
	}
}

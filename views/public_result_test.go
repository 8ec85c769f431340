package views_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"transito/views"
)

// TestLookupResultMarksAnnulled renders a report with one valid and one
// annulled infraction: the annulled one says so, with its reason.
func TestLookupResultMarksAnnulled(t *testing.T) {
	l := views.Lookup{State: views.LookupFound, PersonName: "Ana", Email: "ana@example.com", Zone: "UTC",
		JSONURL: "/generar_informe?email=ana%40example.com",
		Rows: []views.LookupRow{
			{ID: 2, When: "02/05/2024 10:00", Plate: "AB123CD", Officer: "O", Badge: "B"},
			{ID: 1, When: "01/05/2024 10:00", Plate: "AB123CD", Officer: "O", Badge: "B", Annulled: true, VoidReason: "Error de carga"},
		}}
	var buf bytes.Buffer
	if err := views.LookupResult(l).Render(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	doc, err := goquery.NewDocumentFromReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	status := doc.Find(`[data-testid="infraction-status"]`)
	if status.Length() != 2 {
		t.Fatalf("want 2 status cells, got %d", status.Length())
	}
	if s, _ := status.Eq(0).Attr("data-status"); s != "vigente" {
		t.Errorf("first row status %q", s)
	}
	annulled := status.Eq(1)
	if s, _ := annulled.Attr("data-status"); s != "anulada" {
		t.Errorf("second row status %q, want anulada", s)
	}
	if text := annulled.Text(); !strings.Contains(text, "Anulada") || !strings.Contains(text, "Error de carga") {
		t.Errorf("annulled cell says %q", text)
	}
}

package admin_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/chromedp/chromedp"

	"transito/internal/browsertest"
	"transito/internal/testenv"
	"transito/models"
)

// previewFile renames Ana, moves her Toyota to Bruno, adds Diana with a
// vehicle and then more persons than the preview lists.
func previewFile() string {
	var b strings.Builder
	b.WriteString("nombre,email,placa_patente,marca,color\n" +
		"Ana María Martínez,ana@example.com,XY987ZW,Ford,Gris\n" +
		"Bruno Díaz,bruno@example.com,AB123CD,Toyota,Blanco\n" +
		"Diana Ríos,diana@example.com,DD444DD,Peugeot,Negro\n")
	for i := range models.ImportListed + 2 {
		fmt.Fprintf(&b, "Persona %d,p%d@example.com,,,\n", i, i)
	}
	return b.String()
}

// rowsOf are the rows of one table of the preview, each its cells' text.
func rowsOf(doc *goquery.Document, kind string) [][]string {
	var rows [][]string
	testenv.Testid(doc, "import-rows-"+kind).Find(`[data-testid="import-row"]`).Each(func(_ int, tr *goquery.Selection) {
		var cells []string
		tr.Find("td").Each(func(_ int, td *goquery.Selection) {
			cells = append(cells, strings.Join(strings.Fields(td.Text()), " "))
		})
		rows = append(rows, cells)
	})
	return rows
}

// The import preview lists the rows it will create, update or move — line,
// key and what changes, a vehicle's owner before and after — capped with
// "y N más"; a refused file shows its errors under one banner, not empty
// count tiles; no file marks the file input.
func TestImportPreviewListsTheRows(t *testing.T) {
	e := testenv.Panel(t, testenv.WithRegistry())
	e.Login()
	resp, doc := e.Upload("/admin/importar", "archivo", "registro.csv", previewFile())
	testenv.WantStatus(t, resp, http.StatusOK)
	if got := testenv.Testid(doc, "import-persons-created").Text(); got != fmt.Sprint(models.ImportListed+3) {
		t.Errorf("persons created tile %q", got)
	}
	if got := rowsOf(doc, "persons-updated"); len(got) != 1 || got[0][0] != "2" || got[0][1] != "ana@example.com" || !strings.Contains(got[0][3], "Nombre: Ana Martínez → Ana María Martínez") {
		t.Errorf("persons updated %q", got)
	}
	if got := rowsOf(doc, "vehicles-moved"); len(got) != 1 || got[0][0] != "3" || got[0][1] != "AB123CD" ||
		!strings.Contains(got[0][3], "Titular: Ana Martínez (ana@example.com) → Bruno Díaz (bruno@example.com)") {
		t.Errorf("vehicles moved %q", got)
	}
	if got := rowsOf(doc, "vehicles-created"); len(got) != 1 || got[0][1] != "DD444DD" || got[0][2] != "Peugeot · Negro" || !strings.Contains(got[0][3], "Diana Ríos (diana@example.com)") {
		t.Errorf("vehicles created %q", got)
	}
	created := rowsOf(doc, "persons-created")
	if len(created) != models.ImportListed || created[0][1] != "diana@example.com" {
		t.Errorf("%d persons created listed (first %q), want %d", len(created), created[0], models.ImportListed)
	}
	if got := testenv.Testid(doc, "import-rows-persons-created").Find(`[data-testid="import-more"]`).Text(); got != "y 3 más" {
		t.Errorf("more = %q, want «y 3 más»", got)
	}
	if testenv.Testid(doc, "import-rows-vehicles-updated").Length() != 0 {
		t.Error("a table for a kind with no rows")
	}
	if testenv.Testid(doc, "import-confirm").Length() != 1 {
		t.Error("no confirmation")
	}

	// A refused file: its errors, one banner, the input marked, no tiles.
	resp, doc = e.Upload("/admin/importar", "archivo", "registro.csv",
		"nombre,email,placa_patente,marca,color\nAna,ana@example.com,AB123CD,Ford,Rojo\nBruno,no-es-correo,A,Fiat,Azul\n,x@example.com,,,\n")
	testenv.WantStatus(t, resp, http.StatusUnprocessableEntity)
	if testenv.Testid(doc, "import-summary").Length() != 0 || testenv.Testid(doc, "import-confirm").Length() != 0 {
		t.Error("a refused file shows count tiles or the confirmation")
	}
	if n := testenv.Testid(doc, "import-error-line").Length(); n < 2 {
		t.Errorf("%d error lines", n)
	}
	if n := testenv.Testid(doc, "form-error").Length(); n != 1 || !strings.Contains(testenv.Testid(doc, "form-error").Text(), "No se importó nada") {
		t.Errorf("%d banners: %q", n, testenv.Testid(doc, "form-error").Text())
	}
	if v, _ := doc.Find(`#archivo[aria-invalid="true"]`).Attr("aria-describedby"); v != "e-archivo" || !strings.Contains(testenv.Testid(doc, "error-archivo").Text(), "errores") {
		t.Error("the file input is not marked with its message")
	}

	// No file at all.
	resp, doc = e.Upload("/admin/importar", "otro", "x.csv", "")
	testenv.WantStatus(t, resp, http.StatusUnprocessableEntity)
	if testenv.Testid(doc, "form-error").Length() != 1 || doc.Find(`#archivo[aria-invalid="true"]`).Length() != 1 ||
		!strings.Contains(testenv.Testid(doc, "error-archivo").Text(), "elija un archivo") {
		t.Error("no file: want one banner and the input marked")
	}
}

// The import preview and a bulk confirmation in Chromium, on a desktop and
// on a phone: no axe violation, no console error, nothing scrolls
// sideways.
func TestImportPreviewAndBulkInABrowser(t *testing.T) {
	axe := browsertest.Requirements(t)
	env := testenv.New(t, testenv.WithAdmin(), testenv.WithRegistry())
	base := "http://" + env.Listen()
	file := filepath.Join(t.TempDir(), "registro.csv")
	if err := os.WriteFile(file, []byte(previewFile()), 0o600); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(t.TempDir(), "malo.csv")
	if err := os.WriteFile(bad, []byte("nombre,email,placa_patente,marca,color\nBruno,no-es-correo,A,Fiat,Azul\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	testenv.MustOfficer(t, env.Store, "Laura", "X1")
	if _, err := env.Store.OfficerByBadge(context.Background(), "B1"); err != nil {
		t.Fatal(err)
	}
	for _, w := range []struct {
		name          string
		width, height int
	}{{"escritorio", 1280, 900}, {"teléfono", 390, 844}} {
		b := browsertest.New(t, base, axe, w.width, w.height)
		b.Login()
		check := func(what string, errs []string) {
			t.Helper()
			for _, e := range errs {
				t.Errorf("%s [%s]: %s", what, w.name, e)
			}
			vs, err := b.Axe()
			if err != nil {
				t.Errorf("%s [%s]: %v", what, w.name, err)
			}
			for _, v := range vs {
				t.Errorf("%s [%s]: %s (%s) at %s: %s", what, w.name, v.ID, v.Impact, strings.Join(v.Targets, ", "), v.Summary)
			}
			if w.width < 500 {
				if over, el := b.Overflow(); over > 0 {
					t.Errorf("%s [%s]: scrolls sideways by %d px (%s)", what, w.name, over, el)
				}
			}
		}
		for _, f := range []struct{ path, wait string }{{file, "import-rows-vehicles-moved"}, {bad, "import-errors"}} {
			errs := b.Open("/admin/importar")
			if err := chromedp.Do(b.Context(),
				chromedp.SetUploadFiles(testenv.CSS("#archivo"), []string{f.path}),
				chromedp.Click(testenv.CSS(`[data-testid="import-preview"]`)),
				chromedp.WaitVisible(testenv.CSS(`[data-testid="`+f.wait+`"]`)),
			); err != nil {
				t.Fatalf("%s [%s]: %v", f.path, w.name, err)
			}
			check("preview of "+filepath.Base(f.path), errs)
		}
		errs := b.Open("/admin/oficiales")
		if err := chromedp.Do(b.Context(),
			chromedp.Click(testenv.CSS(`[data-testid="row-check"]`)),
			chromedp.Click(testenv.CSS(`[data-testid="bulk-deactivate"]`)),
			chromedp.WaitVisible(testenv.CSS(`[data-testid="bulk-officers-form"]`)),
		); err != nil {
			t.Fatalf("bulk deactivation [%s]: %v", w.name, err)
		}
		check("bulk deactivation", errs)
	}
}

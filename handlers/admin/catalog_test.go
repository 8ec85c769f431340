package admin_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"transito/internal/testenv"
)

// The catalogue from the panel: create with every error at once, edit
// (deactivate), import a CSV file all or nothing with errors by line.
func TestAdminCatalogue(t *testing.T) {
	e := testenv.Panel(t, testenv.WithCatalogue())
	e.Login()
	resp, doc := e.Post("/admin/catalogo", url.Values{"codigo": {"a b"}, "descripcion": {""}, "gravedad": {"media"}, "unidades": {"x"}, "puntos": {"0"}, "activo": {"0", "1"}})
	testenv.WantStatus(t, resp, http.StatusUnprocessableEntity)
	for _, f := range []string{"codigo", "descripcion", "gravedad", "unidades"} {
		if testenv.Testid(doc, "error-"+f).Text() == "" {
			t.Errorf("no error on %s", f)
		}
	}
	resp, _ = e.Post("/admin/catalogo", url.Values{"codigo": {"v10"}, "descripcion": {"Exceso de velocidad"}, "referencia_legal": {"Ley 24.449, art. 51"},
		"gravedad": {"grave"}, "unidades": {"200"}, "puntos": {"4"}, "activo": {"0", "1"}})
	testenv.WantStatus(t, resp, http.StatusSeeOther)
	typePage := resp.Header.Get("Location")
	_, doc = e.Get(typePage)
	if !strings.Contains(doc.Find("h1").Text(), "V10") {
		t.Errorf("type page title = %q", doc.Find("h1").Text())
	}
	resp, _ = e.Post(typePage, url.Values{"codigo": {"V10"}, "descripcion": {"Exceso de velocidad"}, "referencia_legal": {"Ley 24.449, art. 51"},
		"gravedad": {"grave"}, "unidades": {"250"}, "puntos": {"4"}, "activo": {"0"}})
	testenv.WantStatus(t, resp, http.StatusSeeOther)
	_, doc = e.Get("/admin/catalogo?activo=0")
	if got := testenv.Testid(doc, "row").Text(); !strings.Contains(got, "V10") || !strings.Contains(got, "X99") {
		t.Errorf("inactive types: %q", got)
	}

	resp, doc = e.Upload("/admin/catalogo/importar", "archivo", "cat.csv",
		"codigo,descripcion,referencia_legal,gravedad,unidades,puntos\nA1,Uno,,leve,10,0\nA2,,,rara,-1,0\n")
	testenv.WantStatus(t, resp, http.StatusUnprocessableEntity)
	if l, _ := testenv.Testid(doc, "import-error").First().Attr("data-linea"); l != "3" {
		t.Errorf("first error line = %q, want 3", l)
	}
	if v, _ := doc.Find(`#catalogo-archivo[aria-invalid="true"]`).Attr("aria-describedby"); v != "e-catalogo-archivo" || doc.Find("#e-catalogo-archivo").Length() != 1 {
		t.Error("a refused file: the file input is not marked with its errors")
	}
	if n := doc.Find(`[role="alert"]`).Length(); n != 1 {
		t.Errorf("a refused file: %d banners, want 1", n)
	}
	resp, doc = e.Upload("/admin/catalogo/importar", "otro", "x.csv", "")
	testenv.WantStatus(t, resp, http.StatusUnprocessableEntity)
	if got := testenv.Testid(doc, "catalog-import-errors").Text(); !strings.Contains(got, "Elija un archivo CSV") || strings.Contains(got, "Línea 0") {
		t.Errorf("no file: %q", got)
	}
	_, doc = e.Get("/admin/catalogo?q=A1")
	if testenv.Testid(doc, "row").Length() != 0 {
		t.Error("a refused file wrote a type")
	}
	resp, _ = e.Upload("/admin/catalogo/importar", "archivo", "cat.csv",
		"codigo,descripcion,referencia_legal,gravedad,unidades,puntos\nA1,Uno,,leve,10,0\nT01,Semáforo en rojo,Ley 24.449,grave,320,5\n")
	testenv.WantStatus(t, resp, http.StatusSeeOther)
	_, doc = e.Get("/admin/catalogo?q=t01")
	if got := testenv.Testid(doc, "row").Text(); !strings.Contains(got, "320") {
		t.Errorf("T01 after import: %q", got)
	}
}

// "Tarifas y plazos": the unit value's history, a new value, the settings.
func TestAdminTariffs(t *testing.T) {
	e := testenv.Panel(t, testenv.WithCatalogue())
	e.Login()
	_, doc := e.Get("/admin/tarifas")
	if !strings.Contains(testenv.Testid(doc, "unit-today").Text(), "$ 1.000,00") || testenv.Testid(doc, "unit-row").Length() != 1 {
		t.Fatalf("unit today %q, rows %d", testenv.Testid(doc, "unit-today").Text(), testenv.Testid(doc, "unit-row").Length())
	}
	resp, doc := e.Post("/admin/tarifas/unidad", url.Values{"desde": {"2026-02-30"}, "valor": {"-3"}})
	testenv.WantStatus(t, resp, http.StatusUnprocessableEntity)
	if testenv.Testid(doc, "error-desde").Text() == "" || testenv.Testid(doc, "error-valor").Text() == "" {
		t.Error("want errors on desde and valor")
	}
	resp, _ = e.Post("/admin/tarifas/unidad", url.Values{"desde": {"2021-01-01"}, "valor": {"1.250,50"}})
	testenv.WantStatus(t, resp, http.StatusSeeOther)
	_, doc = e.Get("/admin/tarifas")
	if !strings.Contains(testenv.Testid(doc, "unit-today").Text(), "$ 1.250,50") || testenv.Testid(doc, "unit-row").Length() != 2 {
		t.Errorf("after a new value: %q, rows %d", testenv.Testid(doc, "unit-today").Text(), testenv.Testid(doc, "unit-row").Length())
	}
	resp, doc = e.Post("/admin/tarifas", url.Values{"descuento_pct": {"100"}, "descuento_dias": {"abc"}})
	testenv.WantStatus(t, resp, http.StatusUnprocessableEntity)
	if testenv.Testid(doc, "error-descuento_pct").Text() == "" || testenv.Testid(doc, "error-descuento_dias").Text() == "" {
		t.Error("want errors on descuento_pct and descuento_dias")
	}
	resp, _ = e.Post("/admin/tarifas", url.Values{"descuento_pct": {"30"}, "descuento_dias": {"10"}, "vencimiento_dias": {"60"}, "recargo_pct": {"20"},
		"descargo_pierde_descuento": {"0"}, "descargo_prorroga_dias": {"15"}, "prescripcion_anios_leve": {"2"}, "prescripcion_anios_grave": {"5"}, "prescripcion_anios_gravisima": {"5"}})
	testenv.WantStatus(t, resp, http.StatusSeeOther)
	_, doc = e.Get("/admin/tarifas")
	if v, _ := doc.Find(`input[name="descuento_pct"]`).Attr("value"); v != "30" {
		t.Errorf("descuento_pct = %q after saving", v)
	}
	if doc.Find(`input[name="descargo_pierde_descuento"][type="checkbox"]:checked`).Length() != 0 {
		t.Error("descargo_pierde_descuento still checked")
	}
}

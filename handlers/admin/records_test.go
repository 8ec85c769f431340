package admin_test

import (
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"transito/internal/testenv"
	"transito/models"
	"transito/models/rules"
)

func TestAdminValidationErrors(t *testing.T) {
	e := testenv.Panel(t)
	e.Login()
	testenv.MustPerson(t, e.Store, "Ana", "ana@example.com")
	cases := []struct {
		name   string
		path   string
		form   url.Values
		htmx   bool
		status int
		fields map[string]string // data-testid error-<field> → substring
	}{
		{"person empty", "/admin/personas", url.Values{"nombre": {""}, "email": {"no-es-correo"}}, false, 422,
			map[string]string{"nombre": "obligatorio", "email": "no es una dirección"}},
		{"person empty htmx", "/admin/personas", url.Values{"nombre": {""}, "email": {""}}, true, 422,
			map[string]string{"nombre": "obligatorio", "email": "obligatorio"}},
		{"person duplicate email", "/admin/personas", url.Values{"nombre": {"Otra"}, "email": {"ANA@example.com"}}, false, 409,
			map[string]string{"email": "ya existe otra persona con el correo ana@example.com"}},
		{"vehicle bad plate and no owner", "/admin/vehiculos", url.Values{"placa_patente": {"A"}, "marca": {"Ford"}, "color": {"Rojo"}}, false, 422,
			map[string]string{"placa_patente": "de 2 a 10", "persona_id": "elija el titular"}},
		{"officer no badge", "/admin/oficiales", url.Values{"nombre": {"Laura"}, "numero": {""}, "activo": {"1"}}, true, 422,
			map[string]string{"numero": "obligatorio"}},
		{"infraction unknown plate", "/admin/infracciones", url.Values{"placa_patente": {"ZZ999ZZ"}, "oficial": {"X1"}, "timestamp": {"2024-05-01T10:00"}}, false, 422,
			map[string]string{"oficial": "no hay ningún oficial"}},
		{"infraction bad time", "/admin/infracciones", url.Values{"placa_patente": {"AB123CD"}, "oficial": {"X1"}, "timestamp": {"ayer"}}, false, 422,
			map[string]string{"timestamp": "formato"}},
		{"admin short password", "/admin/administradores", url.Values{"usuario": {"nuevo"}, "clave": {"corta"}}, false, 422,
			map[string]string{"clave": "al menos 10"}},
		{"own password wrong current", "/admin/administradores/1", url.Values{"clave_actual": {"mala-clave-123"}, "clave": {"nueva-clave-123"}}, false, 422,
			map[string]string{"clave_actual": "no es correcta"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var h []string
			if tc.htmx {
				h = []string{"HX-Request", "true"}
			}
			resp, doc := e.Post(tc.path, tc.form, h...)
			testenv.WantStatus(t, resp, tc.status)
			for field, want := range tc.fields {
				if got := testenv.Testid(doc, "error-"+field).Text(); !strings.Contains(got, want) {
					t.Errorf("error-%s = %q, want it to contain %q", field, got, want)
				}
			}
			if tc.htmx {
				if doc.Find("html").Length() != 0 && doc.Find("aside").Length() != 0 {
					t.Error("htmx got a whole page, want the form fragment")
				}
				if doc.Find(`#flashes[hx-swap-oob]`).Length() != 1 {
					t.Error("no out-of-band flash")
				}
			} else if testenv.Testid(doc, "current-user").Length() != 1 {
				t.Error("plain form got a fragment, want the whole page")
			}
		})
	}
	t.Run("values kept after an error", func(t *testing.T) {
		_, doc := e.Post("/admin/personas", url.Values{"nombre": {"Bruno <b>"}, "email": {"malo"}})
		if v, _ := doc.Find(`input[name="nombre"]`).Attr("value"); v != "Bruno <b>" {
			t.Errorf("nombre = %q", v)
		}
	})
}

func TestAdminDeleteRestricted(t *testing.T) {
	e := testenv.Panel(t)
	e.Login()
	p := testenv.MustPerson(t, e.Store, "Ana", "ana@example.com")
	testenv.MustVehicle(t, e.Store, "XYZ987", p.ID)
	v := testenv.MustVehicle(t, e.Store, "ABC123", p.ID)
	testenv.MustOfficer(t, e.Store, "Laura", "B-1")
	testenv.MustInfraction(t, e.Store, "ABC123", "B-1", time.Now().Add(-time.Hour))
	free := testenv.MustPerson(t, e.Store, "Libre", "libre@example.com")

	cases := []struct {
		name, path, want string
	}{
		{"person with vehicles", "/admin/personas/" + fmt.Sprint(p.ID), "La persona tiene 2 vehículos: ABC123, XYZ987"},
		{"vehicle with infraction", "/admin/vehiculos/" + fmt.Sprint(v.ID), "El vehículo tiene 1 infracción registrada"},
		{"officer with infraction", "/admin/oficiales/1", "El oficial tiene 1 infracción registrada"},
		{"own admin account", "/admin/administradores/" + fmt.Sprint(e.Admin.ID), "No puede eliminar su propia cuenta"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, doc := e.Get(tc.path + "/eliminar")
			testenv.WantStatus(t, resp, http.StatusOK)
			if got := testenv.Testid(doc, "delete-blocked").Text(); !strings.Contains(got, tc.want) {
				t.Errorf("confirmation: %q, want %q", got, tc.want)
			}
			resp, doc = e.Post(tc.path+"/eliminar", nil)
			testenv.WantStatus(t, resp, http.StatusConflict)
			if got := testenv.Testid(doc, "delete-blocked").Text(); !strings.Contains(got, tc.want) {
				t.Errorf("after POST: %q, want %q", got, tc.want)
			}
		})
	}
	if _, err := e.Store.PersonByID(t.Context(), p.ID); err != nil {
		t.Fatal("blocked person was deleted")
	}
	t.Run("free person is deleted", func(t *testing.T) {
		_, doc := e.Get("/admin/personas/" + fmt.Sprint(free.ID) + "/eliminar")
		if testenv.Testid(doc, "confirm-delete").Length() != 1 {
			t.Fatal("no confirm button")
		}
		resp, _ := e.Post("/admin/personas/"+fmt.Sprint(free.ID)+"/eliminar", nil)
		testenv.WantStatus(t, resp, http.StatusSeeOther)
		if _, err := e.Store.PersonByID(t.Context(), free.ID); err == nil {
			t.Fatal("not deleted")
		}
		_, doc = e.Get("/admin/personas")
		if !strings.Contains(testenv.Testid(doc, "flash-ok").Text(), "eliminada") {
			t.Error("no flash after delete")
		}
	})
}

func TestAdminListPagingSortSearch(t *testing.T) {
	e := testenv.Panel(t)
	e.Login()
	for i := 1; i <= 30; i++ {
		testenv.MustPerson(t, e.Store, fmt.Sprintf("Persona %02d", i), fmt.Sprintf("p%02d@example.com", i))
	}
	testenv.MustPerson(t, e.Store, "Zulema Único", "zulema@example.com")
	cases := []struct {
		query     string
		page      string
		rows      int
		firstName string
		total     string
	}{
		{"", "1", 25, "Persona 01", "31"},
		{"pagina=0", "1", 25, "Persona 01", "31"},
		{"pagina=-3", "1", 25, "Persona 01", "31"},
		{"pagina=abc", "1", 25, "Persona 01", "31"},
		{"pagina=2", "2", 6, "Persona 26", "31"},
		{"pagina=999", "2", 6, "Persona 26", "31"},
		{"orden=-nombre", "1", 25, "Zulema Único", "31"},
		{"orden=email", "1", 25, "Persona 01", "31"},
		{"orden=inexistente", "1", 25, "Persona 01", "31"},
		{"q=zulema", "", 1, "Zulema Único", "1"},
		{"q=P0", "", 9, "Persona 01", "9"},
		{"q=nadie", "", 0, "", "0"},
		{"q=%25", "", 0, "", "0"},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			resp, doc := e.Get("/admin/personas?" + tc.query)
			testenv.WantStatus(t, resp, http.StatusOK)
			rows := testenv.Testid(doc, "row")
			if rows.Length() != tc.rows {
				t.Errorf("rows = %d, want %d", rows.Length(), tc.rows)
			}
			if got := rows.First().Find("td").First().Text(); strings.TrimSpace(got) != tc.firstName {
				t.Errorf("first = %q, want %q", got, tc.firstName)
			}
			if got := testenv.Testid(doc, "list-total-count").Text(); got != tc.total {
				t.Errorf("total = %q, want %q", got, tc.total)
			}
			if got := testenv.Testid(doc, "page-current").Text(); got != tc.page {
				t.Errorf("page = %q, want %q", got, tc.page)
			}
			if tc.rows == 0 && testenv.Testid(doc, "empty-state").Length() != 1 {
				t.Error("no empty state")
			}
		})
	}
	t.Run("sort link toggles", func(t *testing.T) {
		_, doc := e.Get("/admin/personas?orden=nombre")
		href, _ := testenv.Testid(doc, "sort-nombre").Attr("href")
		if !strings.Contains(href, "orden=-nombre") {
			t.Errorf("sort link = %q", href)
		}
	})
	t.Run("htmx search gets the results fragment", func(t *testing.T) {
		resp, doc := e.Get("/admin/personas?q=zulema", "HX-Request", "true", "HX-Target", "resultados")
		testenv.WantStatus(t, resp, http.StatusOK)
		if doc.Find("aside").Length() != 0 || doc.Find("#resultados").Length() != 1 {
			t.Error("want only #resultados")
		}
		if testenv.Testid(doc, "row").Length() != 1 {
			t.Error("fragment not filtered")
		}
	})
	t.Run("CSV export follows the filters", func(t *testing.T) {
		resp := e.Do(httptest.NewRequest(http.MethodGet, "/admin/personas?q=P0&orden=-nombre&formato=csv", nil))
		testenv.WantStatus(t, resp, http.StatusOK)
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
			t.Fatalf("Content-Type = %q", ct)
		}
		recs, err := csv.NewReader(resp.Body).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != 10 || recs[0][1] != "Nombre" || recs[1][1] != "Persona 09" {
			t.Errorf("csv = %v", recs)
		}
		// Every matching row, not only the page on screen.
		resp = e.Do(httptest.NewRequest(http.MethodGet, "/admin/personas?pagina=2&formato=csv", nil))
		recs, err = csv.NewReader(resp.Body).ReadAll()
		if err != nil || len(recs) != 32 {
			t.Errorf("csv of all persons: %d lines (%v), want 32", len(recs), err)
		}
	})
}

func TestAdminVehicleFiltersAndPicker(t *testing.T) {
	e := testenv.Panel(t)
	e.Login()
	ana := testenv.MustPerson(t, e.Store, "Ana Pérez", "ana@example.com")
	bruno := testenv.MustPerson(t, e.Store, "Bruno Díaz", "bruno@example.com")
	testenv.MustVehicle(t, e.Store, "AB123CD", ana.ID)
	if _, err := e.Store.CreateVehicle(t.Context(), rules.VehicleInput{Plate: "AC999ZZ", Brand: "Fiat", Color: "Azul", PersonID: bruno.ID}, testenv.Actor); err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string]int{"": 2, "q=ab-1": 1, "marca=fiat": 1, "color=ROJO": 1, "persona=" + fmt.Sprint(bruno.ID): 1, "q=A&marca=Ford&color=Azul": 0, "titular=BRUNO@example.com": 1, "titular=ana": 1, "titular=Díaz": 0} {
		_, doc := e.Get("/admin/vehiculos?" + q)
		if n := testenv.Testid(doc, "row").Length(); n != want {
			t.Errorf("%q: %d rows, want %d", q, n, want)
		}
	}
	resp, doc := e.Get("/admin/personas/buscar?persona_q=brun", "HX-Request", "true")
	testenv.WantStatus(t, resp, http.StatusOK)
	if n := testenv.Testid(doc, "person-option").Length(); n != 1 {
		t.Fatalf("picker options = %d", n)
	}
	// Without JavaScript: the search button re-renders the form with matches.
	resp, doc = e.Post("/admin/vehiculos", url.Values{"_accion": {"buscar"}, "persona_q": {"ana"}, "placa_patente": {"ZZ11"}})
	testenv.WantStatus(t, resp, http.StatusOK)
	if v, _ := testenv.Testid(doc, "person-option").Attr("value"); v != fmt.Sprint(ana.ID) {
		t.Fatalf("picker option = %q", v)
	}
	if v, _ := doc.Find(`input[name="placa_patente"]`).Attr("value"); v != "ZZ11" {
		t.Errorf("plate lost: %q", v)
	}
	resp, _ = e.Post("/admin/vehiculos", url.Values{"persona_id": {fmt.Sprint(ana.ID)}, "placa_patente": {"zz-11"}, "marca": {"Fiat"}, "color": {"Gris"}})
	testenv.WantStatus(t, resp, http.StatusSeeOther)
	_, doc = e.Get(resp.Header.Get("Location"))
	if got := testenv.Testid(doc, "page-title").Text(); got != "ZZ11" {
		t.Errorf("title = %q", got)
	}
	resp, doc = e.Post("/admin/vehiculos", url.Values{"persona_id": {fmt.Sprint(ana.ID)}, "placa_patente": {"ZZ 11"}, "marca": {"Fiat"}, "color": {"Gris"}})
	testenv.WantStatus(t, resp, http.StatusConflict)
	if got := testenv.Testid(doc, "error-placa_patente").Text(); !strings.Contains(got, "ya existe un vehículo con la patente ZZ11") {
		t.Errorf("conflict = %q", got)
	}
}

func TestAdminOfficerTokenLifecycle(t *testing.T) {
	e := testenv.Panel(t)
	e.Login()
	p := testenv.MustPerson(t, e.Store, "Ana", "ana@example.com")
	testenv.MustVehicle(t, e.Store, "AB123CD", p.ID)
	resp, _ := e.Post("/admin/oficiales", url.Values{"nombre": {"Laura Benítez"}, "numero": {"b-7"}, "activo": {"0", "1"}})
	testenv.WantStatus(t, resp, http.StatusSeeOther)
	loc := resp.Header.Get("Location")
	id := strings.TrimPrefix(loc, "/admin/oficiales/")

	resp, doc := e.Post(loc+"/token", nil, "HX-Request", "true")
	testenv.WantStatus(t, resp, http.StatusOK)
	token := testenv.Testid(doc, "new-token").Text()
	if !strings.HasPrefix(token, models.TokenPrefix) || testenv.Testid(doc, "copy-token").Length() != 1 {
		t.Fatalf("token = %q", token)
	}
	_, doc = e.Get(loc)
	if strings.Contains(doc.Text(), token) {
		t.Fatal("token shown again")
	}

	api := func() int {
		req := httptest.NewRequest(http.MethodPost, "/cargar_infraccion", strings.NewReader(`{"placa_patente":"AB-123-CD","comentarios":"Semáforo"}`))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		r, err := e.Server.App.Test(req, 10_000)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, r.Body)
		return r.StatusCode
	}
	if s := api(); s != http.StatusOK {
		t.Fatalf("API with new token: %d", s)
	}
	resp, _ = e.Post(loc+"/activo", url.Values{"activo": {"0"}})
	testenv.WantStatus(t, resp, http.StatusSeeOther)
	time.Sleep(2100 * time.Millisecond) // the token cache's TTL
	if s := api(); s != http.StatusForbidden {
		t.Fatalf("API with inactive officer: %d", s)
	}
	e.Post(loc+"/activo", url.Values{"activo": {"1"}})
	resp, _ = e.Post(loc+"/token/revocar", nil)
	testenv.WantStatus(t, resp, http.StatusOK)
	if s := api(); s != http.StatusUnauthorized {
		t.Fatalf("API with revoked token: %d", s)
	}
	_, doc = e.Get("/admin/oficiales?q=b-7")
	if testenv.Testid(doc, "row").Length() != 1 {
		t.Fatal("officer not listed")
	}
	_ = id
}

func TestAdminInfractionRegisterAndAnnul(t *testing.T) {
	e := testenv.Panel(t)
	e.Login()
	p := testenv.MustPerson(t, e.Store, "Ana", "ana@example.com")
	testenv.MustVehicle(t, e.Store, "AB123CD", p.ID)
	testenv.MustOfficer(t, e.Store, "Laura", "B-1")
	resp, _ := e.Post("/admin/infracciones", url.Values{"placa_patente": {"ab123cd"}, "oficial": {"b-1"}, "timestamp": {time.Now().Add(-time.Hour).UTC().Format("2006-01-02T15:04")}, "comentarios": {"Doble fila"}})
	testenv.WantStatus(t, resp, http.StatusSeeOther)
	loc := resp.Header.Get("Location")
	resp, doc := e.Post(loc+"/anular", url.Values{"motivo": {"  "}})
	testenv.WantStatus(t, resp, http.StatusUnprocessableEntity)
	if !strings.Contains(testenv.Testid(doc, "error-motivo").Text(), "obligatorio") {
		t.Errorf("error-motivo = %q", testenv.Testid(doc, "error-motivo").Text())
	}
	resp, _ = e.Post(loc+"/anular", url.Values{"motivo": {"Patente mal leída"}})
	testenv.WantStatus(t, resp, http.StatusSeeOther)
	_, doc = e.Get(loc)
	if !strings.Contains(testenv.Testid(doc, "void-reason").Text(), "Patente mal leída") || testenv.Testid(doc, "void-form").Length() != 0 {
		t.Error("annulment not shown")
	}
	for q, want := range map[string]int{"estado=anulada": 1, "estado=vigente": 0, "oficial=B-1": 1, "patente=AB123CD": 1, "desde=2000-01-01&hasta=2000-01-02": 0, "q=AB": 1} {
		_, doc := e.Get("/admin/infracciones?" + q)
		if n := testenv.Testid(doc, "row").Length(); n != want {
			t.Errorf("%s: %d rows, want %d", q, n, want)
		}
	}
	_, doc = e.Get("/admin")
	if got := testenv.Testid(doc, "total-infracciones").Text(); got != "1" {
		t.Errorf("dashboard total = %q", got)
	}
	if n := testenv.Testid(doc, "chart-bar").Length(); n != models.DashboardDays {
		t.Errorf("chart bars = %d", n)
	}
	_, doc = e.Get("/admin/auditoria?entidad=infraction")
	if n := testenv.Testid(doc, "row").Length(); n != 2 {
		t.Errorf("audit rows for infractions = %d, want 2 (create, annul)", n)
	}
}

func TestAdminImportPreviewThenConfirm(t *testing.T) {
	e := testenv.Panel(t)
	e.Login()
	upload := func(content string) (*http.Response, string) {
		resp, doc := e.Upload("/admin/importar", "archivo", "registro.csv", content)
		return resp, doc.Text()
	}
	bad := "nombre,email,placa_patente,marca,color\nAna,ana@example.com,AB123CD,Ford,Rojo\nBruno,no-es-correo,A,Fiat,Azul\n"
	resp, text := upload(bad)
	testenv.WantStatus(t, resp, http.StatusUnprocessableEntity)
	if !strings.Contains(text, "Línea 3") {
		t.Errorf("errors by line missing: %s", text)
	}
	good := "nombre,email,placa_patente,marca,color\nAna,ana@example.com,AB123CD,Ford,Rojo\nAna,ana@example.com,AC1,Fiat,Azul\n"
	resp, _ = upload(good)
	testenv.WantStatus(t, resp, http.StatusOK)
	if _, err := e.Store.PersonByEmail(t.Context(), "ana@example.com"); err == nil {
		t.Fatal("preview wrote data")
	}
	resp, _ = e.Post("/admin/importar/confirmar", nil)
	testenv.WantStatus(t, resp, http.StatusSeeOther)
	p, err := e.Store.PersonByEmail(t.Context(), "ana@example.com")
	if err != nil {
		t.Fatal("confirm did not import")
	}
	if vs, _ := e.Store.VehiclesOf(t.Context(), p.ID); len(vs) != 2 {
		t.Errorf("vehicles = %d", len(vs))
	}
	resp, _ = e.Post("/admin/importar/confirmar", nil)
	testenv.WantStatus(t, resp, http.StatusSeeOther)
	if resp.Header.Get("Location") != "/admin/importar" {
		t.Error("second confirm should say the preview expired")
	}
}

func TestAdminInfractionListPagingAndSorts(t *testing.T) {
	e := testenv.Panel(t)
	e.Login()
	p := testenv.MustPerson(t, e.Store, "Ana", "ana@example.com")
	testenv.MustVehicle(t, e.Store, "BB222BB", p.ID)
	testenv.MustVehicle(t, e.Store, "AA111AA", p.ID)
	testenv.MustOfficer(t, e.Store, "Zoe", "Z-1")
	testenv.MustOfficer(t, e.Store, "Abel", "A-1")
	base := time.Now().Add(-48 * time.Hour)
	for i := range 30 {
		plate, badge := "BB222BB", "Z-1"
		if i%3 == 0 {
			plate, badge = "AA111AA", "A-1"
		}
		testenv.MustInfraction(t, e.Store, plate, badge, base.Add(time.Duration(i)*time.Minute))
	}
	cases := []struct {
		query, page, firstPlate, firstOfficer string
		rows                                  int
	}{
		{"", "1", "BB222BB", "Zoe", 25},
		{"pagina=99", "2", "BB222BB", "Zoe", 5},
		{"pagina=x", "1", "BB222BB", "Zoe", 25},
		{"orden=patente", "1", "AA111AA", "Abel", 25},
		{"orden=-patente", "1", "BB222BB", "Zoe", 25},
		{"orden=oficial", "1", "AA111AA", "Abel", 25},
		{"orden=-oficial&pagina=2", "2", "AA111AA", "Abel", 5},
		{"orden=fecha", "1", "AA111AA", "Abel", 25},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			_, doc := e.Get("/admin/infracciones?" + tc.query)
			rows := testenv.Testid(doc, "row")
			if rows.Length() != tc.rows {
				t.Fatalf("rows = %d, want %d", rows.Length(), tc.rows)
			}
			cells := rows.First().Find("td")
			if got := strings.TrimSpace(cells.Eq(1).Text()); got != tc.firstPlate {
				t.Errorf("first plate = %q, want %q", got, tc.firstPlate)
			}
			if got := cells.Eq(3).Text(); !strings.HasPrefix(strings.TrimSpace(got), tc.firstOfficer) {
				t.Errorf("first officer = %q, want %q", got, tc.firstOfficer)
			}
			if got := testenv.Testid(doc, "page-current").Text(); got != tc.page {
				t.Errorf("page = %q, want %q", got, tc.page)
			}
			if got := testenv.Testid(doc, "list-total-count").Text(); got != "30" {
				t.Errorf("total = %q", got)
			}
		})
	}
}

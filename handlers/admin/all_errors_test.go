package admin_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"transito/internal/testenv"
	"transito/models"
	"transito/models/rules"
)

// A form answers every field error at once — its own fields and what the
// write would meet (taken e-mail or plate, unknown plate or officer) —
// each input aria-invalid with its message, under one banner.
func TestAllFieldErrorsAtOnce(t *testing.T) {
	e := testenv.Panel(t)
	e.Login()
	ana := testenv.MustPerson(t, e.Store, "Ana", "ana@example.com")
	testenv.MustVehicle(t, e.Store, "AB123CD", ana.ID)
	cases := []struct {
		name, path string
		form       url.Values
		fields     map[string]string
	}{
		{"person: empty name, e-mail taken", "/admin/personas", url.Values{"nombre": {""}, "email": {"ANA@example.com"}},
			map[string]string{"nombre": "obligatorio", "email": "ya existe otra persona con el correo ana@example.com"}},
		{"vehicle: plate taken, no owner", "/admin/vehiculos", url.Values{"placa_patente": {"ab-123-cd"}, "marca": {"Ford"}, "color": {"Rojo"}},
			map[string]string{"placa_patente": "ya existe un vehículo con la patente AB123CD", "persona_id": "elija el titular"}},
		{"infraction: three errors in one submit", "/admin/infracciones", url.Values{"placa_patente": {"ZZ999ZZ"}, "oficial": {"NADIE"}, "timestamp": {"ayer"}},
			map[string]string{"placa_patente": "no hay ningún vehículo", "oficial": "no hay ningún oficial", "timestamp": "formato"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, htmx := range []bool{false, true} {
				var h []string
				if htmx {
					h = []string{"HX-Request", "true"}
				}
				resp, doc := e.Post(tc.path, tc.form, h...)
				if resp.StatusCode != 422 && resp.StatusCode != 409 {
					t.Errorf("status %d", resp.StatusCode)
				}
				for field, want := range tc.fields {
					if got := testenv.Testid(doc, "error-"+field).Text(); !strings.Contains(got, want) {
						t.Errorf("htmx=%v: error-%s = %q, want %q", htmx, field, got, want)
					}
					if field == "persona_id" {
						continue // a group of radios (none when nobody was searched): the message is the fieldset's
					}
					if v, _ := doc.Find(`[name="` + field + `"][aria-invalid="true"]`).Attr("aria-describedby"); v != "e-"+field {
						t.Errorf("htmx=%v: %s is not aria-invalid with its message", htmx, field)
					}
				}
				if n := testenv.Testid(doc, "form-error").Length(); n != 1 {
					t.Errorf("htmx=%v: %d error banners, want 1", htmx, n)
				}
			}
		})
	}
}

// The infraction list's bulk annulment: checked rows, a confirmation that
// names how many, one reason for all, all or nothing (the page says which
// one failed and why); a plain form.
func TestBulkAnnul(t *testing.T) {
	e := testenv.Panel(t)
	e.Login()
	ana := testenv.MustPerson(t, e.Store, "Ana", "ana@example.com")
	testenv.MustVehicle(t, e.Store, "AB123CD", ana.ID)
	testenv.MustOfficer(t, e.Store, "Laura", "X1")
	at := time.Now().Add(-time.Hour)
	a := testenv.MustInfraction(t, e.Store, "AB123CD", "X1", at)
	b := testenv.MustInfraction(t, e.Store, "AB123CD", "X1", at.Add(-time.Minute))
	done := testenv.MustInfraction(t, e.Store, "AB123CD", "X1", at.Add(-2*time.Minute))
	if err := e.Store.VoidInfraction(context.Background(), done, "duplicada", testenv.Actor); err != nil {
		t.Fatal(err)
	}
	_, doc := e.Get("/admin/infracciones")
	if n := testenv.Testid(doc, "row-check").Length(); n != 3 {
		t.Fatalf("%d row checkboxes, want 3", n)
	}
	action, _ := testenv.Testid(doc, "bulk-annul").Attr("formaction")
	ids := url.Values{"ids": {itoa(a), itoa(b), itoa(done)}, "paso": {"confirmar"}}
	resp, doc := e.Post(action, ids)
	testenv.WantStatus(t, resp, 200)
	if got := testenv.Testid(doc, "bulk-count").Text(); !strings.Contains(got, "3 infracciones") {
		t.Errorf("confirmation = %q", got)
	}
	ids.Set("paso", "anular")
	resp, doc = e.Post(action, ids)
	testenv.WantStatus(t, resp, 422)
	if testenv.Testid(doc, "error-motivo").Length() != 1 {
		t.Error("no reason error")
	}
	ids.Set("motivo", "Lote cargado dos veces")
	resp, doc = e.Post(action, ids)
	testenv.WantStatus(t, resp, 409)
	if got := testenv.Testid(doc, "form-error").Text(); !strings.Contains(got, "No se anuló ninguna") || !strings.Contains(got, "n.º "+itoa(done)) || !strings.Contains(got, "ya estaba anulada") {
		t.Errorf("problem = %q", got)
	}
	for _, id := range []int64{a, b} {
		if i, _ := e.Store.InfractionByID(context.Background(), id); i.Status != models.StatusValid {
			t.Errorf("infraction %d is %s after a refused batch", id, i.Status)
		}
	}
	ids["ids"] = []string{itoa(a), itoa(b)}
	resp, _ = e.Post(action, ids)
	testenv.WantStatus(t, resp, 303)
	for _, id := range []int64{a, b} {
		if i, _ := e.Store.InfractionByID(context.Background(), id); i.Status != models.StatusVoided || i.VoidReason != "Lote cargado dos veces" {
			t.Errorf("infraction %d: %s %q", id, i.Status, i.VoidReason)
		}
	}
	// An operador sees the checkboxes (to export) but no annulment, and
	// may not post.
	testenv.MustAdmin(t, e.Store, "opera", rules.RoleOperador)
	o := e.Env.Client()
	o.LoginAs("opera", testenv.Password)
	_, doc = o.Get("/admin/infracciones")
	if testenv.Testid(doc, "row-check").Length() == 0 || testenv.Testid(doc, "bulk-annul").Length() != 0 {
		t.Error("an operador's list: checkboxes to export, no annulment")
	}
	resp, _ = o.Post(action, ids)
	testenv.WantStatus(t, resp, 403)
}

// The other forms of the panel answer every field error at once too: their
// own fields and what the write would meet (a taken badge, username or
// code; a wrong current password), each input aria-invalid with its
// message, under one banner. want "" is any message.
func TestAllFieldErrorsEveryForm(t *testing.T) {
	e := testenv.Panel(t, testenv.WithRegistry(), testenv.WithCatalogue())
	e.Login()
	ctx := context.Background()
	other := testenv.MustOfficer(t, e.Store, "Laura", "X1")
	types, err := e.Store.ListInfractionTypes(ctx, models.ListQuery{Q: "E05"})
	if err != nil || len(types.Items) != 1 {
		t.Fatal(types, err)
	}
	typ := types.Items[0]
	fine, err := e.Store.CreateInfraction(ctx, rules.InfractionInput{Plate: "AB123CD", Badge: "B1", Code: "T01", OccurredAt: time.Now().Add(-time.Hour)}, models.CLIActor)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, path string
		form       url.Values
		fields     map[string]string
	}{
		{"officer: empty name, badge taken", "/admin/oficiales", url.Values{"nombre": {" "}, "numero": {"b1"}, "activo": {"1"}},
			map[string]string{"nombre": "obligatorio", "numero": "ya existe un oficial con el número B1"}},
		{"officer edit: empty name, badge taken", "/admin/oficiales/" + itoa(other.ID), url.Values{"nombre": {""}, "numero": {"B1"}},
			map[string]string{"nombre": "obligatorio", "numero": "ya existe un oficial con el número B1"}},
		{"administrator: username taken, short password, unknown role", "/admin/administradores", url.Values{"usuario": {"admin"}, "clave": {"corta"}, "rol": {"jefe"}},
			map[string]string{"usuario": "ya existe un administrador «admin»", "clave": "al menos", "rol": ""}},
		{"catalogue: code taken, no description, bad units", "/admin/catalogo", url.Values{"codigo": {"t01"}, "descripcion": {""}, "gravedad": {"leve"}, "unidades": {"-5"}, "puntos": {"0"}, "activo": {"1"}},
			map[string]string{"codigo": "ya existe un tipo con el código T01", "descripcion": "", "unidades": ""}},
		{"catalogue edit: code taken, no description", "/admin/catalogo/" + itoa(typ.ID), url.Values{"codigo": {"T01"}, "descripcion": {""}, "gravedad": {"leve"}, "unidades": {"10"}, "puntos": {"0"}, "activo": {"1"}},
			map[string]string{"codigo": "ya existe un tipo con el código T01", "descripcion": ""}},
		{"deadlines: two bad values", "/admin/tarifas", url.Values{"descuento_pct": {"150"}, "vencimiento_dias": {"-3"}},
			map[string]string{"descuento_pct": "", "vencimiento_dias": ""}},
		{"unit value: bad date, bad amount", "/admin/tarifas/unidad", url.Values{"desde": {"ayer"}, "valor": {"mucho"}},
			map[string]string{"desde": "", "valor": ""}},
		{"payment: bad amount, method, date", "/admin/infracciones/" + itoa(fine) + "/pago", url.Values{"importe": {"abc"}, "metodo": {"trueque"}, "pagado_en": {"mañana"}},
			map[string]string{"importe": "", "metodo": "", "pagado_en": ""}},
		{"password: wrong current, short new", "/admin/cuenta", url.Values{"clave_actual": {"otra-cosa-123"}, "clave": {"corta"}},
			map[string]string{"clave_actual": "no es correcta", "clave": "al menos"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, htmx := range []bool{false, true} {
				var h []string
				if htmx {
					h = []string{"HX-Request", "true"}
				}
				resp, doc := e.Post(tc.path, tc.form, h...)
				if resp.StatusCode != 422 && resp.StatusCode != 409 {
					t.Errorf("htmx=%v: status %d", htmx, resp.StatusCode)
				}
				for field, want := range tc.fields {
					if got := testenv.Testid(doc, "error-"+field).Text(); got == "" || !strings.Contains(got, want) {
						t.Errorf("htmx=%v: error-%s = %q, want %q", htmx, field, got, want)
					}
					if v, _ := doc.Find(`[name="` + field + `"][aria-invalid="true"]`).Attr("aria-describedby"); v != "e-"+field {
						t.Errorf("htmx=%v: %s is not aria-invalid with its message", htmx, field)
					}
				}
				if n := testenv.Testid(doc, "form-error").Length(); n != 1 {
					t.Errorf("htmx=%v: %d error banners, want 1", htmx, n)
				}
			}
		})
	}
}

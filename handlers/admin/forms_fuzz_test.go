package admin_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"

	"transito/handlers/web"
	"transito/internal/testenv"
	"transito/models"
	"transito/models/rules"
)

// panelForm is one form of the panel: where it posts and which fields the
// fuzzer fills (a, b, c in order).
type panelForm struct {
	path   string
	fields []string
	extra  url.Values
}

// fuzzPanel is a logged-in panel with one record of each kind.
type fuzzPanel struct {
	*testenv.Client
	forms []panelForm
}

func newFuzzPanel(f *testing.F) *fuzzPanel {
	e := testenv.Panel(f, testenv.WithCatalogue())
	ctx := context.Background()
	p, err := e.Store.CreatePerson(ctx, rules.PersonInput{Name: "Ana", Email: "ana@example.com"}, testenv.Actor)
	if err != nil {
		f.Fatal(err)
	}
	v, err := e.Store.CreateVehicle(ctx, rules.VehicleInput{Plate: "AB123", Brand: "Fiat", Color: "Rojo", PersonID: p.ID}, testenv.Actor)
	if err != nil {
		f.Fatal(err)
	}
	o, err := e.Store.CreateOfficer(ctx, rules.OfficerInput{Name: "Oficial", Badge: "B1", Active: true}, testenv.Actor)
	if err != nil {
		f.Fatal(err)
	}
	inf, err := e.Store.CreateInfraction(ctx, rules.InfractionInput{Plate: v.Plate, Badge: o.Badge, OccurredAt: time.Now().Add(-time.Hour)}, testenv.Actor)
	if err != nil {
		f.Fatal(err)
	}
	issued, err := e.Store.CreateInfraction(ctx, rules.InfractionInput{Plate: v.Plate, Badge: o.Badge, OccurredAt: time.Now().Add(-time.Hour), Code: "E05"}, testenv.Actor)
	if err != nil {
		f.Fatal(err)
	}
	types, err := e.Store.ListInfractionTypes(ctx, models.ListQuery{})
	if err != nil || len(types.Items) == 0 {
		f.Fatal(types, err)
	}
	e.Login()
	pid, vid, oid := fmt.Sprint(p.ID), fmt.Sprint(v.ID), fmt.Sprint(o.ID)
	settings := url.Values{"descuento_dias": {"20"}, "vencimiento_dias": {"60"}, "descargo_pierde_descuento": {"1"}, "descargo_prorroga_dias": {"15"},
		"prescripcion_anios_leve": {"2"}, "prescripcion_anios_grave": {"5"}, "prescripcion_anios_gravisima": {"5"}}
	typeExtra := url.Values{"gravedad": {"leve"}, "puntos": {"0"}, "activo": {"1"}}
	return &fuzzPanel{Client: e, forms: []panelForm{
		{path: "/admin/personas", fields: []string{"nombre", "email"}},
		{path: "/admin/personas/" + pid, fields: []string{"nombre", "email"}},
		{path: "/admin/vehiculos", fields: []string{"placa_patente", "marca", "color"}, extra: url.Values{"persona_id": {pid}}},
		{path: "/admin/vehiculos/" + vid, fields: []string{"placa_patente", "marca", "color"}, extra: url.Values{"persona_id": {pid}}},
		{path: "/admin/vehiculos", fields: []string{"persona_id", "persona_q", "placa_patente"}},
		{path: "/admin/oficiales", fields: []string{"nombre", "numero"}},
		{path: "/admin/oficiales/" + oid, fields: []string{"nombre", "numero"}},
		{path: "/admin/infracciones", fields: []string{"placa_patente", "comentarios", "timestamp"}, extra: url.Values{"oficial": {"B1"}}},
		{path: "/admin/infracciones", fields: []string{"oficial", "timestamp", "comentarios"}, extra: url.Values{"placa_patente": {"AB123"}}},
		{path: "/admin/infracciones/" + fmt.Sprint(inf) + "/anular", fields: []string{"motivo"}},
		{path: "/admin/personas", fields: []string{"documento", "nombre", "email"}},
		{path: "/admin/infracciones/" + fmt.Sprint(inf) + "/tipificar", fields: []string{"codigo"}},
		{path: "/admin/infracciones/" + fmt.Sprint(issued) + "/pago", fields: []string{"importe", "referencia", "pagado_en"}, extra: url.Values{"metodo": {"efectivo"}}},
		{path: "/admin/catalogo", fields: []string{"codigo", "descripcion", "unidades"}, extra: typeExtra},
		{path: "/admin/catalogo/" + fmt.Sprint(types.Items[0].ID), fields: []string{"referencia_legal", "unidades", "puntos"},
			extra: url.Values{"codigo": {types.Items[0].Code}, "descripcion": {"Descripción"}, "gravedad": {"grave"}}},
		{path: "/admin/tarifas/unidad", fields: []string{"desde", "valor"}},
		{path: "/admin/tarifas", fields: []string{"descuento_pct", "recargo_pct", "descargo_pierde_descuento"}, extra: settings},
	}}
}

func (fp *fuzzPanel) auditTotal(t *testing.T) int {
	res, err := fp.Store.ListAudit(context.Background(), models.ListQuery{}, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	return res.Total
}

// checkPosted fails t unless a form's answer is one of: 303 with an audited
// write, or the form again (200, or 422/409 with a message on it) with
// nothing written. audited is how many audit entries the post added.
func checkPosted(t *testing.T, path string, values url.Values, resp *http.Response, doc *goquery.Document, audited int) {
	t.Helper()
	switch resp.StatusCode {
	case http.StatusSeeOther:
		if audited == 0 {
			t.Fatalf("POST %s %q: 303 without an audited write", path, values)
		}
	case http.StatusOK, http.StatusUnprocessableEntity, http.StatusConflict:
		if audited != 0 {
			t.Fatalf("POST %s %q: refused (%d) but %d audit entries written", path, values, resp.StatusCode, audited)
		}
		msg := strings.TrimSpace(doc.Find(`[data-testid^="error-"]`).Text() + testenv.Testid(doc, "form-error").Text())
		if resp.StatusCode != http.StatusOK && msg == "" {
			t.Fatalf("POST %s %q: %d without a message on the form", path, values, resp.StatusCode)
		}
	default:
		t.Fatalf("POST %s %q: unexpected status %d", path, values, resp.StatusCode)
	}
}

// cleanStored reports whether text read back from the database is what the
// validators allow: valid UTF-8 without control characters but newlines.
func cleanStored(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' {
			return false
		}
	}
	return true
}

var fuzzSeeds = [][3]string{
	{"María José Ñúñez", "maria@example.com", "Rojo"},
	{"محمد عبد الله", "rtl@example.com", "أحمر"},
	{"Conductor 🚗💨", "emoji@example.com", "🚓"},
	{"nul\x00byte", "nul@example.com\x00", "a\x00"},
	{"\xff\xfeinválido", "\xc3\x28@example.com", "\xed\xa0\x80"},
	{"<img src=x onerror=window.__xss=1>", "x@example.com", "<script>alert(1)</script>"},
	{"ＡＢ１２３", "АВ123", "AB-123"},
	{"' OR 1=1 --", "'; DROP TABLE persons; --", "%"},
	{"", "", ""},
	{"   ", " \t ", "\n"},
	{strings.Repeat("x", 201), strings.Repeat("y", 61), strings.Repeat("z", 2001)},
	{"2024-05-01 14:30", "1714584600", "2999-01-01T00:00:00Z"},
	{"99999999999999999999", "-1", "0"},
	{"línea\nnueva", "tab\there", "\u202egnp.exe"},
	{"\u200bAB\u00ad123", "ab 123", "A\u2013B\u2014123"},
}

// FuzzPanelForms posts arbitrary text into every field of the panel's
// forms. Whatever comes in: no 5xx, and either the write is refused with a
// message on the form and nothing written, or it is stored clean.
func FuzzPanelForms(f *testing.F) {
	fp := newFuzzPanel(f)
	for i, s := range fuzzSeeds {
		for form := range fp.forms {
			if (i+form)%3 == 0 || i < 4 {
				f.Add(uint8(form), s[0], s[1], s[2])
			}
		}
	}
	// The manual infraction form with odd bytes in one field and the others
	// valid, so that the odd one reaches the store: a NUL in the officer's
	// number once reached the SQL text (a 500).
	for i, form := range fp.forms {
		switch strings.Join(form.fields, ",") {
		case "oficial,timestamp,comentarios":
			for _, badge := range []string{"B1\x00", "\x00", "B1\xff", "B\x001", "b1\u0007", "' OR 1=1 --", "B1\u202e", strings.Repeat("B", 300)} {
				f.Add(uint8(i), badge, "2024-05-01 14:30", "comentario")
			}
		case "placa_patente,comentarios,timestamp":
			for _, plate := range []string{"AB123\x00", "AB\x00123", "AB123\xff", "ab-123"} {
				f.Add(uint8(i), plate, "a\x00b", "2024-05-01 14:30")
				f.Add(uint8(i), plate, "ok", "1714584600")
			}
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, a, b, c string) {
		fp.T = t
		form := fp.forms[int(which)%len(fp.forms)]
		values := url.Values{}
		for k, v := range form.extra {
			values[k] = v
		}
		for i, v := range []string{a, b, c}[:min(3, len(form.fields))] {
			values.Set(form.fields[i], v)
		}
		before := fp.auditTotal(t)
		resp, doc := fp.Post(form.path, values)
		checkPosted(t, form.path, values, resp, doc, fp.auditTotal(t)-before)
		persons, err := fp.Store.ListPersons(context.Background(), models.ListQuery{PerPage: 1000})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range persons.Items {
			if !cleanStored(p.Name) || !rules.ValidEmail(p.Email) {
				t.Fatalf("stored person %q <%q>", p.Name, p.Email)
			}
		}
		vehicles, err := fp.Store.ListVehicles(context.Background(), models.ListQuery{PerPage: 1000})
		if err != nil {
			t.Fatal(err)
		}
		plates := map[string]bool{}
		for _, v := range vehicles.Items {
			if !rules.ValidPlate(v.Plate) || plates[v.Plate] || !cleanStored(v.Brand) || !cleanStored(v.Color) {
				t.Fatalf("stored vehicle %+v", v.Vehicle)
			}
			plates[v.Plate] = true
		}
	})
}

// FuzzPublicLookup sends arbitrary text as the citizen's e-mail to the page
// and to the report API: never a 5xx, and a refusal names the field.
func FuzzPublicLookup(f *testing.F) {
	e := testenv.Panel(f)
	if _, err := e.Store.CreatePerson(context.Background(), rules.PersonInput{Name: "Ana", Email: "ana@example.com"}, testenv.Actor); err != nil {
		f.Fatal(err)
	}
	for _, s := range fuzzSeeds {
		f.Add(s[0])
		f.Add(s[1])
	}
	f.Add("ana@example.com")
	f.Add(" ANA@Example.com ")
	f.Fuzz(func(t *testing.T, email string) {
		e.T = t
		q := "?email=" + url.QueryEscape(email)
		resp, doc := e.Get("/consulta"+q, "Accept", "text/html")
		switch resp.StatusCode {
		case 200, 404, 400, 422:
		default:
			t.Fatalf("/consulta%s: %d", q, resp.StatusCode)
		}
		if resp.StatusCode == 400 || resp.StatusCode == 422 {
			if msg := testenv.Testid(doc, "state-invalid").Text(); !strings.Contains(msg, "orreo") {
				t.Fatalf("/consulta%s: %d with message %q, want one naming the e-mail", q, resp.StatusCode, msg)
			}
		}
		resp, doc = e.Get("/generar_informe" + q)
		switch resp.StatusCode {
		case 200, 404:
		case 400:
			var p web.Problem
			if err := json.Unmarshal([]byte(doc.Text()), &p); err != nil || p.Errors["email"] == "" {
				t.Fatalf("/generar_informe%s: 400 %+v %v, want errors.email", q, p, err)
			}
		default:
			t.Fatalf("/generar_informe%s: %d", q, resp.StatusCode)
		}
	})
}

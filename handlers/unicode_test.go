package handlers_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"transito/handlers"
	"transito/internal/testenv"
	"transito/models"
)

// TestLookalikePlatesAreNeverStoredTwice tries spellings of an existing
// plate through the panel, the import and the API: full-width, lower case,
// dashes and invisible characters collapse to the same plate; Cyrillic or
// Greek letters are refused with a message naming the plate.
func TestLookalikePlatesAreNeverStoredTwice(t *testing.T) {
	e := testenv.Panel(t)
	e.Login()
	ana := testenv.MustPerson(t, e.Store, "Ana", "ana@example.com")
	bea := testenv.MustPerson(t, e.Store, "Bea", "bea@example.com")
	testenv.MustVehicle(t, e.Store, "AB123", ana.ID)
	same := []string{"ＡＢ１２３", "ab-123", "A\u200bB\u00ad123", "A\u2013B 123", "ａｂ１２３"}
	foreign := []string{"АВ123" /* Cyrillic */, "ΑΒ123" /* Greek */, "AB１２３\u0301", "AB123\x00", "\xffAB123"}
	pid := fmt.Sprint(bea.ID)
	for _, p := range same {
		resp, doc := e.Post("/admin/vehiculos", url.Values{"placa_patente": {p}, "marca": {"Fiat"}, "color": {"Rojo"}, "persona_id": {pid}})
		if resp.StatusCode != http.StatusConflict || !strings.Contains(testenv.Testid(doc, "error-placa_patente").Text()+testenv.Testid(doc, "form-error").Text(), "AB123") {
			t.Errorf("panel %q: %d %q, want 409 naming AB123", p, resp.StatusCode, testenv.Testid(doc, "error-placa_patente").Text())
		}
	}
	for _, p := range foreign {
		resp, doc := e.Post("/admin/vehiculos", url.Values{"placa_patente": {p}, "marca": {"Fiat"}, "color": {"Rojo"}, "persona_id": {pid}})
		if resp.StatusCode != http.StatusUnprocessableEntity || testenv.Testid(doc, "error-placa_patente").Text() == "" {
			t.Errorf("panel %q: %d, want 422 with a message on the plate", p, resp.StatusCode)
		}
	}
	for _, p := range same {
		csv := "nombre,email,placa_patente,marca,color\nBea,bea@example.com," + p + ",Fiat,Rojo\n"
		if _, err := e.Store.Import(context.Background(), strings.NewReader(csv), models.CLIActor, false); err != nil {
			t.Errorf("import %q: %v", p, err)
		}
	}
	for _, p := range foreign {
		csv := "nombre,email,placa_patente,marca,color\nBea,bea@example.com," + p + ",Fiat,Rojo\n"
		_, err := e.Store.Import(context.Background(), strings.NewReader(csv), models.CLIActor, false)
		var bad *models.ImportInvalidError
		if !errors.As(err, &bad) || len(bad.Errors) == 0 || bad.Errors[0].Field != "placa_patente" || bad.Errors[0].Line != 2 {
			t.Errorf("import %q: %v, want a refusal of line 2, placa_patente", p, err)
		}
	}
	res, err := e.Store.ListVehicles(context.Background(), models.ListQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 1 || res.Items[0].Plate != "AB123" || res.Items[0].OwnerEmail != "bea@example.com" {
		t.Fatalf("vehicles %+v: want AB123 once, moved to Bea by the import", res.Items)
	}
}

func TestLookalikePlatesThroughTheAPI(t *testing.T) {
	env := testenv.API(t, handlers.Config{})
	before := env.CountInfractions(t)
	for _, p := range []string{"ＡＢ１２３ＣＤ", "ab-123-cd", "A\u200bB123CD"} {
		resp, body := env.Send(t, "POST", "/cargar_infraccion", env.Token, `{"placa_patente":"`+p+`"}`)
		var got struct {
			Placa string `json:"placa_patente"`
		}
		if resp.StatusCode != 200 || json.Unmarshal(body, &got) != nil || got.Placa != "AB123CD" {
			t.Errorf("%q: %d %s, want 200 on AB123CD", p, resp.StatusCode, body)
		}
	}
	for _, p := range []string{"АВ123CD", "ΑΒ123CD"} {
		if resp, body := env.Send(t, "POST", "/cargar_infraccion", env.Token, `{"placa_patente":"`+p+`"}`); resp.StatusCode != 404 && resp.StatusCode != 400 {
			t.Errorf("%q: %d %s, want 404 (no such vehicle) or 400", p, resp.StatusCode, body)
		}
	}
	if n := env.CountInfractions(t); n != before+3 {
		t.Fatalf("%d infractions, want %d", n, before+3)
	}
}

// unicodeText is text a person may legitimately type: accents, emoji,
// right-to-left script, combining marks.
var unicodeText = []string{"María José Ñúñez", "Conductor 🚗💨 🇦🇷", "محمد عبد الله", "שלום עולם", "e\u0301 combinada", "\u202eRLO"}

// TestUnicodeStoredAndShownFaithfully sends accented, emoji and RTL text
// through the panel, the import and the API and reads it back on the pages
// and the report; NUL bytes and invalid UTF-8 are refused, naming the field.
func TestUnicodeStoredAndShownFaithfully(t *testing.T) {
	e := testenv.Panel(t)
	e.Login()
	for i, name := range unicodeText {
		email := "u" + fmt.Sprint(int64(i)) + "@example.com"
		resp, _ := e.Post("/admin/personas", url.Values{"nombre": {name}, "email": {email}})
		testenv.WantStatus(t, resp, http.StatusSeeOther)
		_, doc := e.Get(resp.Header.Get("Location"))
		if got := doc.Find(`input[name="nombre"]`).AttrOr("value", ""); got != name {
			t.Errorf("person name shown as %q, want %q", got, name)
		}
		p, err := e.Store.PersonByEmail(context.Background(), email)
		if err != nil || p.Name != name {
			t.Errorf("person stored as %+v (%v), want %q", p, err, name)
		}
	}
	for _, bad := range []string{"Ana\x00", "Ana\xff", "Ana\u0007", "Ana\nBea"} {
		resp, doc := e.Post("/admin/personas", url.Values{"nombre": {bad}, "email": {"malo@example.com"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || testenv.Testid(doc, "error-nombre").Text() == "" {
			t.Errorf("panel name %q: %d, want 422 with a message on nombre", bad, resp.StatusCode)
		}
		csv := "nombre,email,placa_patente,marca,color\n" + bad + ",malo@example.com,ZZ111,Fiat,Rojo\n"
		if bad == "Ana\nBea" {
			csv = "nombre,email,placa_patente,marca,color\n\"" + bad + "\",malo@example.com,ZZ111,Fiat,Rojo\n"
		}
		_, err := e.Store.Import(context.Background(), strings.NewReader(csv), models.CLIActor, false)
		var ie *models.ImportInvalidError
		if !errors.As(err, &ie) || len(ie.Errors) == 0 || ie.Errors[0].Field != "nombre" {
			t.Errorf("import name %q: %v, want a refusal naming nombre (the panel and the import must agree)", bad, err)
		}
	}
	if _, err := e.Store.PersonByEmail(context.Background(), "malo@example.com"); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("a refused person was stored: %v", err)
	}

	env := testenv.API(t, handlers.Config{})
	for _, c := range unicodeText {
		if resp, body := env.Send(t, "POST", "/cargar_infraccion", env.Token, `{"placa_patente":"CC111CC","comentarios":`+jsonString(c)+`}`); resp.StatusCode != 200 {
			t.Fatalf("comments %q: %d %s", c, resp.StatusCode, body)
		}
	}
	for _, bad := range []string{`"a\u0000b"`, "\"a\xffb\"", `"a\u0007b"`} {
		resp, body := env.Send(t, "POST", "/cargar_infraccion", env.Token, `{"placa_patente":"CC111CC","comentarios":`+bad+`}`)
		p := testenv.DecodeProblem(t, resp, body)
		// Invalid UTF-8 is refused for the whole body, before fields exist.
		if resp.StatusCode != 400 || p.Errors["comentarios"] == "" && !strings.Contains(p.Detail, "UTF-8") {
			t.Errorf("comments %s: %d %s, want 400 naming comentarios", bad, resp.StatusCode, body)
		}
	}
	resp, body := env.Send(t, "GET", "/generar_informe?email=carla@example.com", "", "")
	var rows []struct {
		Comentarios string `json:"comentarios"`
	}
	if resp.StatusCode != 200 || json.Unmarshal(body, &rows) != nil || len(rows) != len(unicodeText) {
		t.Fatalf("report: %d %s", resp.StatusCode, body)
	}
	seen := map[string]bool{}
	for _, r := range rows {
		seen[r.Comentarios] = true
	}
	for _, c := range unicodeText {
		if !seen[c] {
			t.Errorf("comments %q not in the report as sent", c)
		}
	}
	req, _ := http.NewRequest("GET", "/consulta?email=carla@example.com", nil)
	req.Header.Set("Accept", "text/html")
	r, err := env.Server.App.Test(req)
	if err != nil {
		t.Fatal(err)
	}
	page := new(strings.Builder)
	buf := make([]byte, 32<<10)
	for {
		n, err := r.Body.Read(buf)
		page.Write(buf[:n])
		if err != nil {
			break
		}
	}
	for _, c := range unicodeText {
		if !strings.Contains(page.String(), htmlEscape(c)) {
			t.Errorf("comments %q not shown on the public page", c)
		}
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(s)
}

package portal_test

import (
	"net/http"
	"strings"
	"testing"

	"transito/handlers"
	"transito/internal/testenv"
)

func TestHomeShowsTheLookupForm(t *testing.T) {
	e := testenv.Demo(t, handlers.Config{})
	resp, body := e.GetBody("/")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	doc := testenv.ParseHTML(t, body)
	form := testenv.Testid(doc, "lookup-form")
	if form.Length() != 1 {
		t.Fatalf("want one lookup form, got %d", form.Length())
	}
	for attr, want := range map[string]string{"action": "/consulta", "method": "get", "hx-get": "/consulta", "hx-target": "#resultado"} {
		if got, _ := form.Attr(attr); got != want {
			t.Errorf("form %s = %q, want %q", attr, got, want)
		}
	}
	input := testenv.Testid(doc, "lookup-email")
	id, _ := input.Attr("id")
	if name, _ := input.Attr("name"); name != "email" || id == "" {
		t.Errorf("input name=%q id=%q", name, id)
	}
	if doc.Find(`label[for="`+id+`"]`).Length() != 1 {
		t.Error("the e-mail input has no label")
	}
	region := testenv.Testid(doc, "lookup-region")
	if live, _ := region.Attr("aria-live"); live != "polite" {
		t.Errorf("result region aria-live = %q, want polite", live)
	}
	if region.Children().Length() != 0 {
		t.Errorf("the result region should start empty, has %q", region.Text())
	}
}

// TestLookupFullPage is the path without JavaScript: the form's GET returns
// the whole page, the form filled in and the result in place.
func TestLookupFullPage(t *testing.T) {
	e := testenv.Demo(t, handlers.Config{})
	resp, body := e.GetBody("/consulta?email=Ana.Martinez@Example.com", "Accept", "text/html")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("content type %q", ct)
	}
	doc := testenv.ParseHTML(t, body)
	if doc.Find("html head title").Length() != 1 || testenv.Testid(doc, "lookup-form").Length() != 1 {
		t.Fatal("want the whole page with the form")
	}
	if v, _ := testenv.Testid(doc, "lookup-email").Attr("value"); v != testenv.DemoEmail {
		t.Errorf("form value %q, want %q", v, testenv.DemoEmail)
	}
	region := testenv.Testid(doc, "lookup-region")
	if got := strings.TrimSpace(region.Find(`[data-testid="person-name"]`).Text()); got != "Ana Martínez" {
		t.Errorf("person name %q", got)
	}
	rows := region.Find(`[data-testid="infraction-row"]`)
	if rows.Length() != 3 {
		t.Fatalf("want Ana's 3 demo infractions, got %d", rows.Length())
	}
	first := rows.First()
	for id, want := range map[string]string{
		"infraction-plate":    "AB123CD",
		"infraction-vehicle":  "Toyota, Blanco",
		"infraction-comments": "Semáforo en rojo en Av. Corrientes y Callao",
		"infraction-officer":  "Oficial Demo (DEMO-001)",
		"infraction-status":   "Vigente",
	} {
		if got := strings.Join(strings.Fields(first.Find(`[data-testid="`+id+`"]`).Text()), " "); got != want {
			t.Errorf("%s = %q, want %q", id, got, want)
		}
	}
	if href, _ := testenv.Testid(doc, "download-json").Attr("href"); href != "/generar_informe?email=ana.martinez%40example.com" {
		t.Errorf("download link %q", href)
	}
}

func TestLookupFragmentForHTMX(t *testing.T) {
	e := testenv.Demo(t, handlers.Config{})
	resp, body := e.GetBody("/consulta?email="+testenv.DemoEmail, "HX-Request", "true")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if strings.Contains(body, "<html") || strings.Contains(body, "<form") {
		t.Fatalf("htmx wants the fragment only, got the page: %.200s", body)
	}
	if !strings.Contains(resp.Header.Get("Vary"), "HX-Request") {
		t.Errorf("Vary = %q, want HX-Request in it", resp.Header.Get("Vary"))
	}
	doc := testenv.ParseHTML(t, body)
	if testenv.Testid(doc, "lookup-result").Length() != 1 || testenv.Testid(doc, "infraction-row").Length() != 3 {
		t.Errorf("fragment without the result: %.300s", body)
	}

	// A history restore (htmx's cache missed) and a boosted link want the page.
	for _, h := range []string{"HX-History-Restore-Request", "HX-Boosted"} {
		_, body := e.GetBody("/consulta?email="+testenv.DemoEmail, "HX-Request", "true", h, "true")
		if testenv.Testid(testenv.ParseHTML(t, body), "lookup-form").Length() != 1 {
			t.Errorf("with %s: want the whole page", h)
		}
	}
}

// TestLookupStates covers every answer other than a list of infractions,
// both as a fragment and as a whole page.
func TestLookupStates(t *testing.T) {
	e := testenv.Demo(t, handlers.Config{})
	tests := []struct {
		name, query string
		status      int
		testid      string
	}{
		{"no infractions", "email=carla.gomez@example.com", http.StatusOK, "state-empty"},
		{"unknown email", "email=nadie@example.com", http.StatusNotFound, "state-unknown"},
		{"malformed email", "email=no-es-un-correo", http.StatusBadRequest, "state-invalid"},
		{"missing email", "email=", http.StatusBadRequest, "state-invalid"},
		{"no parameter", "", http.StatusBadRequest, "state-invalid"},
	}
	for _, tt := range tests {
		for _, htmx := range []bool{false, true} {
			name := tt.name + map[bool]string{false: " page", true: " fragment"}[htmx]
			t.Run(name, func(t *testing.T) {
				header := []string{"Accept", "text/html"}
				if htmx {
					header = append(header, "HX-Request", "true")
				}
				resp, body := e.GetBody("/consulta?"+tt.query, header...)
				if resp.StatusCode != tt.status {
					t.Errorf("status %d, want %d", resp.StatusCode, tt.status)
				}
				doc := testenv.ParseHTML(t, body)
				if testenv.Testid(doc, tt.testid).Length() != 1 {
					t.Errorf("no %s in %.400s", tt.testid, body)
				}
				if testenv.Testid(doc, "infraction-row").Length() != 0 {
					t.Error("an error state shows infractions")
				}
				if got := testenv.Testid(doc, "lookup-form").Length(); got != map[bool]int{false: 1, true: 0}[htmx] {
					t.Errorf("%d forms", got)
				}
			})
		}
	}
	_, body := e.GetBody("/consulta?email=no-es-un-correo")
	if v, _ := testenv.Testid(testenv.ParseHTML(t, body), "lookup-email").Attr("value"); v != "no-es-un-correo" {
		t.Errorf("the form should keep what was typed, has %q", v)
	}
}

// TestLookupSharesTheReportRateLimit checks that /consulta and
// /generar_informe spend one budget per client, and the page's 429 state.
func TestLookupSharesTheReportRateLimit(t *testing.T) {
	e := testenv.Demo(t, handlers.Config{RateLimit: 2})
	if resp, _ := e.GetBody("/generar_informe?email=" + testenv.DemoEmail); resp.StatusCode != http.StatusOK {
		t.Fatalf("first report: %d", resp.StatusCode)
	}
	if resp, _ := e.GetBody("/consulta?email="+testenv.DemoEmail, "HX-Request", "true"); resp.StatusCode != http.StatusOK {
		t.Fatalf("first look-up: %d", resp.StatusCode)
	}
	resp, body := e.GetBody("/consulta?email="+testenv.DemoEmail, "HX-Request", "true")
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("third look-up in the minute: %d, want 429", resp.StatusCode)
	}
	if resp.Header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	if testenv.Testid(testenv.ParseHTML(t, body), "state-limited").Length() != 1 {
		t.Errorf("no limited state in %.300s", body)
	}
	resp, body = e.GetBody("/consulta?email="+testenv.DemoEmail, "Accept", "text/html")
	if resp.StatusCode != http.StatusTooManyRequests || testenv.Testid(testenv.ParseHTML(t, body), "state-limited").Length() != 1 ||
		testenv.Testid(testenv.ParseHTML(t, body), "lookup-form").Length() != 1 {
		t.Errorf("full page 429: status %d, %.300s", resp.StatusCode, body)
	}
	resp, body = e.GetBody("/generar_informe?email=" + testenv.DemoEmail)
	if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(resp.Header.Get("Content-Type"), "problem+json") {
		t.Errorf("report after the page spent the budget: %d %s", resp.StatusCode, body)
	}
}

// TestLookupShowsTimesInTheConfiguredZone records an infraction at a known
// instant and expects it in Buenos Aires time (UTC-3), escaped.
func TestLookupShowsTimesInTheConfiguredZone(t *testing.T) {
	e := testenv.Demo(t, handlers.Config{Location: testenv.MustLocation(t, "America/Argentina/Buenos_Aires")})
	resp, body := e.PostInfraction(`{"placa_patente":"AC-456-EF","timestamp":"2024-05-01T14:30:00Z","comentarios":"<b>giro</b> indebido"}`)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("record: %d %s", resp.StatusCode, body)
	}
	_, body = e.GetBody("/consulta?email="+testenv.DemoEmail, "HX-Request", "true")
	doc := testenv.ParseHTML(t, body)
	var found bool
	rows := testenv.Testid(doc, "infraction-row")
	for i := range rows.Length() {
		row := rows.Eq(i)
		if strings.TrimSpace(row.Find(`[data-testid="infraction-plate"]`).Text()) != "AC456EF" ||
			!strings.Contains(row.Find(`[data-testid="infraction-comments"]`).Text(), "giro") {
			continue
		}
		found = true
		when := row.Find(`[data-testid="infraction-when"]`)
		if got := strings.TrimSpace(when.Text()); got != "01/05/2024 11:30" {
			t.Errorf("shown %q, want 01/05/2024 11:30 (Buenos Aires)", got)
		}
		if dt, _ := when.Find("time").Attr("datetime"); dt != "2024-05-01T11:30:00-03:00" {
			t.Errorf("datetime %q", dt)
		}
		comments := row.Find(`[data-testid="infraction-comments"]`)
		if comments.Find("b").Length() != 0 || strings.TrimSpace(comments.Text()) != "<b>giro</b> indebido" {
			t.Errorf("comments not escaped: %q", comments.Text())
		}
	}
	if !found {
		t.Fatalf("the recorded infraction is not listed: %.500s", body)
	}
}

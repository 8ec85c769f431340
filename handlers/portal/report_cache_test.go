package portal_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"transito/handlers"
	"transito/internal/testenv"
	"transito/models"
	"transito/models/rules"
)

// printedAt is the report's issue time, which changes by the minute.
var printedAt = regexp.MustCompile(`informe emitido el [^<]*`)

// page returns the report page's body for the client, without its issue
// time.
func page(t *testing.T, c *testenv.Client, path string, htmx ...bool) string {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if len(htmx) > 0 {
		req.Header.Set("HX-Request", "true")
	}
	resp := c.Do(req)
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: %d %v", path, resp.StatusCode, err)
	}
	return printedAt.ReplaceAllString(string(b), "")
}

// A report served again is the same page; every write it shows (a payment,
// a new fine through the API, a change of the tariff's settings) is on the
// next request, though the fines' part is cached.
func TestReportPageFollowsWrites(t *testing.T) {
	e := testenv.Demo(t, handlers.Config{})
	ctx := context.Background()
	vigente, _, _ := anaFines(t, e)
	c := e.Client()
	const path = "/consulta?email=" + testenv.DemoEmail
	first := page(t, c, path)
	if again := page(t, c, path); again != first {
		t.Fatal("the report served from the cache differs from the one built")
	}
	if frag := page(t, c, path, true); frag == first || !strings.Contains(first, frag) {
		t.Error("htmx gets the whole page, or another report, after the page was cached")
	}
	count := func(body string) int { return strings.Count(body, `data-testid="infraction-row"`) }

	discount := regexp.MustCompile(`con \d+ % de descuento`)
	s, err := e.Store.FinesSettings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	before := discount.FindAllString(first, -1)
	s.DiscountPct = 10
	if err := e.Store.SetFinesSettings(ctx, s, models.CLIActor); err != nil {
		t.Fatal(err)
	}
	after := page(t, c, path)
	if strings.Join(before, "|") == strings.Join(discount.FindAllString(after, -1), "|") || !strings.Contains(after, "con 10 % de descuento") {
		t.Errorf("the new discount is not on the next report: %q, then %q", before, discount.FindAllString(after, -1))
	}

	_, rows, err := e.Store.Report(ctx, testenv.DemoEmail)
	if err != nil {
		t.Fatal(err)
	}
	tariff, err := e.Store.Tariff(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var owed int64
	for i := range rows {
		if rows[i].ID == vigente {
			owed = *tariff.Assess(&rows[i], time.Now(), e.Config.Location).ToPay
		}
	}
	if _, err := e.Store.RecordPayment(ctx, rules.PaymentInput{InfractionID: vigente, AmountCents: owed, Method: "transferencia", Reference: "T-CACHE", PaidAt: time.Now()}, models.CLIActor); err != nil {
		t.Fatal(err)
	}
	paid := page(t, c, path)
	if !regexp.MustCompile(`data-id="` + id(vigente) + `"\s+data-status="pagada"`).MatchString(paid) {
		t.Error("the payment is not on the next report")
	}

	resp, b := e.Send(t, "POST", "/cargar_infraccion", e.Token, `{"placa_patente":"AB123CD","comentarios":"Nueva tras la caché"}`)
	if resp.StatusCode != 200 {
		t.Fatalf("new fine: %d %s", resp.StatusCode, b)
	}
	added := page(t, c, path)
	if count(added) != count(paid)+1 || !strings.Contains(added, "Nueva tras la caché") {
		t.Errorf("the new fine is not on the next report: %d rows, then %d", count(paid), count(added))
	}

}

// The fines' part is cached per proof: a proven visit's actions never reach
// a visit without the proof, nor a visit's CSRF token another visit's page.
func TestReportPageKeepsVisitsApart(t *testing.T) {
	e := testenv.Demo(t, handlers.Config{})
	const path = "/consulta?email=" + testenv.DemoEmail
	csrf := regexp.MustCompile(`name="_csrf" value="([^"]+)"`)
	token := func(c *testenv.Client) string {
		_, doc := c.Get("/acceso?email=" + testenv.DemoEmail)
		html, _ := doc.Html()
		m := csrf.FindStringSubmatch(html)
		if m == nil {
			t.Fatal("the access form has no CSRF token")
		}
		return m[1]
	}
	ana, other := e.Client(), e.Client()
	proven := page(t, ana, path+"&placa_patente=AB123CD")
	if !strings.Contains(proven, `data-testid="action-acta"`) {
		t.Fatal("the proven visit is offered no acta")
	}
	anaToken, otherToken := token(ana), token(other)
	if anaToken == otherToken {
		t.Fatal("two visits share a CSRF token")
	}
	for range 2 {
		open := page(t, other, path)
		if strings.Contains(open, `data-testid="action-acta"`) || strings.Contains(open, `data-testid="libre-deuda-link"`) {
			t.Error("a visit without the proof sees the proven visit's actions")
		}
		if !strings.Contains(open, `data-testid="proof-needed"`) {
			t.Error("a visit without the proof is not asked for it")
		}
		again := page(t, ana, path)
		if !strings.Contains(again, `data-testid="action-acta"`) {
			t.Error("the proven visit lost its actions after another visit's report")
		}
		for _, body := range []string{open, again} {
			if strings.Contains(body, anaToken) || strings.Contains(body, otherToken) {
				t.Error("a report page carries a visit's CSRF token")
			}
		}
	}
}

// Visits that miss the cache at once (a busy person's page right after a
// write) share one build: each gets the whole report with the write on it.
func TestReportPageMissedAtOnce(t *testing.T) {
	e := testenv.Demo(t, handlers.Config{})
	base := "http://" + e.Listen()
	const path = "/consulta?email=" + testenv.DemoEmail
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	get := func() (string, error) {
		resp, err := client.Get(base + path)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err == nil && resp.StatusCode != http.StatusOK {
			err = fmt.Errorf("status %d", resp.StatusCode)
		}
		return printedAt.ReplaceAllString(string(b), ""), err
	}
	if _, err := get(); err != nil {
		t.Fatal(err)
	}
	if resp, b := e.Send(t, "POST", "/cargar_infraccion", e.Token, `{"placa_patente":"AB123CD","comentarios":"Todos a la vez"}`); resp.StatusCode != 200 {
		t.Fatalf("new fine: %d %s", resp.StatusCode, b)
	}
	const visits = 16
	bodies, errs := make([]string, visits), make([]error, visits)
	var wg sync.WaitGroup
	for i := range visits {
		wg.Go(func() { bodies[i], errs[i] = get() })
	}
	wg.Wait()
	for i := range visits {
		if errs[i] != nil {
			t.Fatalf("visit %d: %v", i, errs[i])
		}
		if !strings.Contains(bodies[i], "Todos a la vez") {
			t.Errorf("visit %d does not show the new fine", i)
		}
		if rows := strings.Count(bodies[i], `data-testid="infraction-row"`); rows != strings.Count(bodies[0], `data-testid="infraction-row"`) {
			t.Errorf("visit %d shows %d fines, visit 0 another number", i, rows)
		}
	}
}

// A proof that held is remembered only while the data stays as it was: once
// the plate passes to another owner it proves nothing.
func TestProofFollowsATransfer(t *testing.T) {
	e := testenv.Demo(t, handlers.Config{ReportAccess: rules.AccessVerified})
	const path = "/consulta?email=" + testenv.DemoEmail + "&placa_patente=AC456EF"
	for range 2 {
		if resp, _ := e.Client().Get(path); resp.StatusCode != http.StatusOK {
			t.Fatalf("Ana's plate: %d, want 200", resp.StatusCode)
		}
	}
	csv := "nombre,email,placa_patente,marca,color\nOtra Persona,otra@example.com,AC456EF,Ford,Gris\n"
	if _, err := e.Store.Import(context.Background(), strings.NewReader(csv), models.CLIActor, false); err != nil {
		t.Fatal(err)
	}
	if resp, _ := e.Client().Get(path); resp.StatusCode != http.StatusNotFound {
		t.Errorf("the plate sold to another person still proves Ana: %d, want 404", resp.StatusCode)
	}
}

package handlers_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"transito/internal/browsertest"
	"transito/internal/testdb"
	"transito/internal/testenv"
	"transito/models/rules"
)

// TestEveryPageInABrowser walks every page of the panel, the portal and
// the officer app — every GET route of the server, with the demo data's
// real ids — in headless Chromium, on a desktop window and on a phone
// (390 px), and fails on any violation of axe-core's WCAG 2.1 A/AA rules,
// any console error (a CSP refusal included) and, on the phone, any page
// that scrolls sideways.
func TestEveryPageInABrowser(t *testing.T) {
	if testdb.Postgres() {
		t.Skip("browser tests run once, on SQLite: the database does not change what the browser shows")
	}
	axe := browsertest.Requirements(t)
	env := testenv.New(t, testenv.WithDemo(), testenv.WithAdmin())
	base := "http://" + env.Listen()
	// A second administrator: the first one's pages link to its deletion.
	if _, err := env.Store.CreateAdmin(context.Background(), rules.AdminInput{Username: "otra", Password: testenv.Password}, testenv.Actor); err != nil {
		t.Fatal(err)
	}
	c := env.Client()
	c.Login()
	pages, missing := browsertest.Pages(t, c,
		"/consulta?email="+testenv.DemoEmail, "/consulta?email=nadie%40example.com", "/consulta?email=no-es-un-correo",
		"/admin/personas?q=mart%C3%ADnez", "/admin/personas/999999", "/no-existe",
		"/admin/catalogo", "/admin/tarifas", "/admin/infracciones?estado=sin_tipificar")
	for _, m := range missing {
		t.Logf("not walked: no page links to %s", m)
	}
	if len(pages) < 15 {
		t.Fatalf("only %d pages found: %v", len(pages), pages)
	}
	var problems []string
	for _, w := range []struct {
		name          string
		width, height int
	}{{"escritorio", 1280, 900}, {"teléfono", 390, 844}} {
		b := browsertest.New(t, base, axe, w.width, w.height)
		check := func(path string) {
			errs := b.Open(path)
			for _, e := range errs {
				problems = append(problems, fmt.Sprintf("%s [%s]: %s", path, w.name, e))
			}
			vs, err := b.Axe()
			if err != nil {
				problems = append(problems, fmt.Sprintf("%s [%s]: %v", path, w.name, err))
			}
			for _, v := range vs {
				problems = append(problems, fmt.Sprintf("%s [%s]: %s (%s) at %s: %s", path, w.name, v.ID, v.Impact, strings.Join(v.Targets, ", "), v.Summary))
			}
			if w.width < 500 {
				if over, what := b.Overflow(); over > 0 {
					problems = append(problems, fmt.Sprintf("%s [%s]: scrolls sideways by %d px (%s)", path, w.name, over, what))
				}
			}
		}
		check("/admin/login")
		b.Login()
		for _, p := range pages {
			check(p)
		}
		// The officer app once signed in: its citation form and queue.
		if slices.Contains(pages, "/oficial/") {
			b.Open("/oficial/")
			if err := chromedp.Do(b.Context(),
				chromedp.WaitVisible(testenv.CSS(`[data-testid="token"]`)),
				chromedp.SendKeys(testenv.CSS(`[data-testid="token"]`), env.Token),
				chromedp.Click(testenv.CSS(`[data-testid="ingresar"]`)),
				chromedp.WaitVisible(testenv.CSS(`[data-testid="placa"]`)),
			); err != nil {
				problems = append(problems, fmt.Sprintf("/oficial/ [%s]: sign in: %v", w.name, err))
			} else {
				vs, err := b.Axe()
				if err != nil {
					problems = append(problems, fmt.Sprintf("/oficial/ signed in [%s]: %v", w.name, err))
				}
				for _, v := range vs {
					problems = append(problems, fmt.Sprintf("/oficial/ signed in [%s]: %s (%s) at %s: %s", w.name, v.ID, v.Impact, strings.Join(v.Targets, ", "), v.Summary))
				}
			}
		}
	}
	if len(problems) > 0 {
		t.Errorf("%d problems on %d pages:\n%s", len(problems), len(pages), strings.Join(problems, "\n"))
	}
	t.Logf("walked %d pages: %s", len(pages), strings.Join(pages, " "))
}

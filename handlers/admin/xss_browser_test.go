package admin_test

import (
	"context"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"transito/internal/testenv"
	"transito/models/rules"
)

// xssPayload breaks out of text, double- and single-quoted attributes.
const xssPayload = `"'><img src=x onerror=__xss=1><svg onload=__xss=2>`

// TestBrowserStoredXSSInEveryField stores the payload in every free-text
// field (person name, brand, colour, officer name, comments, annul reason,
// and so the audit log) and opens every page that shows them, in the panel
// and on the public page, plus the pages that echo a search. In each the
// payload must be inert — no handler attribute reached the DOM, nothing ran —
// and where the page shows the field, visible as text.
func TestBrowserStoredXSSInEveryField(t *testing.T) {
	b := newBrowserEnv(t)
	ctx := context.Background()
	p, err := b.Store.CreatePerson(ctx, rules.PersonInput{Name: xssPayload, Email: "xss@example.com"}, testenv.Actor)
	if err != nil {
		t.Fatal(err)
	}
	v, err := b.Store.CreateVehicle(ctx, rules.VehicleInput{Plate: "XS123", Brand: xssPayload, Color: xssPayload, PersonID: p.ID}, testenv.Actor)
	if err != nil {
		t.Fatal(err)
	}
	o, err := b.Store.CreateOfficer(ctx, rules.OfficerInput{Name: xssPayload, Badge: "X1", Active: true}, testenv.Actor)
	if err != nil {
		t.Fatal(err)
	}
	var infs []int64
	for range 2 {
		id, err := b.Store.CreateInfraction(ctx, rules.InfractionInput{Plate: v.Plate, Badge: o.Badge, OccurredAt: time.Now().Add(-time.Hour), Comments: xssPayload}, testenv.Actor)
		if err != nil {
			t.Fatal(err)
		}
		infs = append(infs, id)
	}
	if err := b.Store.VoidInfraction(ctx, infs[1], xssPayload, testenv.Actor); err != nil {
		t.Fatal(err)
	}
	pid, vid, oid := strconv.FormatInt(p.ID, 10), strconv.FormatInt(v.ID, 10), strconv.FormatInt(o.ID, 10)
	q := url.QueryEscape(xssPayload)
	pages := []struct {
		path  string
		shows bool // the payload is on the page as text
	}{
		{"/admin", true},
		{"/admin/personas", true}, {"/admin/personas/" + pid, true}, {"/admin/personas/" + pid + "/eliminar", true},
		{"/admin/vehiculos", true}, {"/admin/vehiculos/" + vid, true}, {"/admin/vehiculos/" + vid + "/eliminar", false},
		{"/admin/oficiales", true}, {"/admin/oficiales/" + oid, true}, {"/admin/oficiales/" + oid + "/eliminar", true},
		{"/admin/infracciones", true}, {"/admin/infracciones/" + strconv.FormatInt(infs[0], 10), true},
		{"/admin/infracciones/" + strconv.FormatInt(infs[1], 10), true},
		{"/admin/auditoria", true},
		{"/admin/personas?q=" + q, true}, {"/admin/vehiculos?marca=" + q + "&color=" + q, false},
		{"/admin/infracciones?oficial=" + q + "&patente=" + q, false}, {"/admin/auditoria?q=" + q + "&entidad=" + q, false},
		{"/admin/login?next=" + q, false},
		{"/consulta?email=xss@example.com", true}, {"/consulta?email=" + q, false}, {"/?email=" + q, false},
	}
	tab := b.tab(nil)
	b.login(tab, "/admin")
	check := func(what string, shows bool) {
		t.Helper()
		if b.eval(tab, `window.__xss !== undefined || document.querySelectorAll('[onerror],[onload]').length > 0 || document.querySelector('main img[src="x"], main svg[onload]') !== null`) {
			t.Errorf("%s: the payload became markup or ran", what)
		}
		if shows && !b.eval(tab, `document.body.innerText.includes(`+strconv.Quote(xssPayload)+`)`) {
			t.Errorf("%s: the payload is not visible as text", what)
		}
	}
	for _, pg := range pages {
		b.do(tab, "open "+pg.path, chromedp.Navigate(b.base+pg.path), chromedp.WaitReady(testenv.CSS("body")))
		check(pg.path, pg.shows)
	}
	// The same through an htmx swap: search-as-you-type on the person list.
	b.do(tab, "htmx search",
		chromedp.Navigate(b.base+"/admin/personas"),
		chromedp.WaitVisible(testenv.CSS(`[data-testid="search-input"]`)),
		chromedp.SendKeys(testenv.CSS(`[data-testid="search-input"]`), `"'>`),
		waitJS(`new URL(location.href).searchParams.get('q') === "\"'>"`),
		chromedp.Sleep(300*time.Millisecond),
	)
	check("htmx search swap", true)
}

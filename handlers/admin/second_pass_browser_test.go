package admin_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"transito/internal/testenv"
	"transito/models/rules"
)

// TestSecondPassInABrowser: a person's page with its history and fines; a
// filtered list whose filters show and come off one by one; the infraction
// form's plate and officer suggestions; an annulment whose reason is
// checked before any confirmation, then shows who annulled it.
func TestSecondPassInABrowser(t *testing.T) {
	b := newBrowserEnv(t)
	ctx0 := context.Background()
	ana := testenv.MustPerson(t, b.Store, "Ana Martínez", "ana@example.com")
	testenv.MustPerson(t, b.Store, "Bruno Díaz", "bruno@example.com")
	testenv.MustVehicle(t, b.Store, "AB123CD", ana.ID)
	testenv.MustVehicle(t, b.Store, "AC456EF", ana.ID)
	testenv.MustOfficer(t, b.Store, "Laura Gómez", "X1")
	id := testenv.MustInfraction(t, b.Store, "AB123CD", "X1", time.Now().Add(-time.Hour))
	if _, err := b.Store.UpdatePerson(ctx0, ana.ID, rulesPerson("Ana María Martínez", "ana@example.com"), testenv.Actor); err != nil {
		t.Fatal(err)
	}
	ctx := b.tab(nil)
	b.login(ctx, "/admin/personas/"+itoa(ana.ID))

	// The person's page: vehicles, fines, history.
	b.do(ctx, "person page", chromedp.WaitVisible(testenv.CSS(`[data-testid="historial"]`)))
	b.shot(ctx, "persona")
	if got := b.text(ctx, `[data-testid="historial"]`); !strings.Contains(got, "Nombre:") || !strings.Contains(got, "Ana María Martínez") {
		t.Errorf("historial = %q", got)
	}
	if got := b.text(ctx, `[data-testid="record-fines"]`); !strings.Contains(got, "1 infracción") {
		t.Errorf("fines = %q", got)
	}

	// A filtered list: the filters show; one comes off, then all.
	b.do(ctx, "filtered list", chromedp.Navigate(b.base+"/admin/vehiculos?persona="+itoa(ana.ID)+"&color=Rojo"),
		chromedp.WaitVisible(testenv.CSS(`[data-testid="active-filters"]`)))
	b.shot(ctx, "lista-filtrada")
	if got := b.text(ctx, `[data-testid="active-filter-persona"]`); !strings.Contains(got, "Titular: Ana María Martínez") {
		t.Errorf("persona chip = %q", got)
	}
	b.do(ctx, "remove colour", chromedp.Click(testenv.CSS(`[data-testid="remove-filter-color"]`)), chromedp.Sleep(700*time.Millisecond),
		waitJS(`!document.querySelector('[data-testid="active-filter-color"]') && !!document.querySelector('[data-testid="active-filter-persona"]')`))
	b.do(ctx, "clear", chromedp.Click(testenv.CSS(`[data-testid="clear-filters"]`)), chromedp.Sleep(700*time.Millisecond),
		waitJS(`location.pathname === "/admin/vehiculos" && location.search === "" && !document.querySelector('[data-testid="active-filters"]')`))

	// The same list on a phone: the filters wrap, nothing scrolls sideways.
	b.do(ctx, "phone", chromedp.EmulateViewport(390, 844), chromedp.Navigate(b.base+"/admin/vehiculos?persona="+itoa(ana.ID)+"&color=Rojo"),
		chromedp.WaitVisible(testenv.CSS(`[data-testid="active-filters"]`)))
	b.shot(ctx, "movil-lista-filtrada")
	if b.eval(ctx, `document.documentElement.scrollWidth > window.innerWidth`) {
		t.Error("the filtered list scrolls sideways on a phone")
	}
	b.do(ctx, "desktop", chromedp.EmulateViewport(1280, 900))

	// Suggestions as one types, a few at a time.
	b.do(ctx, "infraction form", chromedp.Navigate(b.base+"/admin/infracciones"),
		chromedp.Click(testenv.CSS(`[data-testid="create-panel"] summary`)),
		chromedp.WaitVisible(testenv.CSS(`#f-placa_patente`)),
		chromedp.SendKeys(testenv.CSS(`#f-placa_patente`), "456"),
		waitJS(`document.querySelectorAll('#sugerencias-patente option').length === 1 && document.querySelector('#sugerencias-patente option').value === "AC456EF"`),
		chromedp.SendKeys(testenv.CSS(`#f-oficial`), "laura"),
		waitJS(`document.querySelectorAll('#sugerencias-oficial option').length === 1 && document.querySelector('#sugerencias-oficial option').value === "X1"`),
	)

	// Annul: a blank reason (or only spaces) is refused before any confirm.
	path := b.base + "/admin/infracciones/" + itoa(id)
	b.do(ctx, "infraction", chromedp.Navigate(path), chromedp.WaitVisible(testenv.CSS(`[data-testid="void-form"]`)))
	b.eval(ctx, `(window.__confirms = 0, window.confirm = () => { window.__confirms++; return true; }, true)`)
	b.do(ctx, "blank reason", chromedp.Click(testenv.CSS(`[data-testid="void-submit"]`)))
	b.do(ctx, "spaces", chromedp.SendKeys(testenv.CSS("#f-motivo"), "   "), chromedp.Click(testenv.CSS(`[data-testid="void-submit"]`)))
	time.Sleep(300 * time.Millisecond)
	if b.eval(ctx, `window.__confirms !== 0 || !!document.querySelector('[data-testid="void-reason"]')`) {
		t.Fatal("a blank reason reached the confirmation or the server")
	}
	b.do(ctx, "annul",
		chromedp.SendKeys(testenv.CSS("#f-motivo"), "Foto de otro vehículo"),
		chromedp.SendKeys(testenv.CSS("#f-motivo_publico"), "Error en la identificación del vehículo."),
		chromedp.Click(testenv.CSS(`[data-testid="void-submit"]`)),
		chromedp.WaitVisible(testenv.CSS(`[data-testid="voided-by"]`)),
	)
	if b.eval(ctx, `window.__confirms !== undefined && window.__confirms !== 1`) {
		t.Error("the annulment was not confirmed once")
	}
	if got := b.text(ctx, `[data-testid="voided-by"]`); !strings.Contains(got, "admin") {
		t.Errorf("voided-by = %q", got)
	}
	if got := b.text(ctx, `[data-testid="void-public-reason"]`); !strings.Contains(got, "Error en la identificación") {
		t.Errorf("public reason = %q", got)
	}
	b.shot(ctx, "infraccion-anulada-publica")
}

func rulesPerson(name, email string) rules.PersonInput {
	return rules.PersonInput{Name: name, Email: email}
}

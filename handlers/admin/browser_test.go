package admin_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"transito/internal/testenv"
)

// browserEnv is a real server on a random local port and a headless
// chromium driving it.
type browserEnv struct {
	*testenv.Env
	t       *testing.T
	base    string
	browser context.Context
}

func newBrowserEnv(t *testing.T) *browserEnv {
	t.Helper()
	browser := testenv.Browser(t, 1280, 900)
	e := testenv.New(t, testenv.WithAdmin())
	return &browserEnv{Env: e, t: t, base: "http://" + e.Listen(), browser: browser}
}

// tab opens a browser tab (in parent's browser, or the test's) that accepts
// every confirm() dialog.
func (b *browserEnv) tab(parent context.Context) context.Context {
	b.t.Helper()
	if parent == nil {
		parent = b.browser
	}
	return testenv.Tab(b.t, parent, 90*time.Second)
}

func (b *browserEnv) do(ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.shot(ctx, "failure-"+strings.ReplaceAll(what, " ", "-"))
		b.t.Fatalf("%s: %v", what, err)
	}
}

func (b *browserEnv) text(ctx context.Context, sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

func (b *browserEnv) eval(ctx context.Context, js string) bool {
	b.t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js))
	if err != nil {
		b.t.Fatalf("eval %s: %v", js, err)
	}
	return v
}

func (b *browserEnv) location(ctx context.Context) string {
	b.t.Helper()
	u, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		b.t.Fatal(err)
	}
	return u
}

// shot saves a screenshot of the page to screenshots/ at the module root.
func (b *browserEnv) shot(ctx context.Context, name string) {
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
		return
	}
	dir := filepath.Join("..", "..", "screenshots")
	_ = os.MkdirAll(dir, 0o755)
	_ = os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644)
}

// waitJS waits until js is true. A page that navigates meanwhile (an htmx
// form answered with HX-Redirect) ends a poll; the wait goes on in the new
// page.
func waitJS(js string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		deadline := time.Now().Add(10 * time.Second)
		for {
			_, err := chromedp.Poll[bool](js, chromedp.WithPollingTimeout(time.Until(deadline)))(ctx, t)
			if err == nil || time.Now().After(deadline) || !strings.Contains(err.Error(), "navigated") {
				return err
			}
			time.Sleep(50 * time.Millisecond)
		}
	})
}

func (b *browserEnv) login(ctx context.Context, next string) {
	b.do(ctx, "login",
		chromedp.Navigate(b.base+next),
		chromedp.WaitVisible(testenv.CSS(`[data-testid="login-form"]`)),
		chromedp.SendKeys(testenv.CSS("#usuario"), "admin"),
		chromedp.SendKeys(testenv.CSS("#clave"), testenv.Password),
		chromedp.Click(testenv.CSS(`[data-testid="login-submit"]`)),
		chromedp.WaitVisible(testenv.CSS(`[data-testid="current-user"]`)),
	)
}

func TestBrowserAdminFlow(t *testing.T) {
	b := newBrowserEnv(t)
	for i := 1; i <= 30; i++ {
		testenv.MustPerson(t, b.Store, fmt.Sprintf("Persona %02d", i), fmt.Sprintf("p%02d@example.com", i))
	}
	testenv.MustPerson(t, b.Store, "Zulema Quiroga", "zulema@example.com")
	ctx := b.tab(nil)

	// Log in: the page asked for comes back after the login.
	b.login(ctx, "/admin/personas")
	if loc := b.location(ctx); !strings.HasSuffix(loc, "/admin/personas") {
		t.Fatalf("after login at %s, want /admin/personas", loc)
	}
	b.shot(ctx, "personas")

	// Search as you type narrows the list and keeps the state in the URL.
	b.do(ctx, "search as you type",
		chromedp.SendKeys(testenv.CSS(`[data-testid="search-input"]`), "zul"),
		waitJS(`document.querySelectorAll('[data-testid="row"]').length === 1`),
		waitJS(`location.search.includes('q=zul')`),
	)
	if got := b.text(ctx, `[data-testid="list-total-count"]`); got != "1" {
		t.Errorf("total after search = %q", got)
	}

	// Create a person whose name is a script: it must show as text.
	payload := `<script>window.__xss=1</script>Eva <img src=x onerror="window.__xss=2">`
	b.do(ctx, "create person",
		chromedp.Navigate(b.base+"/admin/personas"),
		chromedp.Click(testenv.CSS(`[data-testid="create-panel"] summary`)),
		chromedp.SendKeys(testenv.CSS("#f-nombre"), payload),
		chromedp.SendKeys(testenv.CSS("#f-email"), "eva@example.com"),
		chromedp.Click(testenv.CSS(`[data-testid="person-form"] [data-testid="submit"]`)),
		chromedp.WaitVisible(testenv.CSS(`[data-testid="delete-link"]`)),
	)
	if got := b.text(ctx, `[data-testid="page-title"]`); got != payload {
		t.Errorf("title = %q, want the payload as text", got)
	}
	if b.eval(ctx, `window.__xss !== undefined || document.querySelector('main script, main img') !== null`) {
		t.Error("the payload ran or became markup")
	}
	if !strings.Contains(b.text(ctx, `[data-testid="flash-ok"]`), "creada") {
		t.Error("no flash after create")
	}

	// A person for the vehicle, then the vehicle with the owner picker.
	b.do(ctx, "create owner",
		chromedp.Navigate(b.base+"/admin/personas"),
		chromedp.Click(testenv.CSS(`[data-testid="create-panel"] summary`)),
		chromedp.SendKeys(testenv.CSS("#f-nombre"), "Ana Prueba"),
		chromedp.SendKeys(testenv.CSS("#f-email"), "ana.prueba@example.com"),
		chromedp.Click(testenv.CSS(`[data-testid="person-form"] [data-testid="submit"]`)),
		chromedp.WaitVisible(testenv.CSS(`[data-testid="delete-link"]`)),
	)
	personURL := b.location(ctx)
	b.do(ctx, "create vehicle",
		chromedp.Navigate(b.base+"/admin/vehiculos"),
		chromedp.Click(testenv.CSS(`[data-testid="create-panel"] summary`)),
		chromedp.SendKeys(testenv.CSS("#f-placa_patente"), "ab-123-cd"),
		chromedp.SendKeys(testenv.CSS("#f-marca"), "Toyota"),
		chromedp.SendKeys(testenv.CSS("#f-color"), "Blanco"),
		chromedp.SendKeys(testenv.CSS(`[data-testid="person-search"]`), "ana.pru"),
		chromedp.WaitVisible(testenv.CSS(`[data-testid="person-option"]`)),
		chromedp.Click(testenv.CSS(`[data-testid="person-option"]`)),
	)
	b.shot(ctx, "vehiculo-nuevo")
	b.do(ctx, "save vehicle",
		chromedp.Click(testenv.CSS(`[data-testid="vehicle-form"] [data-testid="submit"]`)),
		chromedp.WaitVisible(testenv.CSS(`[data-testid="delete-link"]`)),
	)
	if got := b.text(ctx, `[data-testid="page-title"]`); got != "AB123CD" {
		t.Fatalf("vehicle title = %q", got)
	}

	// An officer and a token, shown once, used against the API.
	b.do(ctx, "create officer",
		chromedp.Navigate(b.base+"/admin/oficiales"),
		chromedp.Click(testenv.CSS(`[data-testid="create-panel"] summary`)),
		chromedp.SendKeys(testenv.CSS("#f-nombre"), "Laura Benítez"),
		chromedp.SendKeys(testenv.CSS("#f-numero"), "B-77"),
		chromedp.Click(testenv.CSS(`[data-testid="officer-form"] [data-testid="submit"]`)),
		chromedp.WaitVisible(testenv.CSS(`[data-testid="issue-token"]`)),
		chromedp.Click(testenv.CSS(`[data-testid="issue-token"]`)),
		chromedp.WaitVisible(testenv.CSS(`[data-testid="new-token"]`)),
	)
	b.shot(ctx, "oficial-token")
	token := b.text(ctx, `[data-testid="new-token"]`)
	req, _ := http.NewRequest(http.MethodPost, b.base+"/cargar_infraccion",
		strings.NewReader(`{"placa_patente":"AB 123 CD","comentarios":"Semáforo en rojo"}`))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("API with the panel's token: %d", resp.StatusCode)
	}

	// The infraction is in the list and on the dashboard.
	b.do(ctx, "infractions list",
		chromedp.Navigate(b.base+"/admin/infracciones"),
		chromedp.WaitVisible(testenv.CSS(`[data-testid="row"]`)),
	)
	b.shot(ctx, "infracciones")
	if row := b.text(ctx, `[data-testid="row"]`); !strings.Contains(row, "AB123CD") || !strings.Contains(row, "Sin tipificar") {
		t.Errorf("infraction row = %q", row)
	}
	b.do(ctx, "dashboard", chromedp.Navigate(b.base+"/admin"), chromedp.WaitVisible(testenv.CSS(`[data-testid="chart"]`)))
	b.shot(ctx, "inicio")
	if got := b.text(ctx, `[data-testid="total-infracciones"]`); got != "1" {
		t.Errorf("dashboard total = %q", got)
	}
	if !strings.Contains(b.text(ctx, `[data-testid="latest-infractions"]`), "AB123CD") {
		t.Error("infraction not among the latest on the dashboard")
	}

	// Annul it, with a reason (the confirm dialog is accepted).
	b.do(ctx, "annul",
		chromedp.Click(testenv.CSS(`[data-testid="latest-infractions"] a`)),
		chromedp.WaitVisible(testenv.CSS(`[data-testid="void-form"]`)),
		chromedp.SendKeys(testenv.CSS("#f-motivo"), "Error de carga"),
		chromedp.Click(testenv.CSS(`[data-testid="void-submit"]`)),
		chromedp.WaitVisible(testenv.CSS(`[data-testid="void-reason"]`)),
	)
	b.shot(ctx, "infraccion-anulada")
	if !strings.Contains(b.text(ctx, `[data-testid="void-reason"]`), "Error de carga") {
		t.Error("reason not shown")
	}

	// Deleting the owner is refused, naming the vehicle.
	b.do(ctx, "delete person", chromedp.Navigate(personURL), chromedp.Click(testenv.CSS(`[data-testid="delete-link"]`)),
		chromedp.WaitVisible(testenv.CSS(`[data-testid="delete-blocked"]`)))
	b.shot(ctx, "eliminar-bloqueado")
	if got := b.text(ctx, `[data-testid="delete-blocked"]`); !strings.Contains(got, "La persona tiene 1 vehículo: AB123CD") {
		t.Errorf("blocked reason = %q", got)
	}
	b.do(ctx, "audit", chromedp.Navigate(b.base+"/admin/auditoria"), chromedp.WaitVisible(testenv.CSS(`[data-testid="row"]`)))
	b.shot(ctx, "auditoria")

	// A phone-sized screen: the sidebar becomes a top bar, nothing overflows.
	b.do(ctx, "mobile", chromedp.EmulateViewport(390, 844), chromedp.Navigate(b.base+"/admin/infracciones"),
		chromedp.WaitVisible(testenv.CSS(`[data-testid="row"]`)))
	b.shot(ctx, "movil-infracciones")
	if b.eval(ctx, `document.documentElement.scrollWidth > window.innerWidth + 1`) {
		t.Error("the page scrolls sideways on a phone")
	}
}

func TestBrowserAdminWithoutJavaScript(t *testing.T) {
	b := newBrowserEnv(t)
	testenv.MustPerson(t, b.Store, "Ana Prueba", "ana.prueba@example.com")
	ctx := b.tab(nil)
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	b.login(ctx, "/admin/vehiculos")
	if b.eval(ctx, `true`) {
		// Evaluate runs through DevTools even with page scripts off; htmx must not have loaded.
		if b.eval(ctx, `typeof window.htmx !== 'undefined'`) {
			t.Fatal("scripts are running")
		}
	}
	b.do(ctx, "create person without JS",
		chromedp.Navigate(b.base+"/admin/personas"),
		chromedp.Click(testenv.CSS(`[data-testid="create-panel"] summary`)),
		chromedp.SendKeys(testenv.CSS("#f-nombre"), "Bruno Sin JS"),
		chromedp.SendKeys(testenv.CSS("#f-email"), "bruno@example.com"),
		chromedp.Click(testenv.CSS(`[data-testid="person-form"] [data-testid="submit"]`)),
		chromedp.WaitVisible(testenv.CSS(`[data-testid="delete-link"]`)),
	)
	if got := b.text(ctx, `[data-testid="page-title"]`); got != "Bruno Sin JS" {
		t.Fatalf("title = %q", got)
	}
	b.do(ctx, "vehicle owner search without JS",
		chromedp.Navigate(b.base+"/admin/vehiculos"),
		chromedp.Click(testenv.CSS(`[data-testid="create-panel"] summary`)),
		chromedp.SendKeys(testenv.CSS("#f-placa_patente"), "AC456EF"),
		chromedp.SendKeys(testenv.CSS("#f-marca"), "Ford"),
		chromedp.SendKeys(testenv.CSS("#f-color"), "Gris"),
		chromedp.SendKeys(testenv.CSS(`[data-testid="person-search"]`), "bruno"),
		chromedp.Click(testenv.CSS(`[data-testid="person-search-submit"]`)),
		chromedp.WaitVisible(testenv.CSS(`[data-testid="person-option"]`)),
		chromedp.Click(testenv.CSS(`[data-testid="person-option"]`)),
		chromedp.Click(testenv.CSS(`[data-testid="vehicle-form"] [data-testid="submit"]`)),
		chromedp.WaitVisible(testenv.CSS(`[data-testid="delete-link"]`)),
	)
	if got := b.text(ctx, `[data-testid="page-title"]`); got != "AC456EF" {
		t.Fatalf("vehicle title = %q", got)
	}
	b.do(ctx, "search without JS",
		chromedp.Navigate(b.base+"/admin/personas"),
		chromedp.SendKeys(testenv.CSS(`[data-testid="search-input"]`), "bruno\n"),
	)
	// The list is on screen before the form is sent: wait for the new page
	// (evaluating during the navigation fails; try again until it is done).
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		done, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`location.search.includes("q=bruno") && document.readyState === "complete"`))
		if err == nil && done {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("search without JS never loaded: %v", err)
		}
	}
	if !strings.Contains(b.location(ctx), "q=bruno") {
		t.Errorf("search not in URL: %s", b.location(ctx))
	}
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('[data-testid="row"]').length`))
	if err != nil || n != 1 {
		t.Errorf("rows after search = %d (%v)", n, err)
	}
	b.shot(ctx, "sin-js-personas")
}

// TestBrowserMarkAllRows: the list's "mark all" box checks every row of
// the page, follows the rows when one is cleared, and the bulk action takes
// what is checked.
func TestBrowserMarkAllRows(t *testing.T) {
	b := newBrowserEnv(t)
	for i, name := range []string{"Ana Sosa", "Bruno Díaz", "Carla Ruiz"} {
		testenv.MustOfficer(t, b.Store, name, "MK-"+strconv.Itoa(i+1))
	}
	ctx := b.tab(nil)
	b.login(ctx, "/admin/oficiales")
	checked := `document.querySelectorAll('[data-testid="row-check"]:checked').length`
	all := `document.querySelector('[data-testid="check-all"]')`
	b.do(ctx, "mark all", chromedp.WaitVisible(testenv.CSS(`[data-testid="check-all"]`)),
		chromedp.Click(testenv.CSS(`[data-testid="check-all"]`)),
		waitJS(checked+` === 3`))
	b.do(ctx, "clear one row", chromedp.Click(testenv.CSS(`[data-testid="row-check"]`)),
		waitJS(checked+` === 2 && !`+all+`.checked && `+all+`.indeterminate`))
	b.do(ctx, "mark all again", chromedp.Click(testenv.CSS(`[data-testid="check-all"]`)),
		waitJS(checked+` === 3 && `+all+`.checked`))
	b.do(ctx, "deactivate the marked", chromedp.Click(testenv.CSS(`[data-testid="bulk-deactivate"]`)),
		chromedp.WaitVisible(testenv.CSS(`[data-testid="bulk-officers-form"]`)))
	if got := b.text(ctx, `[data-testid="bulk-count"]`); !strings.Contains(got, "3 oficiales") {
		t.Errorf("confirmation: %q, want the 3 officers", got)
	}
}

package admin_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"transito/internal/testenv"
)

// tabTo presses Tab until the element matching sel has the focus (at most
// 60 times), and checks that the focus is visible there.
func (b *browserEnv) tabTo(ctx context.Context, sel string) {
	b.t.Helper()
	js := fmt.Sprintf(`document.activeElement && document.activeElement.matches(%q)`, sel)
	for range 60 {
		if b.eval(ctx, js) {
			if !b.eval(ctx, `(() => { const s = getComputedStyle(document.activeElement);
				return (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== "none"; })()`) {
				b.shot(ctx, "focus-invisible")
				b.t.Errorf("the focus on %s is not visible", sel)
			}
			return
		}
		b.do(ctx, "tab", chromedp.KeyEvent("\t"))
	}
	b.shot(ctx, "tab-never-reached")
	b.t.Fatalf("Tab never reached %s (focus on %s)", sel, b.activeElement(ctx))
}

func (b *browserEnv) activeElement(ctx context.Context) string {
	s, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement ? document.activeElement.outerHTML.slice(0, 120) : ""`))
	return s
}

// TestKeyboardOnly: log in, search, open a person, edit and save with Tab,
// typing and Enter only — every step's focus visible.
func TestKeyboardOnly(t *testing.T) {
	b := newBrowserEnv(t)
	testenv.MustPerson(t, b.Store, "Zulema Quiroga", "zulema@example.com")
	testenv.MustPerson(t, b.Store, "Ana Prueba", "ana.prueba@example.com")
	ctx := b.tab(nil)
	b.do(ctx, "login page", chromedp.Navigate(b.base+"/admin/login"), chromedp.WaitVisible(testenv.CSS("#usuario")))
	b.tabTo(ctx, "#usuario")
	b.do(ctx, "user", chromedp.KeyEvent("admin"))
	b.tabTo(ctx, "#clave")
	b.do(ctx, "password", chromedp.KeyEvent(testenv.Password+"\r"), chromedp.WaitVisible(testenv.CSS(`[data-testid="current-user"]`)))

	b.tabTo(ctx, `[data-testid="nav-personas"]`)
	b.do(ctx, "to the persons", chromedp.KeyEvent("\r"), waitJS(`location.pathname === "/admin/personas"`), chromedp.WaitVisible(testenv.CSS("#q")))
	b.tabTo(ctx, "#q")
	b.do(ctx, "search", chromedp.KeyEvent("QUIROGA\r"),
		waitJS(`document.querySelectorAll('[data-testid="row"]').length === 1`))
	b.tabTo(ctx, `[data-testid="row"] a`)
	b.do(ctx, "open the person", chromedp.KeyEvent("\r"), chromedp.WaitVisible(testenv.CSS(`[data-testid="person-form"]`)))
	b.tabTo(ctx, "#f-nombre")
	// Tab selects the field's text: End goes past it, as a person would.
	b.do(ctx, "edit the name", chromedp.KeyEvent(kb.End), chromedp.KeyEvent(" Ruiz"))
	b.tabTo(ctx, `[data-testid="person-form"] [data-testid="submit"]`)
	b.do(ctx, "save", chromedp.KeyEvent("\r"), chromedp.WaitVisible(testenv.CSS(`[data-testid="flash-ok"]`)))
	if got := b.text(ctx, `[data-testid="page-title"]`); got != "Zulema Quiroga Ruiz" {
		t.Errorf("after saving with the keyboard the title is %q", got)
	}
}

// TestPhoneMenuWithoutJavaScript: at 390 px the sections are a <details>
// menu that opens and navigates with scripts off, and a list keeps its
// first column in view while the table scrolls inside its box.
func TestPhoneMenuWithoutJavaScript(t *testing.T) {
	b := newBrowserEnv(t)
	for i := range 3 {
		testenv.MustPerson(t, b.Store, fmt.Sprintf("Persona con un nombre bastante largo %d", i), fmt.Sprintf("persona.larga%d@example.com", i))
	}
	ctx := b.tab(nil)
	b.login(ctx, "/admin")
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	b.do(ctx, "phone", chromedp.EmulateViewport(390, 844), chromedp.Navigate(b.base+"/admin/vehiculos"),
		chromedp.WaitVisible(testenv.CSS(`[data-testid="nav-menu"] summary`)))
	if b.eval(ctx, `typeof window.htmx !== "undefined"`) {
		t.Fatal("scripts ran")
	}
	if b.eval(ctx, `document.querySelector('[data-testid="nav-personas"]').checkVisibility()`) {
		t.Error("the sidebar's links show on a phone")
	}
	if b.eval(ctx, `document.querySelector('[data-testid="menu-personas"]').checkVisibility()`) {
		t.Error("the menu is open before it is asked for")
	}
	b.do(ctx, "open the menu", chromedp.Click(testenv.CSS(`[data-testid="nav-menu"] summary`)),
		chromedp.WaitVisible(testenv.CSS(`[data-testid="menu-personas"]`)))
	b.shot(ctx, "movil-menu")
	b.do(ctx, "go to persons", chromedp.Click(testenv.CSS(`[data-testid="menu-personas"]`)),
		chromedp.WaitVisible(testenv.CSS(`[data-testid="list-table"]`)))
	time.Sleep(200 * time.Millisecond)
	if loc := b.location(ctx); !strings.HasSuffix(loc, "/admin/personas") {
		t.Fatalf("the menu led to %s", loc)
	}
	b.shot(ctx, "movil-personas")
	if !b.eval(ctx, `getComputedStyle(document.querySelector('[data-testid="row"] td')).position === "sticky"`) {
		t.Error("the list's first column is not sticky")
	}
	if b.eval(ctx, `document.documentElement.scrollWidth > window.innerWidth`) {
		t.Error("the list scrolls the page sideways")
	}
	if !strings.Contains(b.text(ctx, `[data-testid="nav-menu"] summary`), "Personas") {
		t.Error("the closed menu does not say which section is open")
	}
}

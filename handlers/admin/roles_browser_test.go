package admin_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"transito/internal/testenv"
	"transito/models"
	"transito/models/rules"
)

// TestBrowserRefusedActionSaysWhichRole: a supervisor's page is open when
// an administrador makes the account an operador; the annul form sent then
// (by htmx) is refused, and the page says which role it needs in its flash
// area, staying as it was. After a reload the form is gone.
func TestBrowserRefusedActionSaysWhichRole(t *testing.T) {
	b := newBrowserEnv(t)
	p := testenv.MustPerson(t, b.Store, "Ana Pérez", "ana@example.com")
	v := testenv.MustVehicle(t, b.Store, "AB123CD", p.ID)
	o := testenv.MustOfficer(t, b.Store, "Oficial Uno", "B1")
	inf := testenv.MustInfraction(t, b.Store, v.Plate, o.Badge, time.Now().Add(-time.Hour))
	super := testenv.MustAdmin(t, b.Store, "super", rules.RoleSupervisor)
	ctx := b.tab(nil)
	page := fmt.Sprintf("%s/admin/infracciones/%d", b.base, inf)
	b.do(ctx, "login as supervisor",
		chromedp.Navigate(page),
		chromedp.WaitVisible(testenv.CSS(`[data-testid="login-form"]`)),
		chromedp.SendKeys(testenv.CSS("#usuario"), "super"),
		chromedp.SendKeys(testenv.CSS("#clave"), testenv.Password),
		chromedp.Click(testenv.CSS(`[data-testid="login-submit"]`)),
		chromedp.WaitVisible(testenv.CSS(`[data-testid="void-form"]`)),
	)
	if b.eval(ctx, `!!document.querySelector('[data-testid="nav-administradores"]')`) {
		t.Error("the supervisor's sidebar links to the administrators")
	}
	if _, err := b.Store.UpdateAdmin(context.Background(), super.ID, rules.AdminChange{Role: rules.RoleOperador}, testenv.Actor); err != nil {
		t.Fatal(err)
	}
	b.do(ctx, "annul without the role",
		chromedp.SendKeys(testenv.CSS("#f-motivo"), "Ya no puedo"),
		chromedp.Click(testenv.CSS(`[data-testid="void-submit"]`)),
		waitJS(`!!document.querySelector('#flashes [data-testid="flash-error"]')`),
	)
	if msg := b.text(ctx, `#flashes [data-testid="flash-error"]`); !strings.Contains(msg, "Esta acción requiere el rol supervisor.") {
		t.Errorf("flash %q, want the role needed", msg)
	}
	if !b.eval(ctx, `!!document.querySelector('[data-testid="void-form"]') && !document.querySelector('[data-testid="error-page"]')`) {
		t.Error("the refusal replaced the page")
	}
	b.shot(ctx, "rol-requerido")
	if i, err := b.Store.InfractionByID(context.Background(), inf); err != nil || i.Status != models.StatusValid {
		t.Fatalf("infraction after the refusal: %+v %v", i, err)
	}
	b.do(ctx, "reload", chromedp.Reload(), chromedp.WaitVisible(testenv.CSS(`[data-testid="current-role"]`)))
	if b.eval(ctx, `!!document.querySelector('[data-testid="void-form"]')`) {
		t.Error("the operador still sees the annul form after a reload")
	}

	// The administrador gives the role back with the account's form.
	b.do(ctx, "logout", chromedp.Click(testenv.CSS(`[data-testid="logout"]`)), chromedp.WaitVisible(testenv.CSS(`[data-testid="login-form"]`)))
	b.login(ctx, fmt.Sprintf("/admin/administradores/%d", super.ID))
	b.do(ctx, "give the role back",
		chromedp.WaitVisible(testenv.CSS(`[data-testid="admin-change-form"]`)),
		chromedp.SetValue(testenv.CSS("#f-rol"), "supervisor"),
		chromedp.Click(testenv.CSS(`[data-testid="admin-change-submit"]`)),
		waitJS(`[...document.querySelectorAll('[data-testid="flash-ok"]')].some(e => e.textContent.includes('rol supervisor'))`),
	)
	if msg := b.text(ctx, `[data-testid="flash-ok"]`); !strings.Contains(msg, "rol supervisor") {
		t.Errorf("flash %q", msg)
	}
	b.shot(ctx, "administrador-cuenta")
	if a, err := b.Store.AdminByID(context.Background(), super.ID); err != nil || a.Role != rules.RoleSupervisor {
		t.Errorf("after the form: %+v %v", a, err)
	}
}

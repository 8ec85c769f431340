package admin_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"transito/internal/testenv"
	"transito/models/fines"
	"transito/models/rules"
)

// TestBrowserClassifyAndPay: from the infraction page an operador
// classifies it (htmx form, then the page with the amount), types a wrong
// amount (the field says what is owed) and records the right one.
func TestBrowserClassifyAndPay(t *testing.T) {
	b := newBrowserEnv(t)
	ctx0 := context.Background()
	for _, in := range testenv.Catalogue {
		if _, err := b.Store.CreateInfractionType(ctx0, in, testenv.Actor); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := b.Store.SetUnitValue(ctx0, rules.UnitValueInput{From: fines.NewDate(2020, 1, 1), Cents: 100000}, testenv.Actor); err != nil {
		t.Fatal(err)
	}
	p := testenv.MustPerson(t, b.Store, "Ana Pérez", "ana@example.com")
	v := testenv.MustVehicle(t, b.Store, "AB123CD", p.ID)
	o := testenv.MustOfficer(t, b.Store, "Oficial Uno", "B1")
	inf := testenv.MustInfraction(t, b.Store, v.Plate, o.Badge, time.Now().Add(-time.Hour))
	testenv.MustAdmin(t, b.Store, "opera", rules.RoleOperador)
	ctx := b.tab(nil)
	b.do(ctx, "login as operador",
		chromedp.Navigate(fmt.Sprintf("%s/admin/infracciones/%d", b.base, inf)),
		chromedp.WaitVisible(testenv.CSS(`[data-testid="login-form"]`)),
		chromedp.SendKeys(testenv.CSS("#usuario"), "opera"),
		chromedp.SendKeys(testenv.CSS("#clave"), testenv.Password),
		chromedp.Click(testenv.CSS(`[data-testid="login-submit"]`)),
		chromedp.WaitVisible(testenv.CSS(`[data-testid="classify-form"]`)),
	)
	b.do(ctx, "classify",
		chromedp.SetValue(testenv.CSS("#f-codigo"), "T01"),
		chromedp.Click(testenv.CSS(`[data-testid="classify-submit"]`)),
		chromedp.WaitVisible(testenv.CSS(`[data-testid="payment-form"]`)),
	)
	if got := b.text(ctx, `[data-testid="fine-to-pay"]`); !strings.Contains(got, "$ 150.000,00") {
		t.Errorf("a pagar = %q", got)
	}
	b.do(ctx, "a wrong amount",
		chromedp.SendKeys(testenv.CSS("#f-importe"), "300000"),
		chromedp.SendKeys(testenv.CSS("#f-referencia"), "REC-1"),
		chromedp.Click(testenv.CSS(`[data-testid="payment-submit"]`)),
		chromedp.WaitVisible(testenv.CSS(`#f-importe[aria-invalid="true"]`)),
	)
	if got := b.text(ctx, `[data-testid="error-importe"]`); !strings.Contains(got, "$ 150.000,00") {
		t.Errorf("error-importe = %q", got)
	}
	b.do(ctx, "the right amount",
		chromedp.SetValue(testenv.CSS("#f-importe"), "150.000,00"),
		chromedp.Click(testenv.CSS(`[data-testid="payment-submit"]`)),
		chromedp.WaitVisible(testenv.CSS(`[data-testid="payment-reference"]`)),
	)
	b.shot(ctx, "multa-pagada")
	if got := b.text(ctx, `[data-testid="payment-reference"]`); got != "REC-1" {
		t.Errorf("payment reference = %q", got)
	}
	if !b.eval(ctx, `document.querySelector('[data-testid="fine-status"]').dataset.estado === 'pagada' && !document.querySelector('[data-testid="payment-form"]')`) {
		t.Error("the page does not show the fine paid")
	}
}

package portal_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"transito/handlers"
	"transito/internal/mailer"
	"transito/internal/outbox"
	"transito/internal/smtptest"
	"transito/internal/testdb"
	"transito/internal/testenv"
	"transito/models/rules"
)

// TestPortalInBrowser walks the portal in verified mode as a citizen does:
// the look-up with the plate (htmx) shows what is owed; a descargo with a
// photo; a one-time link read from the mail the mailer delivered to a real
// SMTP server; and the same look-up with JavaScript disabled.
func TestPortalInBrowser(t *testing.T) {
	if testdb.Postgres() {
		t.Skip("browser tests run once, on SQLite: the database does not change what the browser shows")
	}
	e := testenv.Demo(t, handlers.Config{ReportAccess: rules.AccessVerified, PaymentInstructions: "Pague en cualquier banco con el número de acta."})
	base, browser := publicBrowser(t, e)
	vigente, _, _ := anaFines(t, e)

	t.Run("verified look-up and a descargo with a photo", func(t *testing.T) {
		ctx := browserTab(t, browser)
		err := chromedp.Do(ctx,
			chromedp.Navigate(base+"/"),
			chromedp.WaitVisible(testenv.CSS(`[data-testid="lookup-plate"]`)),
			chromedp.SendKeys(testenv.CSS(`[data-testid="lookup-email"]`), testenv.DemoEmail),
			chromedp.SendKeys(testenv.CSS(`[data-testid="lookup-plate"]`), "ab-123-cd"),
			chromedp.Click(testenv.CSS(`[data-testid="lookup-submit"]`)),
			chromedp.WaitVisible(testenv.CSS(`#resultado [data-testid="summary-owed"]`)),
		)
		if err != nil {
			t.Fatal(err)
		}
		row := `[data-testid="infraction-row"][data-id="` + id(vigente) + `"]`
		if got := browserText(t, ctx, row+` [data-testid="infraction-topay"]`); !strings.Contains(got, "de descuento hasta el") {
			t.Errorf("a pagar %q", got)
		}
		if got := browserText(t, ctx, row+` [data-testid="action-pay-text"]`); !strings.Contains(got, "cualquier banco") {
			t.Errorf("how to pay %q", got)
		}
		photo := filepath.Join(t.TempDir(), "foto.png")
		if err := os.WriteFile(photo, pngBytes(t), 0o600); err != nil {
			t.Fatal(err)
		}
		err = chromedp.Do(ctx,
			chromedp.Click(testenv.CSS(row+` [data-testid="action-descargo"]`)),
			chromedp.WaitVisible(testenv.CSS(`[data-testid="descargo-form"]`)),
			chromedp.SendKeys(testenv.CSS(`[data-testid="descargo-texto"]`), "El semáforo estaba en amarillo."),
			chromedp.SetUploadFiles(testenv.CSS(`[data-testid="descargo-adjuntos"]`), []string{photo}),
			chromedp.Click(testenv.CSS(`[data-testid="descargo-submit"]`)),
			chromedp.WaitVisible(testenv.CSS(`[data-testid="descargo-reference"]`)),
		)
		if err != nil {
			t.Fatal(err)
		}
		ref := browserText(t, ctx, `[data-testid="descargo-reference"]`)
		d, err := e.Store.DisputeByReference(context.Background(), ref)
		if err != nil {
			t.Fatalf("descargo %q: %v", ref, err)
		}
		files, _ := e.Store.AttachmentsOf(context.Background(), 0, d.ID)
		if len(files) != 1 || files[0].ContentType != "image/png" {
			t.Errorf("uploaded files %+v", files)
		}
	})

	t.Run("one-time link from the mail", func(t *testing.T) {
		ctx := browserTab(t, browser)
		err := chromedp.Do(ctx,
			chromedp.Navigate(base+"/"),
			chromedp.Click(testenv.CSS(`[data-testid="access-link"]`)),
			chromedp.WaitVisible(testenv.CSS(`[data-testid="access-email"]`)),
			chromedp.SendKeys(testenv.CSS(`[data-testid="access-email"]`), "bruno.diaz@example.com"),
			chromedp.Click(testenv.CSS(`[data-testid="access-submit"]`)),
			chromedp.WaitVisible(testenv.CSS(`[data-testid="access-sent"]`)),
		)
		if err != nil {
			t.Fatal(err)
		}
		srv := smtptest.Start(t, smtptest.Options{})
		mc, err := mailer.ParseURL(srv.URL())
		if err != nil {
			t.Fatal(err)
		}
		m, err := mailer.New(mc)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := outbox.New(e.Store, m, outbox.Config{From: "avisos@example.com"}).Round(context.Background()); err != nil {
			t.Fatal(err)
		}
		var link string
		for _, msg := range srv.Messages() {
			if len(msg.To) == 1 && msg.To[0] == "bruno.diaz@example.com" {
				link = regexp.MustCompile(`http://\S+/consulta\?acceso=\S+`).FindString(msg.Text)
			}
		}
		if link == "" {
			t.Fatal("no link mail for bruno.diaz@example.com")
		}
		link = base + link[strings.Index(link, "/consulta"):]
		if err := chromedp.Do(ctx, chromedp.Navigate(link), chromedp.WaitVisible(testenv.CSS(`[data-testid="action-acta"]`))); err != nil {
			t.Fatal(err)
		}
		if name := browserText(t, ctx, `[data-testid="person-name"]`); name != "Bruno Díaz" {
			t.Errorf("person %q", name)
		}
		if loc := browserLocation(t, ctx); strings.Contains(loc, "acceso=") {
			t.Errorf("the token stayed in the address bar: %s", loc)
		}
	})

	t.Run("without JavaScript", func(t *testing.T) {
		ctx := browserTab(t, browser)
		if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
			t.Fatal(err)
		}
		if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
			t.Fatal(err)
		}
		err := chromedp.Do(ctx,
			chromedp.Navigate(base+"/"),
			chromedp.WaitVisible(testenv.CSS(`[data-testid="lookup-plate"]`)),
			chromedp.SendKeys(testenv.CSS(`[data-testid="lookup-email"]`), "diego.fernandez@example.com"),
			chromedp.SendKeys(testenv.CSS(`[data-testid="lookup-document"]`), "23.456.789"),
			chromedp.Submit(testenv.CSS(`[data-testid="lookup-form"]`)),
			chromedp.WaitVisible(testenv.CSS(`[data-testid="summary-owed"]`)),
		)
		if err != nil {
			t.Fatal(err)
		}
		if n := browserEval[int](t, ctx, `document.querySelectorAll('[data-testid="infraction-row"]').length`); n != 3 {
			t.Errorf("%d fines, want Diego's 3", n)
		}
		if n := browserEval[int](t, ctx, `document.querySelectorAll('[data-testid="dispute-resolution"]').length`); n == 0 {
			t.Error("the resolved descargos' resolutions are not shown")
		}
		if browserEval[bool](t, ctx, `typeof htmx !== "undefined"`) {
			t.Error("scripts ran: the test did not exercise the JS-free path")
		}
	})
}

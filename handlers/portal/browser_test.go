package portal_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"transito/handlers"
	"transito/internal/testdb"
	"transito/internal/testenv"
)

// publicBrowser serves an environment on a loopback port and starts a
// headless Chromium to drive it.
func publicBrowser(t *testing.T, e *testenv.Env) (base string, browser context.Context) {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test")
	}
	// One browser for the test; browserTab opens tabs in it.
	browser = testenv.Browser(t, 390, 844)
	return "http://" + e.Listen(), browser
}

func browserTab(t *testing.T, browser context.Context) context.Context {
	t.Helper()
	return testenv.Tab(t, browser, 60*time.Second)
}

// TestPublicPageInBrowser submits the form with htmx (the result is
// swapped in place, the URL becomes shareable, error states are swapped
// too) and without JavaScript (the same form returns the whole page).
func TestPublicPageInBrowser(t *testing.T) {
	if testdb.Postgres() {
		t.Skip("browser tests run once, on SQLite: the database does not change what the browser shows")
	}
	e := testenv.Demo(t, handlers.Config{})
	base, browser := publicBrowser(t, e)

	t.Run("htmx", func(t *testing.T) {
		ctx := browserTab(t, browser)
		err := chromedp.Do(ctx,
			chromedp.Navigate(base+"/"),
			chromedp.WaitVisible(testenv.CSS(`[data-testid="lookup-email"]`)),
			chromedp.SendKeys(testenv.CSS(`[data-testid="lookup-email"]`), testenv.DemoEmail),
			chromedp.Click(testenv.CSS(`[data-testid="lookup-submit"]`)),
			chromedp.WaitVisible(testenv.CSS(`#resultado [data-testid="person-name"]`)),
		)
		if err != nil {
			t.Fatal(err)
		}
		if name := browserText(t, ctx, `[data-testid="person-name"]`); name != "Ana Martínez" {
			t.Errorf("person %q", name)
		}
		if n := browserEval[int](t, ctx, `document.querySelectorAll('[data-testid="lookup-form"]').length`); n != 1 {
			t.Errorf("%d forms after the swap: the page was nested", n)
		}
		if n := browserEval[int](t, ctx, `document.querySelectorAll('#resultado [data-testid="infraction-row"]').length`); n != 3 {
			t.Errorf("%d rows", n)
		}
		if loc := browserLocation(t, ctx); !strings.HasSuffix(loc, "/consulta?email=ana.martinez%40example.com") {
			t.Errorf("URL after the swap %q, want the shareable /consulta?email=…", loc)
		}

		err = chromedp.Do(ctx,
			chromedp.SetValue(testenv.CSS(`[data-testid="lookup-email"]`), "nadie@example.com"),
			chromedp.Click(testenv.CSS(`[data-testid="lookup-submit"]`)),
			chromedp.WaitVisible(testenv.CSS(`#resultado [data-testid="state-unknown"]`)),
		)
		if err != nil {
			t.Fatalf("the 404 state was not swapped in: %v", err)
		}
		if n := browserEval[int](t, ctx, `document.querySelectorAll('[data-testid="person-name"]').length`); n != 0 {
			t.Error("the previous result is still shown")
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
			chromedp.WaitVisible(testenv.CSS(`[data-testid="lookup-email"]`)),
			chromedp.SendKeys(testenv.CSS(`[data-testid="lookup-email"]`), "carla.gomez@example.com"),
			chromedp.Submit(testenv.CSS(`[data-testid="lookup-form"]`)),
			chromedp.WaitVisible(testenv.CSS(`[data-testid="state-empty"]`)),
		)
		if err != nil {
			t.Fatal(err)
		}
		if name := browserText(t, ctx, `[data-testid="person-name"]`); name != "Carla Gómez" {
			t.Errorf("person %q", name)
		}
		if loc := browserLocation(t, ctx); !strings.HasSuffix(loc, "/consulta?email=carla.gomez%40example.com") {
			t.Errorf("URL %q", loc)
		}
		if browserEval[bool](t, ctx, `typeof htmx !== "undefined"`) {
			t.Error("scripts ran: the test did not exercise the JS-free path")
		}
	})
}

func browserText(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(testenv.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

func browserEval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("eval %s: %v", js, err)
	}
	return v
}

func browserLocation(t *testing.T, ctx context.Context) string {
	t.Helper()
	u, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	return u
}

package testenv

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"transito/internal/testdb"
)

// ChromiumPath is the Chromium the browser tests drive.
const ChromiumPath = "/usr/bin/chromium"

// Browser starts a headless Chromium for the test, with a window of width
// × height pixels and a profile of its own, and returns its first tab,
// which accepts every confirm() dialog (see Tab). The browser closes when
// the test ends. Browser tests run once, on SQLite (the database does not
// change what a browser shows): on PostgreSQL, or without Chromium, the
// test is skipped.
func Browser(t testing.TB, width, height int) context.Context {
	t.Helper()
	if testdb.Postgres() {
		t.Skip("browser tests run once, on SQLite: the database does not change what the browser shows")
	}
	if _, err := os.Stat(ChromiumPath); err != nil {
		t.Skip("chromium not installed: " + ChromiumPath + " is missing (apt-get install chromium)")
	}
	// On a loaded machine chromium now and then exits before it prints its
	// DevTools address, having printed nothing: a start is tried three times.
	var err error
	for range 3 {
		var ctx context.Context
		if ctx, err = startBrowser(t, width, height); err == nil {
			acceptDialogs(ctx)
			return ctx
		}
	}
	t.Fatal(err)
	return nil
}

func startBrowser(t testing.TB, width, height int) (context.Context, error) {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(ChromiumPath),
		chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(width, height),
	)
	alloc, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	t.Cleanup(cancelCtx)
	return ctx, chromedp.Do(ctx)
}

// Tab opens a tab of browser (a context from Browser or Tab) that closes
// when the test ends or after timeout, and accepts every confirm() dialog,
// as a user clicking OK would.
func Tab(t testing.TB, browser context.Context, timeout time.Duration) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser)
	t.Cleanup(cancel)
	ctx, cancelT := context.WithTimeout(ctx, timeout)
	t.Cleanup(cancelT)
	acceptDialogs(ctx)
	return ctx
}

// acceptDialogs answers every JavaScript dialog of the tab with OK.
func acceptDialogs(ctx context.Context) {
	dialogs := chromedp.Events(ctx, page.JavascriptDialogOpening)
	go func() {
		for _, err := range dialogs {
			if err != nil {
				return
			}
			_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	}()
}

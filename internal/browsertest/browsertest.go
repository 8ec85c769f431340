// Package browsertest walks every page a server serves in a real headless
// Chromium and checks what only a browser shows: axe-core's WCAG 2.1 A/AA
// rules, console errors (a CSP refusal among them), and that nothing scrolls
// sideways on a phone. The pages come from the server's route table, so a
// page added later is walked without editing a test.
package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"transito/internal/testenv"
)

// Chromium is where the browser tests expect Debian's chromium.
const Chromium = testenv.ChromiumPath

// AxePath is axe-core's script, installed by npm ci (package.json pins it).
func AxePath() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "node_modules", "axe-core", "axe.min.js")
}

// Requirements skips t, saying why, when Chromium or axe-core is missing,
// and returns axe-core's source.
func Requirements(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat(Chromium); err != nil {
		t.Skip("chromium not installed: " + Chromium + " is missing (apt-get install chromium)")
	}
	axe, err := os.ReadFile(AxePath())
	if err != nil {
		t.Skip("axe-core not installed: " + AxePath() + " is missing (run npm ci)")
	}
	return string(axe)
}

// Pages lists the full HTML pages the server answers to GET, for a
// logged-in administrator: every GET route without parameters, and each
// route with parameters (":id") through a link found on those pages that
// fits it, plus extra (query strings, error pages). Routes answered with
// anything but a whole HTML document (exports, JSON, fragments) are left
// out; routes with parameters that no page links to are returned in missing.
func Pages(t *testing.T, c *testenv.Client, extra ...string) (pages, missing []string) {
	t.Helper()
	var patterns []string
	seen := map[string]bool{}
	queue := slices.Clone(extra)
	for _, r := range c.Server.App.GetRoutes(true) {
		if r.Method != http.MethodGet || seen[r.Path] || strings.HasPrefix(r.Path, "/static") {
			continue
		}
		seen[r.Path] = true
		if strings.Contains(r.Path, ":") || strings.Contains(r.Path, "*") {
			patterns = append(patterns, r.Path)
		} else {
			queue = append(queue, r.Path)
		}
	}
	links := map[string]bool{}
	visited := map[string]bool{}
	html := map[string]bool{}
	// visit reads a page and keeps its links; it reports whether the
	// page is a whole HTML document.
	visit := func(path string) bool {
		if visited[path] {
			return html[path]
		}
		visited[path] = true
		resp := c.Do(httptest.NewRequest(http.MethodGet, path, nil))
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !strings.Contains(string(body[:min(len(body), 512)]), "<html") {
			return false
		}
		html[path] = true
		doc, err := goquery.NewDocumentFromReader(strings.NewReader(string(body)))
		if err != nil {
			return true
		}
		doc.Find("a[href]").Each(func(_ int, s *goquery.Selection) {
			href, _ := s.Attr("href")
			if u, err := url.Parse(href); err == nil && u.Host == "" && strings.HasPrefix(u.Path, "/") {
				links[u.Path] = true
			}
		})
		return true
	}
	for _, p := range queue {
		if visit(p) {
			pages = append(pages, p)
		}
	}
	// A route with parameters is walked through the first link that fits
	// it; up to five such links are read for more links, until no route is
	// left that a link could fit.
	resolved := map[string]string{}
	for changed := true; changed; {
		changed = false
		sorted := make([]string, 0, len(links))
		for l := range links {
			sorted = append(sorted, l)
		}
		slices.Sort(sorted)
		for _, pat := range patterns {
			re := regexp.MustCompile("^" + regexp.MustCompile(`:[A-Za-z_]+|\*`).ReplaceAllStringFunc(regexp.QuoteMeta(pat), func(string) string { return `[^/]+` }) + "$")
			n := 0
			for _, l := range sorted {
				if !re.MatchString(l) || n == 5 {
					continue
				}
				n++
				if !visited[l] {
					changed = true
				}
				if visit(l) && resolved[pat] == "" {
					resolved[pat] = l
				}
			}
		}
	}
	for _, pat := range patterns {
		if l := resolved[pat]; l != "" {
			pages = append(pages, l)
		} else {
			missing = append(missing, pat)
		}
	}
	return pages, missing
}

// Browser is a headless Chromium on the server at base.
type Browser struct {
	t     *testing.T
	base  string
	axe   string
	ctx   context.Context
	errs  []string
	width int
	// current is the URL Open loaded.
	current string
}

// New starts Chromium at the given window width.
func New(t *testing.T, base, axe string, width, height int) *Browser {
	t.Helper()
	ctx, cancelT := context.WithTimeout(testenv.Browser(t, width, height), 10*time.Minute)
	t.Cleanup(cancelT)
	b := &Browser{t: t, base: base, axe: axe, ctx: ctx, width: width}
	if _, err := chromedp.Run(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatal(err)
	}
	err := chromedp.Listen(ctx, func(ev any) {
		switch e := ev.(type) {
		case *cdpruntime.EventConsoleAPICalled:
			if e.Type == cdpruntime.ConsoleAPICalledTypeError {
				var parts []string
				for _, a := range e.Args {
					parts = append(parts, strings.Trim(string(a.Value), `"`))
				}
				b.errs = append(b.errs, "console.error: "+strings.Join(parts, " "))
			}
		case *cdpruntime.EventExceptionThrown:
			b.errs = append(b.errs, "exception: "+e.ExceptionDetails.Text+" "+exceptionText(e.ExceptionDetails))
		case *cdplog.EventEntryAdded:
			// An error page's own status is not an error of the page.
			if e.Entry.Level == cdplog.EntryLevelError && !(e.Entry.URL == b.current && strings.HasPrefix(e.Entry.Text, "Failed to load resource")) {
				b.errs = append(b.errs, "log: "+e.Entry.Text+" "+e.Entry.URL)
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, cdplog.Enable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	return b
}

func exceptionText(d *cdpruntime.ExceptionDetails) string {
	if d.Exception != nil {
		return d.Exception.Description
	}
	return ""
}

// Context is the browser tab.
func (b *Browser) Context() context.Context { return b.ctx }

// Login signs the administrator in.
func (b *Browser) Login() {
	b.t.Helper()
	if err := chromedp.Do(b.ctx,
		chromedp.Navigate(b.base+"/admin/login"),
		chromedp.WaitVisible(testenv.CSS(`[data-testid="login-form"]`)),
		chromedp.SendKeys(testenv.CSS("#usuario"), "admin"),
		chromedp.SendKeys(testenv.CSS("#clave"), testenv.Password),
		chromedp.Click(testenv.CSS(`[data-testid="login-submit"]`)),
		chromedp.WaitVisible(testenv.CSS(`[data-testid="current-user"]`)),
	); err != nil {
		b.t.Fatalf("login: %v", err)
	}
}

// Open loads path and waits until it is complete (and htmx settled); it
// returns the console errors the page logged.
func (b *Browser) Open(path string) []string {
	b.t.Helper()
	b.errs, b.current = nil, b.base+path
	if err := chromedp.Do(b.ctx, chromedp.Navigate(b.current)); err != nil {
		return []string{"navigate: " + err.Error()}
	}
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if done, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`document.readyState === "complete"`)); err == nil && done {
			break
		}
	}
	time.Sleep(150 * time.Millisecond) // deferred scripts and their console output
	return slices.Clone(b.errs)
}

// Violation is one axe-core rule a page breaks.
type Violation struct {
	ID      string `json:"id"`
	Impact  string `json:"impact"`
	Help    string `json:"help"`
	Targets []string
	Summary string
}

// Axe runs axe-core's WCAG 2.1 A and AA rules on the open page. The script
// is evaluated through DevTools, which the page's CSP does not govern.
func (b *Browser) Axe() ([]Violation, error) {
	// Closed disclosures (the create forms, the phone's menu) are opened,
	// so that what they hold is checked too.
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`document.querySelectorAll("details").forEach(d => d.open = true); true`)); err != nil {
		return nil, err
	}
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](b.axe+";true")); err != nil {
		return nil, fmt.Errorf("inject axe: %w", err)
	}
	raw, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}, resultTypes: ["violations"]})
		.then(r => JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
			nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary}))}))))`, chromedp.EvalAwaitPromise))
	if err != nil {
		return nil, fmt.Errorf("axe.run: %w", err)
	}
	var vs []struct {
		Violation
		Nodes []struct {
			Target  string `json:"target"`
			Summary string `json:"summary"`
		} `json:"nodes"`
	}
	if err := json.Unmarshal([]byte(raw), &vs); err != nil {
		return nil, err
	}
	var out []Violation
	for _, v := range vs {
		for _, n := range v.Nodes {
			w := v.Violation
			w.Targets, w.Summary = []string{n.Target}, strings.ReplaceAll(n.Summary, "\n", " ")
			out = append(out, w)
		}
	}
	return out, nil
}

// Overflow reports how far the open page is wider than the window (0 when
// nothing scrolls sideways), and the widest element past its right edge.
func (b *Browser) Overflow() (int, string) {
	over, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth - window.innerWidth`))
	if err != nil || over <= 0 {
		return 0, ""
	}
	what, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`(() => { let w = null, r = 0;
		for (const el of document.querySelectorAll("body *")) { const x = el.getBoundingClientRect().right;
			if (x > window.innerWidth + 1 && x > r) { r = x; w = el; } }
		return w ? w.tagName.toLowerCase() + (w.id ? "#" + w.id : "") + "." + [...w.classList].slice(0, 4).join(".") + " " + Math.round(r) + "px" : ""; })()`))
	return over, what
}

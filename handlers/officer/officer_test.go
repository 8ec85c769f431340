package officer_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"image/png"
	"io"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/PuerkitoBio/goquery"

	"transito/handlers/officer"
	"transito/internal/testenv"
	"transito/paths"
	"transito/static"
)

// get loads path from the whole server (handlers.New, with its middleware
// and CSP) of e, as the app is served in production.
func get(e *testenv.Env, path string, headers ...string) (*http.Response, []byte) {
	e.T.Helper()
	resp, body := e.GetBody(path, headers...)
	return resp, []byte(body)
}

func TestRedirectToTheSlash(t *testing.T) {
	e := testenv.New(t)
	for path, want := range map[string]string{"/oficial": "/oficial/", "/oficial?token=x": "/oficial/?token=x"} {
		resp, _ := get(e, path)
		if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != want {
			t.Errorf("GET %s: %d Location %q, want 301 %s", path, resp.StatusCode, resp.Header.Get("Location"), want)
		}
	}
}

func TestShellHooksAndNoInlineCode(t *testing.T) {
	e := testenv.New(t)
	resp, body := get(e, "/oficial/", "Accept", "text/html")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET /oficial/: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if cc := resp.Header.Get("Cache-Control"); cc != "no-cache" {
		t.Errorf("Cache-Control %q, want no-cache", cc)
	}
	csp := resp.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "style-src 'self'") || strings.Contains(csp, "unsafe") {
		t.Errorf("CSP %q", csp)
	}
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if lang, _ := doc.Find("html").Attr("lang"); lang != "es" {
		t.Errorf("lang %q", lang)
	}
	for _, id := range []string{"token", "ingresar", "placa", "codigo", "comentarios", "ubicacion", "fotos", "guardar"} {
		if n := doc.Find(`[data-testid="` + id + `"]`).Length(); n != 1 {
			t.Errorf("data-testid=%q: %d elements, want 1", id, n)
		}
	}
	if typ, _ := doc.Find(`[data-testid="fotos"]`).Attr("type"); typ != "file" {
		t.Errorf("fotos is a %q input, want file", typ)
	}
	doc.Find("script").Each(func(_ int, s *goquery.Selection) {
		if src, ok := s.Attr("src"); !ok || src == "" || strings.TrimSpace(s.Text()) != "" {
			t.Errorf("inline script: %s", outer(s))
		}
	})
	if n := doc.Find("style, [style]").Length(); n > 0 {
		t.Errorf("%d inline styles", n)
	}
	doc.Find("*").Each(func(_ int, s *goquery.Selection) {
		for _, a := range s.Nodes[0].Attr {
			if strings.HasPrefix(a.Key, "on") {
				t.Errorf("inline handler %s on <%s>", a.Key, s.Nodes[0].Data)
			}
		}
	})
	// Every linked file is served.
	doc.Find("link[href], script[src]").Each(func(_ int, s *goquery.Selection) {
		u := s.AttrOr("href", s.AttrOr("src", ""))
		if r, _ := get(e, u); r.StatusCode != 200 {
			t.Errorf("%s links %s: %d", outer(s), u, r.StatusCode)
		}
	})

	again, _ := get(e, "/oficial/", "If-None-Match", resp.Header.Get("ETag"))
	if resp.Header.Get("ETag") == "" || again.StatusCode != http.StatusNotModified {
		t.Errorf("revalidation with ETag %q: %d, want 304", resp.Header.Get("ETag"), again.StatusCode)
	}
}

func outer(s *goquery.Selection) string {
	h, err := goquery.OuterHtml(s)
	if err != nil {
		return err.Error()
	}
	return h
}

func TestManifest(t *testing.T) {
	e := testenv.New(t)
	resp, body := get(e, paths.OfficerAppManifest)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/manifest+json" {
		t.Fatalf("GET manifest: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var m struct {
		Name            string `json:"name"`
		ShortName       string `json:"short_name"`
		StartURL        string `json:"start_url"`
		Scope           string `json:"scope"`
		Display         string `json:"display"`
		ThemeColor      string `json:"theme_color"`
		BackgroundColor string `json:"background_color"`
		Icons           []struct {
			Src     string `json:"src"`
			Sizes   string `json:"sizes"`
			Type    string `json:"type"`
			Purpose string `json:"purpose"`
		} `json:"icons"`
	}
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	if m.Name == "" || m.ShortName == "" || m.ThemeColor == "" || m.BackgroundColor == "" {
		t.Errorf("manifest lacks a name or colours: %s", body)
	}
	if !strings.HasPrefix(m.StartURL, "/oficial/") || m.Scope != "/oficial/" || m.Display != "standalone" {
		t.Errorf("start_url %q scope %q display %q", m.StartURL, m.Scope, m.Display)
	}
	have := map[string]bool{}
	for _, ic := range m.Icons {
		r, img := get(e, ic.Src)
		if r.StatusCode != 200 || r.Header.Get("Content-Type") != "image/png" {
			t.Errorf("icon %s: %d %s", ic.Src, r.StatusCode, r.Header.Get("Content-Type"))
			continue
		}
		cfg, err := png.DecodeConfig(bytes.NewReader(img))
		if err != nil {
			t.Errorf("icon %s: %v", ic.Src, err)
			continue
		}
		if got := strconv.Itoa(cfg.Width) + "x" + strconv.Itoa(cfg.Height); got != ic.Sizes {
			t.Errorf("icon %s is %s, manifest says %s", ic.Src, got, ic.Sizes)
		}
		have[ic.Purpose+" "+ic.Sizes] = true
	}
	for _, want := range []string{"any 192x192", "any 512x512", "maskable 512x512"} {
		if !have[want] {
			t.Errorf("no %s icon in %s", want, body)
		}
	}
}

func TestServiceWorkerCachesTheWholeShell(t *testing.T) {
	e := testenv.New(t)
	app, err := officer.Load(static.FS)
	if err != nil {
		t.Fatal(err)
	}
	resp, body := get(e, paths.OfficerAppWorker)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/javascript") {
		t.Fatalf("GET sw.js: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if cc := resp.Header.Get("Cache-Control"); cc != "no-cache" {
		t.Errorf("sw.js Cache-Control %q, want no-cache", cc)
	}
	head, _, _ := strings.Cut(string(body), "\n")
	if want := `const VERSION = "` + app.Version() + `";`; head != want {
		t.Errorf("sw.js starts %q, want %q", head, want)
	}
	shell := cachedPaths(t, body)
	if len(shell) == 0 || shell[0] != paths.OfficerApp {
		t.Fatalf("SHELL %v: want the shell first", shell)
	}
	want := map[string]bool{paths.OfficerAppStyle: false, paths.OfficerAppManifest: false, paths.OfficerAppScripts + "app.js": false,
		paths.OfficerAppScripts + "queue.js": false, paths.OfficerAppScripts + "scan.js": false, paths.OfficerAppIcons + "icon-192.png": false}
	for _, p := range shell {
		if p == paths.OfficerAppWorker {
			t.Errorf("the worker caches itself")
		}
		if r, _ := get(e, p); r.StatusCode != 200 {
			t.Errorf("SHELL path %s: %d", p, r.StatusCode)
		}
		if _, ok := want[p]; ok {
			want[p] = true
		}
	}
	for p, seen := range want {
		if !seen {
			t.Errorf("SHELL lacks %s", p)
		}
	}
	if r, _ := get(e, paths.OfficerAppScripts+"sw.js"); r.StatusCode != http.StatusNotFound {
		t.Errorf("the worker's source without its version is served at %s", paths.OfficerAppScripts+"sw.js")
	}
	if r, _ := get(e, paths.OfficerAppScripts+"nada.js"); r.StatusCode != http.StatusNotFound {
		t.Errorf("unknown script: %d", r.StatusCode)
	}
}

// cachedPaths reads the SHELL constant the server puts in front of sw.js.
func cachedPaths(t *testing.T, worker []byte) []string {
	t.Helper()
	for _, line := range strings.Split(string(worker), "\n") {
		if rest, ok := strings.CutPrefix(line, "const SHELL = "); ok {
			var paths []string
			if err := json.Unmarshal([]byte(strings.TrimSuffix(rest, ";")), &paths); err != nil {
				t.Fatal(err)
			}
			return paths
		}
	}
	t.Fatal("sw.js has no SHELL constant")
	return nil
}

// copyFS is static.FS as a MapFS, to change one file.
func copyFS(t *testing.T) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(static.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(static.FS, p)
		m[p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestVersionFollowsEveryFile(t *testing.T) {
	base, err := officer.Load(copyFS(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(base.Version()) != 16 {
		t.Fatalf("version %q", base.Version())
	}
	for _, p := range []string{"css/app.css", "js/oficial/queue.js", "js/oficial/sw.js", "img/oficial/icon-192.png"} {
		m := copyFS(t)
		m[p].Data = append(append([]byte{}, m[p].Data...), ' ')
		changed, err := officer.Load(m)
		if err != nil {
			t.Fatal(err)
		}
		if changed.Version() == base.Version() {
			t.Errorf("changing %s kept version %s: installed apps would not update", p, base.Version())
		}
	}
	again, err := officer.Load(copyFS(t))
	if err != nil {
		t.Fatal(err)
	}
	if again.Version() != base.Version() {
		t.Errorf("the same files gave versions %s and %s", base.Version(), again.Version())
	}
}

func TestMissingAssetsAreAnError(t *testing.T) {
	for _, p := range []string{"js/oficial/sw.js", "js/oficial/app.js", "img/oficial/maskable-512.png", "css/app.css"} {
		m := copyFS(t)
		delete(m, p)
		if _, err := officer.Load(m); err == nil {
			t.Errorf("Load without %s: no error", p)
		}
	}
}

// TestShellSizeBudget checks the budget: the shell's HTML, CSS and
// JavaScript, compressed as served, within 60 KiB.
func TestShellSizeBudget(t *testing.T) {
	e := testenv.New(t)
	_, body := get(e, paths.OfficerAppWorker)
	paths := append(cachedPaths(t, body), paths.OfficerAppWorker)
	total, raw := 0, 0
	for _, p := range paths {
		if strings.HasSuffix(p, ".png") || strings.HasSuffix(p, ".webmanifest") {
			continue
		}
		resp, body := get(e, p, "Accept-Encoding", "gzip")
		if resp.Header.Get("Content-Encoding") != "gzip" {
			t.Errorf("%s served without compression", p)
			continue
		}
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		plain, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		total += len(body)
		raw += len(plain)
		t.Logf("%-34s %6d B, %6d B compressed", p, len(plain), len(body))
	}
	t.Logf("shell: %d B, %d B (%.1f KiB) compressed", raw, total, float64(total)/1024)
	if total > 60<<10 {
		t.Errorf("the shell is %d B compressed, over the 60 KiB budget", total)
	}
}

package officer_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/gofiber/fiber/v2"

	"transito/handlers/officer"
	"transito/internal/testenv"
	"transito/models/fines"
	"transito/models/rules"
)

// TestBrowserBackgroundSync takes only the tab offline: the page cannot
// send, so the citation reaches the server through the service worker's
// Background Sync, and the page learns it over the BroadcastChannel.
func TestBrowserBackgroundSync(t *testing.T) {
	p := newPhone(t)
	p.registry()
	p.do("open", chromedp.Navigate(p.base+"/oficial/"), ready, waitJS(`navigator.serviceWorker.controller !== null`))
	p.signIn()
	tabOnly := emulateNetwork(false, network.Conditions{Offline: true, DownloadThroughput: -1, UploadThroughput: -1})
	p.do("tab offline", tabOnly)
	p.cite("AB123CD", "Por Background Sync", "")
	p.do("sent by the worker", waitJS(items("enviada")+` === 1`))
	if rows := p.serverRows(); len(rows) != 1 || rows[0] != "Por Background Sync" {
		t.Errorf("server rows %q", rows)
	}
}

// TestBrowserLostAnswer puts a proxy between the phone and the server that
// lets the first POST reach the server (which commits it) and then cuts the
// connection before the answer: the app retries with the same
// Idempotency-Key and the server stores one row.
func TestBrowserLostAnswer(t *testing.T) {
	p := newPhone(t)
	p.registry()
	backend, err := url.Parse(p.base)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var keys []string
	proxy := httputil.NewSingleHostReverseProxy(backend)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/api/v1/infracciones" {
			proxy.ServeHTTP(w, r)
			return
		}
		mu.Lock()
		keys = append(keys, r.Header.Get("Idempotency-Key"))
		first := len(keys) == 1
		mu.Unlock()
		if !first {
			proxy.ServeHTTP(w, r)
			return
		}
		body, _ := io.ReadAll(r.Body)
		req, _ := http.NewRequest(http.MethodPost, p.base+r.URL.Path, bytes.NewReader(body))
		req.Header = r.Header.Clone()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Errorf("backend: %v", err)
			return
		}
		resp.Body.Close()
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Errorf("hijack: %v", err)
			return
		}
		conn.Close() // committed on the server, the answer lost
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	p.base = "http://" + ln.Addr().String()

	p.do("open", chromedp.Navigate(p.base+"/oficial/"), ready)
	p.signIn()
	p.cite("AB123CD", "Respuesta perdida", "")
	p.do("sent after the retry", waitJS(items("enviada")+` === 1`))
	if rows := p.serverRows(); len(rows) != 1 {
		t.Errorf("server rows %q, want exactly one", rows)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(keys) < 2 || keys[0] == "" {
		t.Fatalf("POSTs with keys %q: want the first and its retry", keys)
	}
	for _, k := range keys[1:] {
		if k != keys[0] {
			t.Errorf("retry with Idempotency-Key %q, first was %q", k, keys[0])
		}
	}
}

// TestBrowserSlow3G measures the first load of the app on DevTools' "Slow
// 3G" profile (2 s round trip, 400 kbit/s each way) until the sign-in form
// works, and the next load, served by the service worker. It reports the
// figures; speed is measured, not asserted.
func TestBrowserSlow3G(t *testing.T) {
	p := newPhone(t)
	slow := emulateNetwork(false, network.Conditions{Latency: 2000, DownloadThroughput: 50000, UploadThroughput: 50000})
	const measure = `(() => {
		const nav = performance.getEntriesByType("navigation")[0];
		const ready = performance.getEntriesByName("oficial-listo")[0];
		return JSON.stringify({ ready: Math.round(ready.startTime), dcl: Math.round(nav.domContentLoadedEventEnd), fromWorker: nav.workerStart > 0 });
	})()`
	p.do("first load", slow, chromedp.Navigate(p.base+"/oficial/"), ready, chromedp.WaitVisible(testid("ingresar")))
	first := p.eval(measure)
	p.do("worker installed", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Poll[bool](`navigator.serviceWorker.controller !== null`, chromedp.WithPollingTimeout(90*time.Second))(ctx, tg)
		return err
	}))
	p.do("repeat load", chromedp.Reload(), ready, chromedp.WaitVisible(testid("ingresar")))
	repeat := p.eval(measure)
	t.Logf("Slow 3G (2000 ms RTT, 50 000 B/s): first load %s; repeat load %s (ms from navigation start to the app's ready mark)", first, repeat)
	if !bytes.Contains([]byte(repeat), []byte(`"fromWorker":true`)) {
		t.Errorf("the repeat load did not come from the service worker: %s", repeat)
	}
}

// TestBrowserUpdate deploys a new version under an installed app: the new
// worker installs and waits, the page offers "Nueva versión disponible",
// and after "Actualizar" the page runs on the new files with the old cache
// gone.
func TestBrowserUpdate(t *testing.T) {
	serve := func(fsys fstest.MapFS) (*officer.App, string) {
		app, err := officer.Load(fsys)
		if err != nil {
			t.Fatal(err)
		}
		f := fiber.New(fiber.Config{DisableStartupMessage: true})
		app.Routes(f)
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		go f.Listener(ln)
		t.Cleanup(func() { _ = f.Shutdown() })
		return app, "http://" + ln.Addr().String()
	}
	oldApp, oldURL := serve(copyFS(t))
	next := copyFS(t)
	next["css/app.css"].Data = append(append([]byte{}, next["css/app.css"].Data...), "/* nueva */"...)
	newApp, newURL := serve(next)
	if oldApp.Version() == newApp.Version() {
		t.Fatal("the two deploys have one version")
	}

	var current atomic.Value
	current.Store(oldURL)
	proxy := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		u, _ := url.Parse(current.Load().(string))
		r.SetURL(u)
	}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: proxy}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	base := "http://" + ln.Addr().String()

	ctx := openBrowser(t)
	run := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	caches := func() string {
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`caches.keys().then((k) => k.sort().join(","))`, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	run("install the first version", chromedp.Navigate(base+"/oficial/"), ready, waitJS(`navigator.serviceWorker.controller !== null`))
	if got, want := caches(), "oficial-"+oldApp.Version(); got != want {
		t.Errorf("caches %q, want %q", got, want)
	}
	current.Store(newURL)
	run("the new version waits for the officer",
		chromedp.Reload(), ready,
		chromedp.WaitVisible(testid("nueva-version")),
	)
	if got := caches(); !strings.Contains(got, oldApp.Version()) || !strings.Contains(got, newApp.Version()) {
		t.Errorf("while the new worker waits, caches %q: want both versions", got)
	}
	if _, err := chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(css("#actualizar")))); err != nil {
		t.Fatalf("update: %v", err)
	}
	run("reloaded on the new version", ready)
	if got, want := caches(), "oficial-"+newApp.Version(); got != want {
		t.Errorf("after the update, caches %q, want only %q", got, want)
	}
	css, err := chromedp.Run(ctx, chromedp.Evaluate[string](`caches.match("/oficial/app.css").then((r) => r.text())`, chromedp.EvalAwaitPromise))
	if err != nil || !strings.HasSuffix(css, "/* nueva */") {
		t.Errorf("the cached stylesheet is not the new one (%v)", err)
	}
	if hidden, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('[data-testid="nueva-version"]').hidden`)); !hidden {
		t.Error("the update banner is still shown after the update")
	}
}

// TestBrowserCatalogueAndValidation searches the cached catalogue by words,
// picks a type with a tap, and refuses on the phone what the server would
// refuse, naming each field.
func TestBrowserCatalogueAndValidation(t *testing.T) {
	p := newPhone(t)
	p.registry()
	ctx := t.Context()
	for _, in := range []rules.InfractionTypeInput{
		{Code: "T01", Description: "Semáforo en rojo", Severity: "grave", Units: 45, Points: 5, Active: true},
		{Code: "E05", Description: "Estacionar en lugar prohibido", Severity: "leve", Units: 10, Active: true},
	} {
		if _, err := p.Store.CreateInfractionType(ctx, in, testenv.Actor); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := p.Store.SetUnitValue(ctx, rules.UnitValueInput{From: fines.NewDate(2020, 1, 1), Cents: 100000}, testenv.Actor); err != nil {
		t.Fatal(err)
	}
	// Signing in caches the server's catalogue on the phone; the search runs
	// on that copy.
	p.do("open", chromedp.Navigate(p.base+"/oficial/"), ready)
	p.signIn()
	p.do("pick a type by its words",
		chromedp.Reload(), ready,
		chromedp.SendKeys(testid("codigo"), "semaforo"),
		waitJS(`document.querySelectorAll('[data-testid="codigo-opcion"]').length === 1`),
		chromedp.Click(testid("codigo-opcion")),
		waitJS(`document.querySelector('[data-testid="codigo"]').value === "T01"`),
		waitJS(`document.querySelector('[data-testid="codigo-elegido"]').textContent.includes("45000.00")`),
	)
	p.do("refuse bad input on the phone",
		clear("codigo"),
		chromedp.SendKeys(testid("codigo"), "ZZZ"),
		chromedp.SendKeys(testid("placa"), "A"),
		chromedp.Click(testid("guardar")),
		chromedp.WaitVisible(testid("form-error")),
	)
	for _, id := range []string{"placa", "codigo"} {
		if v := p.eval(fmt.Sprintf(`document.querySelector('[data-testid="%s"]').getAttribute("aria-invalid") || ""`, id)); v != "true" {
			t.Errorf("%s: aria-invalid %q", id, v)
		}
	}
	if msg := p.eval(`document.getElementById("codigo-error").textContent`); !strings.Contains(msg, "«ZZZ» no está en el catálogo") {
		t.Errorf("codigo message %q", msg)
	}
	if n := len(p.queue().Citations); n != 0 {
		t.Fatalf("%d citations saved from a refused form", n)
	}
	p.do("save with the type",
		clear("codigo"), clear("placa"),
		chromedp.SendKeys(testid("codigo"), "t01"),
		chromedp.SendKeys(testid("placa"), "AB123CD"),
		chromedp.Click(testid("guardar")),
		waitJS(`document.querySelector('[data-testid="aviso"]').textContent.includes("Guardada")`),
		waitJS(`document.querySelectorAll('[data-testid="cola-item"]').length === 1`),
	)
	if n := p.eval(`document.querySelector('[data-testid="cola-item"]').textContent`); !strings.Contains(n, "T01") {
		t.Errorf("queue item %q does not show the type", n)
	}
}

// TestBrowserSync200 queues 200 citations offline (through the app's own
// modules) and measures how long the queue takes to empty once the network
// is back. The target is 30 s; the figure is reported, not asserted.
func TestBrowserSync200(t *testing.T) { sync200(t, false) }

// TestBrowserSync200WithPhotos is TestBrowserSync200 with one photo per
// citation, 1600×1200 JPEG as the phone stores it (each different).
func TestBrowserSync200WithPhotos(t *testing.T) { sync200(t, true) }

func sync200(t *testing.T, photos bool) {
	p := newPhone(t)
	p.registry()
	p.do("open", chromedp.Navigate(p.base+"/oficial/"), ready)
	p.signIn()
	p.do("offline", p.setOffline(true))
	p.eval(fmt.Sprintf(`(async () => {
		const q = await import("/oficial/js/queue.js");
		const s = await import("/oficial/js/store.js");
		const store = await s.openStore();
		const withPhotos = %t;
		const canvas = new OffscreenCanvas(1600, 1200);
		const g = canvas.getContext("2d");
		for (let i = 0; i < 200; i++) {
			const photos = [];
			if (withPhotos) {
				const grad = g.createLinearGradient(0, 0, 1600, 1200);
				grad.addColorStop(0, "hsl(" + (i * 7 %% 360) + ", 70%%, 50%%)");
				grad.addColorStop(1, "#123");
				g.fillStyle = grad;
				g.fillRect(0, 0, 1600, 1200);
				g.fillStyle = "#fff";
				g.font = "120px sans-serif";
				g.fillText("Foto " + i, 200, 600);
				const blob = await canvas.convertToBlob({ type: "image/jpeg", quality: 0.85 });
				photos.push({ blob, bytes: blob.size, ancho: 1600, alto: 1200, miniatura: "", estado: "pendiente", id: null, motivo: null, intentos: 0 });
			}
			await store.save(q.newCitation({ placa: "AB123CD", comentarios: "carga " + i }, { now: new Date(), uuid: () => crypto.randomUUID() }), photos);
		}
		return "ok";
	})()`, photos))
	p.do("200 pending", chromedp.Reload(), ready, waitJS(items("pendiente")+` === 200`))
	start := time.Now()
	p.do("online", p.setOffline(false), chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Poll[bool](items("enviada")+` === 200`, chromedp.WithPollingTimeout(3*time.Minute))(ctx, tg)
		return err
	}))
	elapsed := time.Since(start)
	rows := p.serverRows()
	what := "200 citations"
	if photos {
		what += " with a photo each"
	}
	t.Logf("%s queued offline sent in %s after the network came back (loopback, shared machine)", what, elapsed.Round(10*time.Millisecond))
	if len(rows) != 200 {
		t.Errorf("%d rows on the server, want 200", len(rows))
	}
	if photos {
		var n int
		var size int64
		_, all, err := p.Store.Report(t.Context(), "ana@example.com")
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range all {
			as, err := p.Store.AttachmentsOf(t.Context(), r.ID, 0)
			if err != nil {
				t.Fatal(err)
			}
			n += len(as)
			for _, a := range as {
				size += a.Size
			}
		}
		t.Logf("%d photos on the server, %.1f MB in all", n, float64(size)/1e6)
		if n != 200 {
			t.Errorf("%d photos on the server, want 200", n)
		}
	}
}

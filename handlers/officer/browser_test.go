package officer_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"transito/internal/testenv"
	"transito/models"
	"transito/models/rules"
)

// phone is the real server on a loopback port and a headless chromium
// with a phone-sized window driving /oficial/.
type phone struct {
	*testenv.Env
	t       *testing.T
	base    string
	ctx     context.Context
	officer *models.Officer
	token   string
	mu      sync.Mutex
	errors  []string
}

func newPhone(t *testing.T, opts ...testenv.Option) *phone {
	t.Helper()
	ctx := openBrowser(t)
	e := testenv.New(t, opts...)
	p := &phone{Env: e, t: t, base: "http://" + e.Listen(), ctx: ctx}
	p.listenConsole()
	// Headless chromium's window is at least 500 px wide: the page is
	// laid out at a phone's 390.
	p.do("phone viewport", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: 390, Height: 844, DeviceScaleFactor: 1})
		return err
	}))
	return p
}

// openBrowser is a phone-sized headless chromium's tab (390 × 844, an
// iPhone 12's viewport), for at most 3 minutes.
func openBrowser(t *testing.T) context.Context {
	t.Helper()
	return testenv.Tab(t, testenv.Browser(t, 390, 844), 3*time.Minute)
}

// listenConsole keeps the page's exceptions and console errors, except the
// browser's own line for an API answer of 4xx, which the app shows itself.
func (p *phone) listenConsole() {
	messages := chromedp.Console(p.ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type != chromedp.ConsoleException && m.Type != "error" {
				continue
			}
			if strings.Contains(m.URL, "/api/") || strings.Contains(m.Text, "/api/") {
				continue
			}
			p.mu.Lock()
			p.errors = append(p.errors, fmt.Sprintf("%s: %s (%s:%d)", m.Type, m.Text, m.URL, m.Line+1))
			p.mu.Unlock()
		}
	}()
}

func (p *phone) consoleErrors() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.errors...)
}

func (p *phone) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, steps...); err != nil {
		p.shot("failure-" + strings.ReplaceAll(what, " ", "-"))
		text, _ := chromedp.Run(p.ctx, chromedp.Evaluate[string](`document.body.innerText`))
		p.t.Fatalf("%s: %v\npage:\n%s\nconsole: %v", what, err, text, p.consoleErrors())
	}
}

func (p *phone) shot(name string) {
	png, err := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		return
	}
	dir := filepath.Join("..", "..", "screenshots")
	_ = os.MkdirAll(dir, 0o755)
	_ = os.WriteFile(filepath.Join(dir, "oficial-"+name+".png"), png, 0o644)
}

// docShot writes the viewport as docs/img/oficial-<name>.png, the README's
// screenshots, when TRANSITO_DOC_SHOTS=1 (so that ordinary runs leave the
// committed images alone).
func (p *phone) docShot(name string) {
	p.t.Helper()
	if os.Getenv("TRANSITO_DOC_SHOTS") != "1" {
		return
	}
	png, err := chromedp.Run(p.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		p.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join("..", "..", "docs", "img", "oficial-"+name+".png"), png, 0o644); err != nil {
		p.t.Fatal(err)
	}
}

func (p *phone) eval(js string) string {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
	if err != nil {
		p.t.Fatalf("eval %s: %v", js, err)
	}
	return v
}

func waitJS(js string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Poll[bool](js, chromedp.WithPollingTimeout(20*time.Second))(ctx, t)
		return err
	})
}

// clear empties an input as a user would, with an input event.
func clear(id string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => { const e = document.querySelector('[data-testid="%s"]'); e.value = ""; e.dispatchEvent(new Event("input", { bubbles: true })); })()`, id))
}

func css(s string) chromedp.CSS { return chromedp.CSS(s) }

func testid(id string) chromedp.CSS { return chromedp.CSS(`[data-testid="` + id + `"]`) }

// ready waits for the app to have started (app.js marks <html data-listo>).
var ready = waitJS(`document.documentElement.dataset.listo === "1"`)

func items(estado string) string {
	return fmt.Sprintf(`document.querySelectorAll('[data-testid="cola-item"][data-estado="%s"]').length`, estado)
}

// setOffline takes the phone off the network or back on: the tab, the
// service worker (which sends the queue on Background Sync) and
// navigator.onLine, so the page sees the offline and online events.
func (p *phone) setOffline(offline bool) chromedp.Action[chromedp.Void] {
	emulate := emulateNetwork(offline, network.Conditions{Offline: offline, DownloadThroughput: -1, UploadThroughput: -1})
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		infos, err := chromedp.Targets(ctx)
		if err != nil {
			return err
		}
		for _, info := range infos {
			if info.Type != "service_worker" {
				continue
			}
			sw, cancel := chromedp.NewContext(p.ctx, chromedp.WithTargetID(info.TargetID))
			p.t.Cleanup(cancel)
			if err := chromedp.Do(sw, emulate); err != nil {
				return fmt.Errorf("service worker %s: %w", info.URL, err)
			}
		}
		if _, err := emulate(ctx, t); err != nil {
			return err
		}
		_, err = cdp.Call(ctx, t, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: offline, DownloadThroughput: -1, UploadThroughput: -1})
		return err
	})
}

// byRuleParams are Network.emulateNetworkConditionsByRule's parameters in
// both of the shapes Chromium has taken: Debian's Chromium 148 wants
// offline at the top (for the target the command goes to); later ones an
// offline in each rule and emulateOfflineServiceWorker. Each ignores the
// other's.
type byRuleParams struct {
	Offline                     bool                  `json:"offline"`
	EmulateOfflineServiceWorker bool                  `json:"emulateOfflineServiceWorker"`
	MatchedNetworkConditions    []*network.Conditions `json:"matchedNetworkConditions"`
}

var emulateByRule = cdp.Command[byRuleParams, network.EmulateNetworkConditionsByRuleResult]{Method: network.CommandEmulateNetworkConditionsByRule}

// emulateNetwork puts the target on the network conditions c (for every
// request); workerOffline takes the service worker offline too, where the
// browser does that from the page.
func emulateNetwork(workerOffline bool, c network.Conditions) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulateByRule, byRuleParams{
			Offline: c.Offline, EmulateOfflineServiceWorker: workerOffline, MatchedNetworkConditions: []*network.Conditions{&c},
		})
		return err
	})
}

func geolocation(origin string, lat, lon, accuracy float64) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := chromedp.CallBrowser(ctx, browser.SetPermission, browser.SetPermissionParams{
			Permission: &browser.PermissionDescriptor{Name: "geolocation"}, Setting: browser.PermissionSettingGranted, Origin: origin,
		}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, t, emulation.SetGeolocationOverride, emulation.SetGeolocationOverrideParams{Latitude: &lat, Longitude: &lon, Accuracy: &accuracy})
		return err
	})
}

// registry has an owner, a vehicle and an officer with a token.
func (p *phone) registry() {
	ctx := p.t.Context()
	person, err := p.Store.CreatePerson(ctx, rules.PersonInput{Name: "Ana Pérez", Email: "ana@example.com"}, testenv.Actor)
	if err != nil {
		p.t.Fatal(err)
	}
	if _, err := p.Store.CreateVehicle(ctx, rules.VehicleInput{Plate: "AB123CD", Brand: "Fiat", Color: "Rojo", PersonID: person.ID}, testenv.Actor); err != nil {
		p.t.Fatal(err)
	}
	p.officer, err = p.Store.CreateOfficer(ctx, rules.OfficerInput{Name: "Oficial Uno", Badge: "B1", Active: true}, testenv.Actor)
	if err != nil {
		p.t.Fatal(err)
	}
	p.newToken()
}

func (p *phone) newToken() {
	var err error
	p.token, err = p.Store.IssueToken(p.t.Context(), p.officer.ID, testenv.Actor)
	if err != nil {
		p.t.Fatal(err)
	}
}

// serverRows are the infractions the report API shows for the owner.
func (p *phone) serverRows() []string {
	p.t.Helper()
	resp, err := http.Get(p.base + "/generar_informe?email=" + url.QueryEscape("ana@example.com"))
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	var rows []struct {
		Comentarios string `json:"comentarios"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&rows); err != nil {
		p.t.Fatalf("report: %d %v", resp.StatusCode, err)
	}
	var out []string
	for _, r := range rows {
		out = append(out, r.Comentarios)
	}
	return out
}

func (p *phone) signIn() {
	p.t.Helper()
	p.do("sign in",
		chromedp.WaitVisible(testid("token")),
		chromedp.SendKeys(testid("token"), p.token),
		chromedp.Click(testid("ingresar")),
		chromedp.WaitVisible(testid("guardar")),
	)
}

// cite fills and saves one citation and waits for "Guardada".
func (p *phone) cite(plate, comments, place string, photos ...string) {
	p.t.Helper()
	before := p.eval(`String(document.querySelectorAll('[data-testid="cola-item"]').length)`)
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.SendKeys(testid("placa"), plate),
		chromedp.SendKeys(testid("comentarios"), comments),
	}
	if place != "" {
		steps = append(steps, chromedp.SendKeys(testid("ubicacion"), place))
	}
	if len(photos) > 0 {
		steps = append(steps, chromedp.SetUploadFiles(testid("fotos"), photos),
			waitJS(fmt.Sprintf(`document.querySelectorAll('[data-testid="foto"]').length === %d`, len(photos))))
	}
	steps = append(steps,
		chromedp.Click(testid("guardar")),
		waitJS(`document.querySelector('[data-testid="aviso"]').textContent.includes("Guardada")`),
		waitJS(fmt.Sprintf(`document.querySelectorAll('[data-testid="cola-item"]').length === %s + 1`, before)),
	)
	p.do("cite "+plate, steps...)
}

// photo writes a camera-sized JPEG (2400×1800) for the file input.
func photo(t *testing.T) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 2400, 1800))
	for y := 0; y < 1800; y++ {
		for x := 0; x < 2400; x++ {
			img.Set(x, y, color.RGBA{uint8(x / 10), uint8(y / 8), 120, 255})
		}
	}
	path := filepath.Join(t.TempDir(), "evidencia.jpg")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := jpeg.Encode(f, img, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	return path
}

// readQueue reads the app's IndexedDB from the page: each citation, and
// each stored photo's type and size as decoded.
const readQueue = `(async () => {
  const db = await new Promise((ok, bad) => { const r = indexedDB.open("transito-oficial"); r.onsuccess = () => ok(r.result); r.onerror = () => bad(r.error); });
  const all = (s) => new Promise((ok, bad) => { const q = db.transaction(s).objectStore(s).getAll(); q.onsuccess = () => ok(q.result); q.onerror = () => bad(q.error); });
  const photos = [];
  for (const p of await all("fotos")) { const b = await createImageBitmap(p.blob); photos.push({ type: p.blob.type, w: b.width, h: b.height }); }
  const citations = (await all("citaciones")).map((c) => ({ placa: c.placa, estado: c.estado, clave: c.clave, id: c.id, ubicacion: c.ubicacion, motivo: c.motivo }));
  db.close();
  return JSON.stringify({ photos, citations });
})()`

type queueDump struct {
	Photos []struct {
		Type string `json:"type"`
		W    int    `json:"w"`
		H    int    `json:"h"`
	} `json:"photos"`
	Citations []struct {
		Placa     string `json:"placa"`
		Estado    string `json:"estado"`
		Clave     string `json:"clave"`
		ID        *int64 `json:"id"`
		Motivo    string `json:"motivo"`
		Ubicacion *struct {
			Lat         *float64 `json:"lat"`
			Lon         *float64 `json:"lon"`
			Descripcion string   `json:"descripcion"`
		} `json:"ubicacion"`
	} `json:"citations"`
}

func (p *phone) queue() queueDump {
	p.t.Helper()
	var q queueDump
	if err := json.Unmarshal([]byte(p.eval(readQueue)), &q); err != nil {
		p.t.Fatal(err)
	}
	return q
}

// TestBrowserOfficerApp is an officer's shift: install the app, sign in,
// lose the network, write three citations (one with a photo, the place
// from the GPS), reload offline, get the network back and see each sent
// once; correct the one the server refused; be signed out by a revoked
// token without losing what was waiting.
func TestBrowserOfficerApp(t *testing.T) {
	p := newPhone(t, testenv.WithCatalogue())
	p.registry()
	pic := photo(t)

	p.do("open the app",
		geolocation(p.base, -34.6037, -58.3816, 12),
		chromedp.Navigate(p.base+"/oficial"),
		ready,
		chromedp.WaitVisible(testid("token")),
		waitJS(`navigator.serviceWorker.controller !== null`),
	)
	if loc, _ := chromedp.Run(p.ctx, chromedp.Location()); loc != p.base+"/oficial/" {
		t.Errorf("at %s, want /oficial/", loc)
	}
	if errs := p.consoleErrors(); len(errs) > 0 {
		t.Errorf("console errors on load: %v", errs)
	}
	manifest, err := chromedp.Call(p.ctx, page.GetAppManifest, page.GetAppManifestParams{})
	if err != nil {
		t.Fatal(err)
	}
	if len(manifest.Errors) > 0 || manifest.Manifest == nil || !strings.Contains(strings.ToLower(manifest.Manifest.Display), "standalone") {
		t.Errorf("manifest %s: errors %v, parsed %+v", manifest.URL, manifest.Errors, manifest.Manifest)
	}
	if inst, err := chromedp.Call(p.ctx, page.GetInstallabilityErrors, cdp.Empty{}); err != nil {
		t.Error(err)
	} else {
		for _, e := range inst.InstallabilityErrors {
			t.Errorf("not installable: %s", e.ErrorID)
		}
	}

	p.do("a wrong token is refused by the server",
		chromedp.SendKeys(testid("token"), testenv.WrongToken(p.token)),
		chromedp.Click(testid("ingresar")),
		waitJS(`!document.getElementById("token-error").hidden`),
	)
	if msg := p.eval(`document.getElementById("token-error").textContent`); !strings.Contains(msg, "revocado") && !strings.Contains(msg, "válido") {
		t.Errorf("wrong-token message %q does not give the server's reason", msg)
	}
	p.docShot("ingreso")
	p.do("clear the wrong token", clear("token"))
	p.signIn()
	p.do("the GPS position is shown without a tap", waitJS(`document.querySelector('[data-testid="gps"]').textContent.includes("-34.60370")`))
	if gps := p.eval(`document.querySelector('[data-testid="gps"]').textContent`); !strings.Contains(gps, "±12 m") {
		t.Errorf("GPS line %q lacks the accuracy", gps)
	}
	p.shot("form")
	p.docShot("formulario")

	// Offline: three citations, saved on the phone before "Guardada".
	p.do("go offline", p.setOffline(true), waitJS(`document.querySelector('[data-testid="red"]').textContent === "Sin conexión"`))
	p.cite("ab-123-cd", "Semáforo en rojo", "Av. Corrientes 1200", pic)
	p.cite("ZZ 999", "Patente inexistente", "")
	p.do("offline plate check",
		chromedp.SendKeys(testid("placa"), "AB123CD"),
		waitJS(`document.querySelector('[data-testid="verificacion"]').textContent === "Sin conexión: se verificará al enviar"`),
		clear("placa"),
	)
	p.cite("AB 123 CD", "Tercera", "Plaza")
	p.do("three pending", waitJS(items("pendiente")+` === 3`))

	q := p.queue()
	if len(q.Photos) != 1 || q.Photos[0].Type != "image/jpeg" || max(q.Photos[0].W, q.Photos[0].H) > 1600 || q.Photos[0].W != 1600 || q.Photos[0].H != 1200 {
		t.Errorf("stored photos %+v, want one JPEG resized to 1600×1200", q.Photos)
	}
	first := q.Citations[0]
	if first.Placa != "ab-123-cd" || first.Ubicacion == nil || first.Ubicacion.Lat == nil || *first.Ubicacion.Lat != -34.6037 || first.Ubicacion.Descripcion != "Av. Corrientes 1200" {
		t.Errorf("first citation %+v: want the plate as typed and the GPS place", first)
	}
	keys := map[string]bool{}
	for _, c := range q.Citations {
		keys[c.Clave] = true
	}
	if len(keys) != 3 {
		t.Errorf("Idempotency-Keys %v: want three distinct", keys)
	}

	p.do("reload offline", chromedp.Reload(), ready, waitJS(items("pendiente")+` === 3`))
	if n := len(p.serverRows()); n != 0 {
		t.Fatalf("%d rows on the server while offline", n)
	}
	p.shot("offline-queue")
	p.do("scroll to the queue", chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-testid="cola-item"]').scrollIntoView()`))
	p.docShot("cola-sin-conexion")

	// Online: sent in order, once; the unknown plate is refused with its reason.
	p.do("go online", p.setOffline(false), waitJS(items("enviada")+` === 2 && `+items("rechazada")+` === 1`))
	if rows := p.serverRows(); len(rows) != 2 || !containsAll(rows, "Semáforo en rojo", "Tercera") {
		t.Fatalf("server rows %q, want the two valid citations once each", rows)
	}
	p.checkServerPhoto("Semáforo en rojo", -34.6037, -58.3816, "Av. Corrientes 1200")
	reason := p.eval(`document.querySelector('[data-estado="rechazada"] [data-testid="cola-motivo"]').textContent`)
	if !strings.Contains(reason, "ZZ999") {
		t.Errorf("rejection reason %q does not name the plate", reason)
	}
	p.shot("sent-and-rejected")
	p.do("scroll to the rejected one", chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-estado="rechazada"]').scrollIntoView()`))
	p.docShot("cola-rechazada")

	// Correct and resend the rejected one: a new request, the old one gone.
	p.do("correct the rejected citation",
		chromedp.Click(css(`[data-estado="rechazada"] [data-testid="corregir"]`)),
		waitJS(`document.querySelector('[data-testid="placa"]').value === "ZZ 999"`),
		clear("placa"),
		chromedp.SendKeys(testid("placa"), "AB123CD"),
		chromedp.Click(testid("guardar")),
		waitJS(items("rechazada")+` === 0 && `+items("enviada")+` === 3`),
	)
	if rows := p.serverRows(); len(rows) != 3 || !containsAll(rows, "Patente inexistente") {
		t.Fatalf("server rows %q after the correction", rows)
	}
	q = p.queue()
	if len(q.Citations) != 3 {
		t.Errorf("%d citations on the phone after the correction, want 3 (the rejected one replaced)", len(q.Citations))
	}

	// A revoked token signs the officer out; the waiting citation stays.
	// (Online, the plate check would sign out while typing: the citation
	// is written offline, the token revoked, then the network comes back.)
	p.do("offline again", p.setOffline(true), waitJS(`document.querySelector('[data-testid="red"]').textContent === "Sin conexión"`))
	p.cite("AB123CD", "Después de revocar", "")
	if err := p.Store.RevokeToken(t.Context(), p.officer.ID, testenv.Actor); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2500 * time.Millisecond) // the server's token cache lives 2 s
	p.do("online again", p.setOffline(false))
	p.do("signed out", chromedp.WaitVisible(testid("ingreso-aviso")))
	if msg := p.eval(`document.querySelector('[data-testid="ingreso-aviso"]').textContent`); !strings.Contains(msg, "revocado") {
		t.Errorf("sign-out message %q does not give the server's reason", msg)
	}
	p.shot("signed-out")
	p.newToken()
	p.signIn()
	p.do("the waiting citation goes with the new token", waitJS(items("enviada")+` === 4`))
	if rows := p.serverRows(); len(rows) != 4 {
		t.Errorf("server rows %q, want 4", rows)
	}

	p.do("clear the sent ones", chromedp.Click(testid("borrar-enviadas")), waitJS(`document.querySelectorAll('[data-testid="cola-item"]').length === 0`))
	p.do("sign out", chromedp.Click(testid("cerrar-sesion")), chromedp.WaitVisible(testid("token")))
	if tok := p.eval(`new Promise((ok, bad) => { const r = indexedDB.open("transito-oficial"); r.onerror = () => bad(r.error);
		r.onsuccess = () => { const q = r.result.transaction("ajustes").objectStore("ajustes").get("token"); q.onsuccess = () => { r.result.close(); ok(String(q.result === undefined)); }; }; })`); tok != "true" {
		t.Error("Cerrar sesión left the token on the phone")
	}
	p.do("still signed out after a reload", chromedp.Reload(), ready, chromedp.WaitVisible(testid("token")))
	if errs := p.consoleErrors(); len(errs) > 0 {
		t.Errorf("console errors: %v", errs)
	}
}

// checkServerPhoto checks, in the database, the one infraction with those
// comments: its place as the phone took it, and its one photo, a JPEG as
// the phone resized it.
func (p *phone) checkServerPhoto(comments string, lat, lon float64, place string) {
	p.t.Helper()
	ctx := p.t.Context()
	_, rows, err := p.Store.Report(ctx, "ana@example.com")
	if err != nil {
		p.t.Fatal(err)
	}
	var found []models.InfractionRow
	for _, r := range rows {
		if r.Comments == comments {
			found = append(found, r)
		}
	}
	if len(found) != 1 {
		p.t.Fatalf("%d infractions %q on the server, want 1", len(found), comments)
	}
	r := found[0]
	if r.Latitude == nil || *r.Latitude != lat || r.Longitude == nil || *r.Longitude != lon || r.Place != place {
		p.t.Errorf("infraction %q stored at %v,%v %q; want %v,%v %q", comments, r.Latitude, r.Longitude, r.Place, lat, lon, place)
	}
	photos, err := p.Store.AttachmentsOf(ctx, r.ID, 0)
	if err != nil {
		p.t.Fatal(err)
	}
	if len(photos) != 1 || photos[0].ContentType != "image/jpeg" || photos[0].Source != models.SourceOfficer {
		p.t.Fatalf("photos of %q on the server: %+v, want one JPEG from the officer", comments, photos)
	}
	full, err := p.Store.AttachmentByID(ctx, photos[0].ID)
	if err != nil {
		p.t.Fatal(err)
	}
	if cfg, err := jpeg.DecodeConfig(bytes.NewReader(full.Bytes)); err != nil || cfg.Width != 1600 || cfg.Height != 1200 {
		p.t.Errorf("stored photo %d×%d (err %v), want the phone's 1600×1200 JPEG", cfg.Width, cfg.Height, err)
	}
}

func containsAll(have []string, want ...string) bool {
	for _, w := range want {
		found := false
		for _, h := range have {
			found = found || h == w
		}
		if !found {
			return false
		}
	}
	return true
}

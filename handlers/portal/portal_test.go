package portal_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"transito/handlers"
	"transito/internal/testenv"
	"transito/models"
	"transito/models/rules"
)

// anaFines returns Ana's demo fines by their comments' start: her vigente
// fine with discount, the paid one and the one with a pending descargo.
func anaFines(t *testing.T, e *testenv.Env) (vigente, paid, pending int64) {
	t.Helper()
	_, rows, err := e.Store.Report(context.Background(), testenv.DemoEmail)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		switch {
		case strings.HasPrefix(r.Comments, "Semáforo"):
			vigente = r.ID
		case strings.HasPrefix(r.Comments, "Estacionamiento"):
			paid = r.ID
		case strings.HasPrefix(r.Comments, "Exceso"):
			pending = r.ID
		}
	}
	if vigente == 0 || paid == 0 || pending == 0 {
		t.Fatalf("demo data changed: %d %d %d", vigente, paid, pending)
	}
	return
}

func id(n int64) string { return strconv.FormatInt(n, 10) }

func TestReportShowsWhatIsOwedAndUntilWhen(t *testing.T) {
	e := testenv.Demo(t, handlers.Config{PaymentURL: "https://pagos.example.gob.ar/?acta={id}&importe={importe}"})
	vigente, paid, pending := anaFines(t, e)
	c := e.Client()
	resp, doc := c.Get("/consulta?email=" + testenv.DemoEmail)
	testenv.WantStatus(t, resp, http.StatusOK)
	row := doc.Find(`[data-testid="infraction-row"][data-id="` + id(vigente) + `"]`)
	for testid, want := range map[string]string{
		"infraction-type":   "SEM-ROJO",
		"infraction-amount": "$",
		"infraction-topay":  "con 50 % de descuento hasta el",
		"infraction-place":  "Av. Corrientes y Callao",
		"infraction-status": "Vigente",
	} {
		if got := row.Find(`[data-testid="` + testid + `"]`).Text(); !strings.Contains(got, want) {
			t.Errorf("%s = %q, want it to contain %q", testid, got, want)
		}
	}
	if row.Find(`[data-testid="infraction-deadline"]`).Length() != 1 {
		t.Error("no next deadline on a vigente fine")
	}
	pay, _ := row.Find(`[data-testid="action-pay"]`).Attr("href")
	if !strings.HasPrefix(pay, "https://pagos.example.gob.ar/?acta="+id(vigente)+"&importe=") || strings.Contains(pay, "{") {
		t.Errorf("pay link %q", pay)
	}
	if st, _ := doc.Find(`[data-id="` + id(paid) + `"]`).Attr("data-status"); st != "pagada" {
		t.Errorf("paid fine shows %q", st)
	}
	if st, _ := doc.Find(`[data-id="` + id(pending) + `"]`).Attr("data-status"); st != "en_descargo" {
		t.Errorf("disputed fine shows %q", st)
	}
	if strings.TrimSpace(testenv.Testid(doc, "summary-owed").Text()) == "" || testenv.Testid(doc, "summary-savings").Length() != 1 {
		t.Error("no summary of what is owed and saved")
	}
	// Without a proof no document, photo or descargo is offered.
	if doc.Find(`[data-testid="action-acta"], [data-testid="action-descargo"], [data-testid="action-recibo"]`).Length() != 0 {
		t.Error("actions offered without a proof of ownership")
	}
	if testenv.Testid(doc, "proof-needed").Length() != 1 {
		t.Error("the report does not say how to prove ownership")
	}

	// With the plate (as typed, with a dash and lower case) the visit is proven.
	resp, doc = c.Get("/consulta?email=" + testenv.DemoEmail + "&placa_patente=ab-123cd")
	testenv.WantStatus(t, resp, http.StatusOK)
	ck := cookie(resp, "transito_visita")
	if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.MaxAge != 0 || !ck.Expires.IsZero() {
		t.Fatalf("visit cookie %+v: want HttpOnly, SameSite=Lax, ending with the browser session", ck)
	}
	row = doc.Find(`[data-id="` + id(vigente) + `"]`)
	if row.Find(`[data-testid="action-acta"]`).Length() != 1 || row.Find(`[data-testid="action-descargo"]`).Length() != 1 {
		t.Error("a proven visit gets no acta or descargo action")
	}
	if doc.Find(`[data-id="`+id(paid)+`"] [data-testid="action-recibo"]`).Length() != 1 {
		t.Error("a paid fine offers no recibo")
	}
	if doc.Find(`[data-id="`+id(pending)+`"] [data-testid="action-descargo"]`).Length() != 0 {
		t.Error("a fine with a pending descargo offers another one")
	}
	// The proof covers all her fines, also without the plate afterwards.
	_, doc = c.Get("/consulta?email=" + testenv.DemoEmail)
	if doc.Find(`[data-testid="action-acta"]`).Length() != 3 {
		t.Errorf("the proven visit lost its proof: %d actas", doc.Find(`[data-testid="action-acta"]`).Length())
	}
}

// The demo's annulled fines say so on the portal with the reason meant for
// the citizen: the one annulled by the authority its public reason (never
// the internal motivo), the one whose descargo was accepted the resolution.
func TestDemoAnnulledFinesShowTheirPublicReason(t *testing.T) {
	e := testenv.Demo(t, handlers.Config{})
	for email, want := range map[string]string{
		"elena.sosa@example.com":      "Anulada de oficio: error en la identificación del vehículo.",
		"diego.fernandez@example.com": "El titular acreditó su credencial de estacionamiento vigente",
	} {
		resp, doc := e.Client().Get("/consulta?email=" + email)
		testenv.WantStatus(t, resp, http.StatusOK)
		annulled := doc.Find(`[data-testid="infraction-row"][data-status="anulada"]`)
		if annulled.Length() != 1 {
			t.Fatalf("%s: %d annulled fines, want 1", email, annulled.Length())
		}
		if got := annulled.Find(`[data-testid="void-reason"]`).Text(); !strings.Contains(got, want) {
			t.Errorf("%s: the annulled fine says %q, want %q", email, got, want)
		}
		if html, _ := doc.Html(); strings.Contains(html, "Patente mal leída") {
			t.Errorf("%s: the portal shows the internal reason of the annulment", email)
		}
	}
}

func cookie(resp *http.Response, name string) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func TestVerifiedModeWrongProofIsAnUnknownEmail(t *testing.T) {
	e := testenv.Demo(t, handlers.Config{ReportAccess: rules.AccessVerified})
	get := func(path string, accept string) (int, string) {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("Accept", accept)
		resp, body := e.Request(req)
		return resp.StatusCode, body
	}
	for _, surface := range []struct{ path, accept string }{
		{"/consulta", "text/html"},
		{"/generar_informe", "application/json"},
	} {
		t.Run(surface.path, func(t *testing.T) {
			// Each wrong or missing proof of Ana's answers exactly what the same
			// query answers for an address nobody has (the address aside).
			for _, q := range []string{"", "&placa_patente=ZZ999ZZ", "&documento=11111111", "&placa_patente=ABC123", "&acceso=no-such-token"} {
				unknownStatus, unknown := get(surface.path+"?email=nadie@example.com"+q, surface.accept)
				status, body := get(surface.path+"?email="+testenv.DemoEmail+q, surface.accept)
				if status != http.StatusNotFound || status != unknownStatus {
					t.Errorf("proof %q: status %d, unknown e-mail %d, want both 404", q, status, unknownStatus)
				}
				if want := strings.ReplaceAll(unknown, "nadie@example.com", testenv.DemoEmail); body != want {
					t.Errorf("proof %q: body differs from an unknown e-mail's:\n%s\n---\n%s", q, body, want)
				}
			}
			for _, q := range []string{"&placa_patente=ab-123-cd", "&documento=27.123.456", "&placa_patente=AC456EF"} {
				if status, _ := get(surface.path+"?email="+testenv.DemoEmail+q, surface.accept); status != http.StatusOK {
					t.Errorf("good proof %q: %d", q, status)
				}
			}
		})
	}
}

func TestDocumentsNeedProofAndVerify(t *testing.T) {
	e := testenv.Demo(t, handlers.Config{})
	vigente, paid, _ := anaFines(t, e)
	ctx := context.Background()
	anon := e.Client()
	for _, path := range []string{"/comprobantes/acta/" + id(vigente) + ".pdf", "/comprobantes/recibo/" + id(paid) + ".pdf",
		"/certificados/libre-deuda.pdf?placa_patente=AB123CD", "/infracciones/" + id(vigente) + "/descargo"} {
		resp, doc := anon.Get(path, "Accept", "text/html")
		if resp.StatusCode != http.StatusForbidden || testenv.Testid(doc, "proof-page").Length() != 1 {
			t.Errorf("%s without proof: %d, want 403 with the page asking for it", path, resp.StatusCode)
		}
	}
	ana := e.Client()
	ana.Get("/consulta?email=" + testenv.DemoEmail + "&documento=27123456")
	acta := func() []byte {
		req := httptest.NewRequest(http.MethodGet, "/comprobantes/acta/"+id(vigente)+".pdf", nil)
		resp := ana.Do(req)
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(body, []byte("%PDF-")) {
			t.Fatalf("acta: %d %s %.20q", resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
		return body
	}
	acta()
	first, err := e.Store.DocumentCertificate(ctx, models.CertActa, vigente)
	if err != nil {
		t.Fatal(err)
	}
	acta()
	again, _ := e.Store.DocumentCertificate(ctx, models.CertActa, vigente)
	if again.Code != first.Code || len(strings.ReplaceAll(first.Code, "-", ""))*5 < 60 {
		t.Errorf("acta code %q then %q: want one code of at least 60 bits per document", first.Code, again.Code)
	}
	_, doc := anon.Get("/verificar/"+first.Code, "Accept", "text/html")
	if got := testenv.Testid(doc, "verification-kind").Text(); got != "Acta de infracción" {
		t.Errorf("verification of the acta says %q", got)
	}
	if !strings.Contains(testenv.Testid(doc, "verification").Text(), "AB123CD") {
		t.Error("verification does not name the plate")
	}
	// Another person's fine is refused like an unknown one.
	bruno := e.Client()
	bruno.Get("/consulta?email=bruno.diaz@example.com&placa_patente=AD789GH")
	if resp, _ := bruno.Get("/comprobantes/acta/"+id(vigente)+".pdf", "Accept", "text/html"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("another person's acta: %d", resp.StatusCode)
	}
	// The recibo of the paid fine.
	resp := ana.Do(httptest.NewRequest(http.MethodGet, "/comprobantes/recibo/"+id(paid)+".pdf", nil))
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" {
		t.Errorf("recibo: %d", resp.StatusCode)
	}
	// Libre deuda: refused while AB123CD owes a fine, issued for Carla's car.
	resp, doc = ana.Get("/certificados/libre-deuda.pdf?placa_patente=AB123CD", "Accept", "text/html")
	if resp.StatusCode != http.StatusConflict || !strings.Contains(testenv.Testid(doc, "error-detail").Text(), "impaga") {
		t.Errorf("libre deuda with an unpaid fine: %d %q", resp.StatusCode, testenv.Testid(doc, "error-detail").Text())
	}
	carla := e.Client()
	carla.Get("/consulta?email=carla.gomez@example.com&placa_patente=ABC123")
	resp = carla.Do(httptest.NewRequest(http.MethodGet, "/certificados/libre-deuda.pdf?placa_patente=ABC123", nil))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("libre deuda: %d", resp.StatusCode)
	}
	// Asked again, the certificate still valid is the one handed out.
	cert, _, err := e.Store.LibreDeuda(ctx, "ABC123", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	codes := []string{cert.Code}
	_, doc = anon.Get("/verificar/"+strings.ToLower(codes[0]), "Accept", "text/html")
	if v, _ := testenv.Testid(doc, "verification").Attr("data-valid"); v != "true" || testenv.Testid(doc, "verification-warning").Length() != 0 {
		t.Errorf("a fresh libre deuda verifies as valid=%q", v)
	}
	// A fine issued since is told.
	fine := testenv.MustInfraction(t, e.Store, "ABC123", "DEMO-001", time.Now().Add(-time.Hour))
	if _, err := e.Store.ClassifyInfraction(ctx, fine, "SEM-ROJO", models.SystemActor); err != nil {
		t.Fatal(err)
	}
	_, doc = anon.Get("/verificar/"+codes[0], "Accept", "text/html")
	if !strings.Contains(testenv.Testid(doc, "verification-warning").Text(), "se emitió") {
		t.Error("the verification does not say a fine was issued since")
	}
	resp, doc = anon.Get("/verificar/AAAA-BBBB-CCCC-DDDD", "Accept", "text/html")
	if resp.StatusCode != http.StatusNotFound || !strings.Contains(testenv.Testid(doc, "error-detail").Text(), "no es auténtico") {
		t.Errorf("unknown code: %d", resp.StatusCode)
	}
}

func pngBytes(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	img.Set(1, 1, color.RGBA{200, 0, 0, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// postDescargo submits the descargo form as a browser does (multipart).
func postDescargo(t *testing.T, c *testenv.Client, path, text, email string, files map[string][]byte) (*http.Response, string) {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("_csrf", c.CSRF)
	_ = w.WriteField("texto", text)
	_ = w.WriteField("email", email)
	for name, content := range files {
		fw, _ := w.CreateFormFile("adjuntos", name)
		_, _ = fw.Write(content)
	}
	_ = w.Close()
	req := httptest.NewRequest(http.MethodPost, path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Accept", "text/html")
	resp := c.Do(req)
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestDescargoWithAttachment(t *testing.T) {
	e := testenv.Demo(t, handlers.Config{})
	vigente, _, pending := anaFines(t, e)
	ctx := context.Background()
	ana := e.Client()
	ana.Get("/consulta?email=" + testenv.DemoEmail + "&placa_patente=AB123CD")
	path := "/infracciones/" + id(vigente) + "/descargo"
	resp, doc := ana.Get(path)
	testenv.WantStatus(t, resp, http.StatusOK)
	if testenv.Testid(doc, "descargo-form").Length() != 1 || ana.CSRF == "" {
		t.Fatal("no descargo form with a CSRF token")
	}
	// A text file named .png is refused by its content, with every field's message.
	resp, body := postDescargo(t, ana, path, "", "no-es-correo", map[string][]byte{"foto.png": []byte("no soy una imagen")})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "no es JPEG, PNG ni PDF") || !strings.Contains(body, `aria-invalid="true"`) {
		t.Fatalf("bad descargo: %d %s", resp.StatusCode, body)
	}
	// Without the CSRF token the form is refused.
	bad := *ana
	bad.CSRF = "otro"
	if resp, _ := postDescargo(t, &bad, path, "Texto", "ana@example.com", nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("descargo without CSRF token: %d", resp.StatusCode)
	}
	resp, body = postDescargo(t, ana, path, "El semáforo estaba en amarillo.", "Ana.Contacto@example.com", map[string][]byte{"foto.png": pngBytes(t)})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("descargo: %d %s", resp.StatusCode, body)
	}
	ref := testenv.Testid(testenv.ParseHTML(t, body), "descargo-reference").Text()
	d, err := e.Store.DisputeByReference(ctx, ref)
	if err != nil || d.InfractionID != vigente || d.ContactEmail != "ana.contacto@example.com" {
		t.Fatalf("descargo %q stored as %+v, %v", ref, d, err)
	}
	files, _ := e.Store.AttachmentsOf(ctx, 0, d.ID)
	if len(files) != 1 || files[0].ContentType != rules.TypePNG || files[0].Source != models.SourceCitizen {
		t.Errorf("attachments %+v", files)
	}
	ns, _ := e.Store.NotificationsOf(ctx, vigente)
	mailed := false
	for _, n := range ns {
		mailed = mailed || (n.ToEmail == "ana.contacto@example.com" && strings.Contains(n.Body, ref))
	}
	if !mailed {
		t.Error("the reference was not mailed to the contact address")
	}
	// One pending per fine.
	if resp, _ := postDescargo(t, ana, path, "Otra vez", "ana@example.com", nil); resp.StatusCode != http.StatusConflict {
		t.Errorf("second descargo: %d", resp.StatusCode)
	}
	if resp, _ := postDescargo(t, ana, "/infracciones/"+id(pending)+"/descargo", "Otra", "ana@example.com", nil); resp.StatusCode != http.StatusConflict {
		t.Errorf("descargo on a fine en_descargo: %d", resp.StatusCode)
	}
	_, doc = ana.Get("/consulta?email=" + testenv.DemoEmail)
	if doc.Find(`[data-id="`+id(vigente)+`"] [data-testid="dispute"]`).Length() != 1 {
		t.Error("the report does not show the descargo")
	}
}

func TestAccessLinkWorksOnce(t *testing.T) {
	e := testenv.Demo(t, handlers.Config{ReportAccess: rules.AccessVerified})
	ctx := context.Background()
	c := e.Client()
	c.Get("/acceso")
	if c.CSRF == "" {
		t.Fatal("no CSRF token on the link form")
	}
	resp, known := c.Post("/acceso", url.Values{"email": {"ANA.martinez@example.com"}})
	testenv.WantStatus(t, resp, http.StatusOK)
	resp, unknown := c.Post("/acceso", url.Values{"email": {"nadie@example.com"}})
	testenv.WantStatus(t, resp, http.StatusOK)
	text := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	a := strings.ReplaceAll(testenv.Testid(known, "access-sent").Text(), testenv.DemoEmail, "X")
	b := strings.ReplaceAll(testenv.Testid(unknown, "access-sent").Text(), "nadie@example.com", "X")
	if text(a) == "" || text(a) != text(b) {
		t.Errorf("known and unknown addresses answer differently: %q / %q", a, b)
	}
	if resp, _ := c.Post("/acceso", url.Values{"email": {testenv.DemoEmail}, "_csrf": {"mal"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("POST /acceso without its CSRF token: %d", resp.StatusCode)
	}
	// A second request within 5 minutes sends nothing more.
	c.Post("/acceso", url.Values{"email": {testenv.DemoEmail}})
	all, err := e.Store.ListNotifications(ctx, models.ListQuery{PerPage: 100})
	if err != nil {
		t.Fatal(err)
	}
	var links []models.Notification
	for _, n := range all.Items {
		if n.Kind == models.NoticeAccess {
			links = append(links, n)
		}
	}
	if len(links) != 1 {
		t.Fatalf("access mails %d, want 1", len(links))
	}
	m := regexp.MustCompile(`/consulta\?acceso=([A-Z2-7]+)`).FindStringSubmatch(links[0].Body)
	if m == nil || links[0].ToEmail != testenv.DemoEmail {
		t.Fatalf("link mail %q", links[0].Body)
	}
	visitor := e.Client()
	resp, _ = visitor.Get("/consulta?acceso=" + m[1])
	if resp.StatusCode != http.StatusSeeOther || !strings.HasSuffix(resp.Header.Get("Location"), "/consulta?email=ana.martinez%40example.com") {
		t.Fatalf("link: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, doc := visitor.Get(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusOK || doc.Find(`[data-testid="action-acta"]`).Length() != 3 {
		t.Errorf("after the link: %d, %d actas", resp.StatusCode, doc.Find(`[data-testid="action-acta"]`).Length())
	}
	if resp, _ := e.Client().Get("/consulta?acceso=" + m[1]); resp.StatusCode != http.StatusNotFound {
		t.Errorf("the link worked twice: %d", resp.StatusCode)
	}
}

func TestPhotoIsReencodedWithoutMetadata(t *testing.T) {
	e := testenv.Demo(t, handlers.Config{})
	vigente, _, _ := anaFines(t, e)
	ctx := context.Background()
	img := image.NewRGBA(image.Rect(0, 0, 16, 16))
	var enc bytes.Buffer
	if err := jpeg.Encode(&enc, img, nil); err != nil {
		t.Fatal(err)
	}
	// An EXIF segment right after SOI, as a phone writes it.
	exif := append([]byte{0xFF, 0xE1, 0x00, 0x16}, []byte("Exif\x00\x00GPS-SECRET-POSITION")...)
	raw := append(append([]byte{0xFF, 0xD8}, exif...), enc.Bytes()[2:]...)
	a, _, err := e.Store.AddAttachment(ctx, models.AttachmentInput{InfractionID: vigente, Bytes: raw, Source: models.SourceOfficer}, models.SystemActor)
	if err != nil {
		t.Fatal(err)
	}
	path := "/infracciones/" + id(vigente) + "/fotos/" + id(a.ID)
	if resp, _ := e.Client().Get(path, "Accept", "text/html"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("photo without proof: %d", resp.StatusCode)
	}
	ana := e.Client()
	_, doc := ana.Get("/consulta?email=" + testenv.DemoEmail + "&placa_patente=AB123CD")
	if href, _ := doc.Find(`[data-id="` + id(vigente) + `"] [data-testid="photo-link"]`).Attr("href"); href != path {
		t.Errorf("photo link %q, want %q", href, path)
	}
	resp := ana.Do(httptest.NewRequest(http.MethodGet, path, nil))
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/jpeg" {
		t.Fatalf("photo: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if bytes.Contains(body, []byte("Exif")) || bytes.Contains(body, []byte("GPS-SECRET")) {
		t.Error("the photo keeps its metadata")
	}
	if _, err := jpeg.Decode(bytes.NewReader(body)); err != nil {
		t.Errorf("not a JPEG: %v", err)
	}
}

package admin_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"image"
	_ "image/jpeg"
	"image/png"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	zxqr "github.com/makiuchi-d/gozxing/qrcode"

	"transito/internal/testenv"
	"transito/models"
	"transito/paths"
	"transito/views"
)

// TestAdminInfractionPhotos is the panel's view of the evidence: the
// infraction page shows server-made thumbnails that link to each photo as
// uploaded, both private to the admin's browser.
func TestAdminInfractionPhotos(t *testing.T) {
	e := testenv.Panel(t)
	e.Login()
	ctx := context.Background()
	p := testenv.MustPerson(t, e.Store, "Ana", "ana@example.com")
	testenv.MustVehicle(t, e.Store, "AB123CD", p.ID)
	testenv.MustOfficer(t, e.Store, "Oficial Uno", "B1")
	id := testenv.MustInfraction(t, e.Store, "AB123CD", "B1", time.Now().Add(-time.Hour))
	other := testenv.MustInfraction(t, e.Store, "AB123CD", "B1", time.Now().Add(-time.Hour))

	_, doc := e.Get(paths.Of(paths.Infraction, id))
	if testenv.Testid(doc, "sin-fotos").Length() != 1 {
		t.Error("an infraction without photos does not say so")
	}

	big := testenv.Photo(t, "jpeg", 1600, 1200, 10)
	tall := testenv.Photo(t, "png", 300, 900, 20)
	var stored []*models.Attachment
	for _, b := range [][]byte{big, tall} {
		a, _, err := e.Store.AddAttachment(ctx, models.AttachmentInput{InfractionID: id, Bytes: b, Source: models.SourceOfficer}, testenv.Actor)
		if err != nil {
			t.Fatal(err)
		}
		stored = append(stored, a)
	}

	_, doc = e.Get(paths.Of(paths.Infraction, id))
	links := testenv.Testid(doc, "foto")
	if links.Length() != 2 {
		t.Fatalf("%d photos on the infraction page, want 2", links.Length())
	}
	for n, a := range stored {
		link := links.Eq(n)
		href, _ := link.Attr("href")
		src, _ := link.Find("img").Attr("src")
		if href != paths.Of(paths.InfractionPhoto, id, a.ID) || src != paths.Of(paths.InfractionThumb, id, a.ID) {
			t.Errorf("photo %d: link %q, thumbnail %q", n, href, src)
		}
		if alt, _ := link.Find("img").Attr("alt"); alt == "" {
			t.Errorf("photo %d has no alt text", n)
		}

		resp, body := get(t, e, href)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != a.ContentType || !bytes.Equal(body, a.Bytes) ||
			!strings.HasPrefix(resp.Header.Get("Cache-Control"), "private") {
			t.Errorf("photo %d: %d %s %q, %d bytes", n, resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Cache-Control"), len(body))
		}
		resp, thumb := get(t, e, src)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/jpeg" || !strings.HasPrefix(resp.Header.Get("Cache-Control"), "private") {
			t.Fatalf("thumbnail %d: %d %s %q", n, resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Cache-Control"))
		}
		cfg, format, err := image.DecodeConfig(bytes.NewReader(thumb))
		if err != nil || format != "jpeg" || max(cfg.Width, cfg.Height) != views.ThumbnailSize || len(thumb) >= len(a.Bytes) {
			t.Errorf("thumbnail %d: %s %d×%d, %d bytes (photo %d bytes), err %v", n, format, cfg.Width, cfg.Height, len(thumb), len(a.Bytes), err)
		}
		resp, _ = get(t, e, src, "If-None-Match", resp.Header.Get("ETag"))
		if resp.StatusCode != http.StatusNotModified {
			t.Errorf("thumbnail %d again with its ETag: %d, want 304", n, resp.StatusCode)
		}
	}
	for _, path := range []string{
		paths.Of(paths.InfractionPhoto, other, stored[0].ID), // another infraction's
		paths.Of(paths.InfractionThumb, other, stored[0].ID),
		paths.Of(paths.InfractionPhoto, id, stored[1].ID+100),
		"/admin/infracciones/1/fotos/x",
	} {
		if resp, _ := get(t, e, path); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, resp.StatusCode)
		}
	}

	anonymous := e.Env.Client()
	if resp, _ := get(t, anonymous, paths.Of(paths.InfractionPhoto, id, stored[0].ID)); resp.StatusCode == 200 {
		t.Error("a photo is served without a session")
	}
}

func get(t *testing.T, c *testenv.Client, path string, headers ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp := c.Do(req)
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp, body
}

// TestAdminTokenQR is the QR code beside a newly issued token: a data: PNG
// made on the server that reads back as the token.
func TestAdminTokenQR(t *testing.T) {
	e := testenv.Panel(t)
	e.Login()
	o := testenv.MustOfficer(t, e.Store, "Laura Benítez", "B7")
	resp, doc := e.Post(paths.Of(paths.OfficerToken, o.ID), nil, "HX-Request", "true")
	testenv.WantStatus(t, resp, http.StatusOK)
	token := testenv.Testid(doc, "new-token").Text()
	src, _ := testenv.Testid(doc, "token-qr").Attr("src")
	data, ok := strings.CutPrefix(src, "data:image/png;base64,")
	if !ok {
		t.Fatalf("QR src %.60q, want a data: PNG", src)
	}
	raw, err := base64.StdEncoding.DecodeString(data)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := zxqr.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("decode QR: %v", err)
	}
	if res.GetText() != token || token == "" {
		t.Errorf("QR reads %q, token %q", res.GetText(), token)
	}
	_, doc = e.Get(paths.Of(paths.Officer, o.ID))
	if testenv.Testid(doc, "token-qr").Length() != 0 {
		t.Error("the QR code is shown again after the page is reloaded")
	}
}

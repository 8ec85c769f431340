package api_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"transito/handlers"
	"transito/internal/testenv"
	"transito/models"
	"transito/models/rules"
)

func photoRequest(id int64, token, contentType string, body []byte) *http.Request {
	req := httptest.NewRequest(http.MethodPost, "/api/v1/infracciones/"+strconv.FormatInt(id, 10)+"/fotos", bytes.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return req
}

type photoAnswer struct {
	ID     int64  `json:"id"`
	SHA256 string `json:"sha256"`
	Bytes  int64  `json:"bytes"`
}

func upload(t *testing.T, e *testenv.Env, id int64, token, contentType string, body []byte) (int, photoAnswer, string) {
	t.Helper()
	resp, text := e.Request(photoRequest(id, token, contentType, body))
	var a photoAnswer
	if resp.StatusCode < 300 {
		if err := json.Unmarshal([]byte(text), &a); err != nil {
			t.Fatalf("%d %s: %v", resp.StatusCode, text, err)
		}
	} else {
		testenv.DecodeProblem(t, resp, []byte(text))
	}
	return resp.StatusCode, a, text
}

// recordAs registers an infraction through the API with token.
func recordAs(t *testing.T, e *testenv.Env, token string) int64 {
	t.Helper()
	resp, body := e.Request(jsonRequest(http.MethodPost, "/cargar_infraccion", token, `{"placa_patente":"AB123CD"}`))
	if resp.StatusCode != 200 || jsonID(body) == 0 {
		t.Fatalf("record: %d %s", resp.StatusCode, body)
	}
	return jsonID(body)
}

// TestPhotoUpload is the officer's evidence photos: stored as sent, by
// content, once per SHA-256, at most five, only on one's own infractions.
func TestPhotoUpload(t *testing.T) {
	e := testenv.API(t, handlers.Config{})
	ctx := context.Background()
	id := recordAs(t, e, e.Token)

	pic := testenv.Photo(t, "jpeg", 64, 48, 1)
	status, first, body := upload(t, e, id, e.Token, "image/jpeg", pic)
	sum := sha256.Sum256(pic)
	if status != 201 || first.ID == 0 || first.SHA256 != hex.EncodeToString(sum[:]) || first.Bytes != int64(len(pic)) {
		t.Fatalf("first upload: %d %s", status, body)
	}
	if status, again, _ := upload(t, e, id, e.Token, "image/jpeg; charset=binary", pic); status != 200 || again != first {
		t.Errorf("the same bytes again: %d %+v, want 200 %+v", status, again, first)
	}
	png := testenv.Photo(t, "png", 64, 48, 2)
	if status, _, body := upload(t, e, id, e.Token, "image/png", png); status != 201 {
		t.Errorf("a PNG: %d %s", status, body)
	}
	for shade := uint8(3); shade <= 5; shade++ {
		if status, _, body := upload(t, e, id, e.Token, "image/jpeg", testenv.Photo(t, "jpeg", 64, 48, shade)); status != 201 {
			t.Fatalf("photo %d: %d %s", shade, status, body)
		}
	}
	if status, again, _ := upload(t, e, id, e.Token, "image/jpeg", pic); status != 200 || again != first {
		t.Errorf("a retry with five stored: %d %+v, want 200 %+v", status, again, first)
	}
	status, _, body = upload(t, e, id, e.Token, "image/jpeg", testenv.Photo(t, "jpeg", 64, 48, 6))
	if status != 409 || !strings.Contains(body, "5 fotos") {
		t.Errorf("a sixth photo: %d %s, want 409 naming the limit", status, body)
	}

	stored, err := e.Store.AttachmentsOf(ctx, id, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) != rules.MaxPhotos {
		t.Fatalf("%d attachments stored, want %d", len(stored), rules.MaxPhotos)
	}
	for _, a := range stored {
		if a.Source != models.SourceOfficer || a.InfractionID == nil || *a.InfractionID != id {
			t.Errorf("attachment %+v: want source oficial on infraction %d", a, id)
		}
	}
	full, err := e.Store.AttachmentByID(ctx, first.ID)
	if err != nil || !bytes.Equal(full.Bytes, pic) || full.ContentType != "image/jpeg" {
		t.Errorf("stored bytes differ from the upload (err %v)", err)
	}
	audited, err := e.Store.ListAudit(ctx, models.ListQuery{PerPage: 50, Filters: map[string]string{
		"entidad": "infraction", "accion": "attach", "actor": models.ActorOfficer}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	attached := 0
	for _, en := range audited.Items {
		if en.EntityID != nil && *en.EntityID == id {
			attached++
		}
	}
	if attached != rules.MaxPhotos {
		t.Errorf("%d attach entries by the officer in the audit log, want %d (one per stored photo)", attached, rules.MaxPhotos)
	}
}

// TestPhotoRefused is every refusal, each with a Spanish problem and
// nothing stored.
func TestPhotoRefused(t *testing.T) {
	e := testenv.API(t, handlers.Config{})
	ctx := context.Background()
	id := recordAs(t, e, e.Token)
	other := testenv.MustOfficer(t, e.Store, "Otra Oficial", "B9")
	otherToken, err := e.Store.IssueToken(ctx, other.ID, testenv.Actor)
	if err != nil {
		t.Fatal(err)
	}
	jpg := testenv.Photo(t, "jpeg", 32, 32, 7)
	png := testenv.Photo(t, "png", 32, 32, 7)
	maxJPEG := append(append([]byte{}, jpg...), make([]byte, rules.MaxFileSize-len(jpg))...)
	cases := []struct {
		name        string
		id          int64
		token, ct   string
		body        []byte
		status      int
		detailNames string
	}{
		{"PNG bytes declared JPEG", id, e.Token, "image/jpeg", png, 415, "image/png"},
		{"JPEG bytes declared PNG", id, e.Token, "image/png", jpg, 415, "image/jpeg"},
		{"no Content-Type", id, e.Token, "", jpg, 415, "Content-Type"},
		{"not an image", id, e.Token, "image/jpeg", []byte("GIF89a......"), 415, "JPEG"},
		{"empty", id, e.Token, "image/jpeg", nil, 415, "JPEG"},
		{"base64 text", id, e.Token, "image/jpeg", []byte("/9j/4AAQSkZJRg=="), 415, "JPEG"},
		{"one byte past 5 MiB", id, e.Token, "image/jpeg", append(maxJPEG, 0), 413, "5 MiB"},
		{"another officer's infraction", id, otherToken, "image/jpeg", jpg, 404, strconv.FormatInt(id, 10)},
		{"an unknown infraction", id + 1000, e.Token, "image/jpeg", jpg, 404, ""},
		{"no token", id, "", "image/jpeg", jpg, 401, ""},
		{"inactive officer", id, e.Inactive, "image/jpeg", jpg, 403, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, _, body := upload(t, e, c.id, c.token, c.ct, c.body)
			if status != c.status || !strings.Contains(body, c.detailNames) {
				t.Errorf("%d %.300s, want %d naming %q", status, body, c.status, c.detailNames)
			}
		})
	}
	if resp, body := e.Request(httptest.NewRequest(http.MethodGet, "/api/v1/infracciones/abc/fotos", nil)); resp.StatusCode != 405 || resp.Header.Get("Allow") != "POST" {
		t.Errorf("GET: %d %s", resp.StatusCode, body)
	}
	if stored, err := e.Store.AttachmentsOf(ctx, id, 0); err != nil || len(stored) != 0 {
		t.Errorf("%d attachments after refusals (err %v), want none", len(stored), err)
	}
	if status, _, body := upload(t, e, id, e.Token, "image/jpeg", maxJPEG); status != 201 {
		t.Errorf("exactly 5 MiB: %d %.200s, want 201", status, body)
	}
}

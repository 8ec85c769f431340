package admin_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"transito/internal/testenv"
)

// The CSRF token counts only from the form field or the header, never from
// the query string, where it leaks into logs, history and Referer headers
// (issue 10, item 4).
func TestCSRFTokenRefusedFromTheQueryString(t *testing.T) {
	e := testenv.Panel(t)
	e.Login()
	q := "?_csrf=" + url.QueryEscape(e.CSRF)

	resp, doc := e.Post("/admin/personas"+q, url.Values{"_csrf": {""}, "nombre": {"Ana"}, "email": {"ana@example.com"}})
	testenv.WantStatus(t, resp, http.StatusForbidden)
	if testenv.Testid(doc, "error-page").Length() != 1 {
		t.Error("no error page")
	}
	if _, err := e.Store.PersonByEmail(t.Context(), "ana@example.com"); err == nil {
		t.Error("person created with the token in the query string")
	}

	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("archivo", "registro.csv")
	fw.Write([]byte("nombre,email,placa_patente,marca,color\nBea,bea@example.com,BB222,Fiat,Azul\n"))
	mw.Close()
	req := httptest.NewRequest(http.MethodPost, "/admin/importar"+q, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp = e.Do(req)
	e.Parse(resp)
	testenv.WantStatus(t, resp, http.StatusForbidden)

	resp, _ = e.Post("/admin/logout"+q, url.Values{"_csrf": {""}})
	testenv.WantStatus(t, resp, http.StatusForbidden)
	if resp, _ := e.Get("/admin"); resp.StatusCode != http.StatusOK {
		t.Errorf("logged out by a request with the token in the query string: %d", resp.StatusCode)
	}

	// The form field and the header still work.
	resp, _ = e.Post("/admin/personas", url.Values{"nombre": {"Ana"}, "email": {"ana@example.com"}})
	testenv.WantStatus(t, resp, http.StatusSeeOther)
	resp, _ = e.Post("/admin/personas", url.Values{"_csrf": {""}, "nombre": {"Bea"}, "email": {"bea@example.com"}}, "X-CSRF-Token", e.CSRF)
	testenv.WantStatus(t, resp, http.StatusSeeOther)
}

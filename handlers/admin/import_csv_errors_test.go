package admin_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"transito/internal/testenv"
)

// A malformed CSV in the panel's import is explained in Spanish, with its
// line, never with Go's parser text (issue 10, item 13).
func TestMalformedCSVImportSaysWhyInSpanish(t *testing.T) {
	e := testenv.Panel(t)
	e.Login()
	for _, tt := range []struct {
		name, csv, line string
	}{
		{"bare quote", "nombre,email,placa_patente,marca,color\nAna,ana@example.com,AB123,Ford,Rojo\nBea,bea@exa\"mple.com,BB222,Fiat,Azul\n", "Línea 3"},
		{"quote not closed", "nombre,email,placa_patente,marca,color\nAna,ana@example.com,AB123,Ford,Rojo\n\"Bea,bea@example.com,BB222,Fiat,Azul\n", "Línea 3"},
		{"text after a closing quote", "nombre,email,placa_patente,marca,color\n\"Ana\"x,ana@example.com,AB123,Ford,Rojo\n", "Línea 2"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var body bytes.Buffer
			w := multipart.NewWriter(&body)
			w.WriteField("_csrf", e.CSRF)
			fw, _ := w.CreateFormFile("archivo", "registro.csv")
			fw.Write([]byte(tt.csv))
			w.Close()
			req := httptest.NewRequest(http.MethodPost, "/admin/importar", &body)
			req.Header.Set("Content-Type", w.FormDataContentType())
			resp := e.Do(req)
			doc := e.Parse(resp)
			testenv.WantStatus(t, resp, http.StatusUnprocessableEntity)
			msg := strings.Join(strings.Fields(testenv.Testid(doc, "import-errors").Text()), " ")
			if !strings.Contains(msg, tt.line) || !strings.Contains(msg, "comillas") {
				t.Errorf("errors %q, want %s and a Spanish explanation of the quotes", msg, tt.line)
			}
			for _, english := range []string{"bare", "quote", "field", "extraneous", "parse error"} {
				if strings.Contains(strings.ToLower(msg), english) {
					t.Errorf("errors %q show Go's parser text (%q)", msg, english)
				}
			}
		})
	}
}

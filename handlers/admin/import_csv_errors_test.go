package admin_test

import (
	"net/http"
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
			resp, doc := e.Upload("/admin/importar", "archivo", "registro.csv", tt.csv)
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

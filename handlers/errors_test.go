package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"transito/handlers"
	"transito/internal/testenv"
)

// TestEachSurfaceRendersItsErrors: a browser's 404 on a public or unknown
// path is the public error page, which links home and not to the panel; the
// panel's own 404 links back to the panel; the API answers problem+json to
// a browser too; any other client of a public path gets problem+json.
func TestEachSurfaceRendersItsErrors(t *testing.T) {
	e := testenv.Demo(t, handlers.Config{})
	html := []string{"Accept", "text/html"}
	for _, tc := range []struct {
		name, path string
		header     []string
		status     int
		page, home string // the error page's data-testid and the link it must have
		json       bool
	}{
		{"unknown path, browser", "/no-existe", html, 404, "error-page", "/", false},
		{"unknown path under a public page, browser", "/consulta/x", html, 404, "error-page", "/", false},
		{"unknown path, other client", "/no-existe", nil, 404, "", "", true},
		{"API path, browser", "/api/v1/no-existe", html, 404, "", "", true},
		{"report without e-mail, browser", "/generar_informe", html, 400, "", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := e.GetBody(tc.path, tc.header...)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.status)
			}
			if tc.json {
				if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
					t.Errorf("Content-Type %q, want problem+json", ct)
				}
				return
			}
			doc := testenv.ParseHTML(t, body)
			if testenv.Testid(doc, tc.page).Length() != 1 {
				t.Fatalf("no %s in %.300s", tc.page, body)
			}
			if href, _ := testenv.Testid(doc, "error-home").Attr("href"); href != tc.home {
				t.Errorf("the error page links to %q, want %q", href, tc.home)
			}
			if doc.Find(`a[href^="/admin"]`).Length() != 0 || strings.Contains(body, "Volver al panel") {
				t.Error("a public error page sends the citizen to the panel")
			}
		})
	}
	panel := testenv.Panel(t)
	panel.Login()
	resp, doc := panel.Get("/admin/no-existe")
	if resp.StatusCode != http.StatusNotFound || testenv.Testid(doc, "error-page").Length() != 1 {
		t.Fatalf("panel 404: %d", resp.StatusCode)
	}
	if doc.Find(`a[href="/admin"]`).Length() == 0 {
		t.Error("the panel's error page does not link back to the panel")
	}
}

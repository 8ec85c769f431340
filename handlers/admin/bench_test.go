package admin_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"transito/internal/testenv"
	"transito/models"
	"transito/models/rules"
)

// benchDB returns a database with the benchmark data set (100,000
// persons, 1,000,000 infractions): $TRANSITO_BENCH_DB when set, otherwise a
// file in the temporary directory, seeded on first use and reused.
//
//	go test ./handlers/admin -run '^$' -bench AdminPages -benchtime 20x
func benchDB(b *testing.B) *testenv.Env {
	b.Helper()
	ctx := context.Background()
	path := os.Getenv("TRANSITO_BENCH_DB")
	if path == "" {
		path = filepath.Join(os.TempDir(), "transito-bench-100k-1m.db")
	}
	_, statErr := os.Stat(path)
	if models.IsPostgresDSN(path) {
		statErr = nil // a PostgreSQL database is seeded beforehand: transito seed --db URL ...
	}
	e := testenv.New(b, testenv.WithDSN(path))
	if statErr != nil {
		b.Logf("seeding %s (once)…", path)
		start := time.Now()
		if _, err := e.Store.Seed(ctx, models.SeedOptions{Persons: 100_000, Infractions: 1_000_000, Seed: 1}); err != nil {
			b.Fatal(err)
		}
		b.Logf("seeded in %s", time.Since(start))
	}
	return e
}

func BenchmarkAdminPages(b *testing.B) {
	env := benchDB(b)
	store := env.Store
	ctx := context.Background()
	_, err := store.CreateAdmin(ctx, rules.AdminInput{Username: "bench", Password: testenv.Password}, models.SystemActor)
	if err != nil && !errors.As(err, new(*models.ConflictError)) {
		b.Fatal(err)
	}
	e := env.Client()
	e.LoginPage()
	form := url.Values{"usuario": {"bench"}, "clave": {testenv.Password}, "_csrf": {e.CSRF}}
	req := httptest.NewRequest(http.MethodPost, "/admin/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if resp := e.Do(req); resp.StatusCode != http.StatusSeeOther {
		b.Fatalf("login: %d", resp.StatusCode)
	}

	pages := []struct{ name, path string }{
		{"dashboard", "/admin"},
		{"infracciones/first", "/admin/infracciones"},
		{"infracciones/search", "/admin/infracciones?q=AB"},
		{"infracciones/deep", "/admin/infracciones?pagina=2000"},
		{"infracciones/sort-patente", "/admin/infracciones?orden=patente"},
		{"infracciones/sort-oficial-desc", "/admin/infracciones?orden=-oficial"},
		{"infracciones/filter-estado-fecha", "/admin/infracciones?estado=vigente&desde=2026-06-01&hasta=2026-06-30"},
		{"infracciones/filter-oficial", "/admin/infracciones?oficial=SEED-00042"},
		{"infracciones/drill-year", "/admin/infracciones?desde=2026-01-01&hasta=2026-12-31"},
		{"infracciones/drill-month", "/admin/infracciones?desde=2026-06-01&hasta=2026-06-30"},
		{"infracciones/drill-day", "/admin/infracciones?desde=2026-06-15&hasta=2026-06-15"},
		{"infracciones/drill-year-filtered", "/admin/infracciones?estado=anulada&desde=2026-01-01&hasta=2026-12-31"},
		{"infracciones/filter-codigo", "/admin/infracciones?codigo=SEM-ROJO"},
		{"infracciones/filter-codigo-rare", "/admin/infracciones?codigo=MENORES&estado=en_descargo"},
		{"infracciones/filter-gravedad", "/admin/infracciones?gravedad=leve"},
		{"infracciones/filter-gravedad-estado", "/admin/infracciones?gravedad=gravisima&estado=vigente"},
		{"infracciones/filter-pagada", "/admin/infracciones?estado=pagada"},
		{"infracciones/filter-en-descargo", "/admin/infracciones?estado=en_descargo"},
		{"infracciones/filter-prescrita", "/admin/infracciones?estado=prescrita"},
		{"infracciones/filter-sin-tipificar", "/admin/infracciones?estado=sin_tipificar"},
		{"infracciones/filter-codigo-sort-patente", "/admin/infracciones?codigo=VEL-10&orden=patente"},
		{"personas/first", "/admin/personas"},
		{"personas/search", "/admin/personas?q=gonz"},
		{"personas/search-accent", "/admin/personas?q=%C3%81lvarez"},
		{"personas/search-full-name", "/admin/personas?q=mar%C3%ADa+gonz%C3%A1lez"},
		{"personas/search-email", "/admin/personas?q=gonzalez4242"},
		{"personas/search-rare", "/admin/personas?q=zzq"},
		{"personas/search-short", "/admin/personas?q=an"},
		{"personas/search-sort-email", "/admin/personas?q=mar&orden=-email"},
		{"personas/deep", "/admin/personas?pagina=2000"},
		{"personas/sort-email-desc", "/admin/personas?orden=-email"},
		{"vehiculos/first", "/admin/vehiculos"},
		{"vehiculos/search", "/admin/vehiculos?q=AB"},
		{"vehiculos/search-plate-part", "/admin/vehiculos?q=123C"},
		{"vehiculos/search-brand", "/admin/vehiculos?q=citroen"},
		{"vehiculos/search-colour", "/admin/vehiculos?q=bordo"},
		{"vehiculos/search-owner", "/admin/vehiculos?q=mart%C3%ADnez"},
		{"vehiculos/search-owner-email", "/admin/vehiculos?q=sofia.gomez77"},
		{"vehiculos/search-sort-titular", "/admin/vehiculos?q=toyota&orden=titular"},
		{"vehiculos/deep", "/admin/vehiculos?pagina=4000"},
		{"vehiculos/sort-titular", "/admin/vehiculos?orden=titular"},
		{"vehiculos/filter-marca-color", "/admin/vehiculos?marca=Fiat&color=Rojo"},
		{"oficiales/first", "/admin/oficiales"},
		{"oficiales/search-name", "/admin/oficiales?q=ben%C3%ADtez"},
		{"oficiales/search-badge", "/admin/oficiales?q=SEED-0004"},
		{"auditoria/first", "/admin/auditoria"},
		{"auditoria/drill-year", "/admin/auditoria?desde=2026-01-01&hasta=2026-12-31"},
	}
	get := func(b *testing.B, path string) {
		resp := e.Do(httptest.NewRequest(http.MethodGet, path, nil))
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("%s: %d", path, resp.StatusCode)
		}
	}
	for _, p := range pages {
		b.Run(p.name+"/warm", func(b *testing.B) {
			get(b, p.path)
			b.ResetTimer()
			for b.Loop() {
				get(b, p.path)
			}
		})
		b.Run(p.name+"/cold", func(b *testing.B) {
			// A write before each request invalidates the cached counts.
			for b.Loop() {
				b.StopTimer()
				if err := store.Audit(ctx, models.SystemActor, "bench", "database", 0, nil); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				get(b, p.path)
			}
		})
	}
}

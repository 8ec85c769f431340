package portal_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"testing"
	"time"

	"transito/handlers"
	"transito/internal/testenv"
	"transito/models"
)

// BenchmarkActaPDF downloads actas through the whole handler path (the
// proven visit, the infraction, the tariff, the certificate written on the
// first download of each, the PDF with its QR code). Each iteration is a
// fine not downloaded before, so each writes its certificate; run it with
// -benchtime=Nx, N ≤ 300. It reports the median.
func BenchmarkActaPDF(b *testing.B) {
	e := testenv.Demo(b, handlers.Config{})
	ctx := context.Background()
	const fines = 300
	ids := make([]int64, fines)
	for i := range ids {
		ids[i] = testenv.MustInfraction(b, e.Store, "AB123CD", "DEMO-001", time.Now().Add(-time.Duration(i+1)*time.Minute))
		if _, err := e.Store.ClassifyInfraction(ctx, ids[i], "SEM-ROJO", models.SystemActor); err != nil {
			b.Fatal(err)
		}
	}
	c := e.Client()
	c.Get("/consulta?email=" + testenv.DemoEmail + "&placa_patente=AB123CD")
	times := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		start := time.Now()
		resp := c.Do(httptest.NewRequest(http.MethodGet, "/comprobantes/acta/"+id(ids[i%fines])+".pdf", nil))
		n, _ := io.Copy(io.Discard, resp.Body)
		times = append(times, time.Since(start))
		if resp.StatusCode != http.StatusOK || n < 1000 {
			b.Fatalf("acta: %d, %d bytes", resp.StatusCode, n)
		}
	}
	b.StopTimer()
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "ms-median")
}

// BenchmarkReportPage renders the report page of a person with 200 issued
// fines (open mode, no proof) through the whole handler path.
func BenchmarkReportPage(b *testing.B) {
	e := testenv.Demo(b, handlers.Config{})
	ctx := context.Background()
	for i := range 200 {
		fine := testenv.MustInfraction(b, e.Store, "AB123CD", "DEMO-001", time.Now().Add(-time.Duration(i+1)*time.Minute))
		if _, err := e.Store.ClassifyInfraction(ctx, fine, "SEM-ROJO", models.SystemActor); err != nil {
			b.Fatal(err)
		}
	}
	c := e.Client()
	b.ResetTimer()
	for range b.N {
		resp := c.Do(httptest.NewRequest(http.MethodGet, "/consulta?email="+testenv.DemoEmail, nil))
		n, _ := io.Copy(io.Discard, resp.Body)
		if resp.StatusCode != http.StatusOK || n < 10000 {
			b.Fatalf("page: %d, %d bytes", resp.StatusCode, n)
		}
	}
}

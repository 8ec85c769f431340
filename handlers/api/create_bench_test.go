package api_test

import (
	"bytes"
	"io"
	"net/http"
	"syscall"
	"testing"
	"time"

	"transito/handlers"
	"transito/internal/testenv"
)

// BenchmarkCargarInfraccion posts the body bench/api.sh posts (codigo and
// ubicacion) over real HTTP on loopback from 64 clients, as bench/api.sh
// does, to a SQLite file (WAL, synchronous=FULL): "emitida" issues the fine (the writer included), "patente-desconocida"
// is answered 404 after the look-up, never reaching the writer. Besides
// ns/op it reports the process's CPU per request (cpu-µs/op: server, client
// and writer, from getrusage), which a loaded machine disturbs less than
// the wall clock, and allocs/op, which it does not disturb at all:
//
//	go test ./handlers/api -run '^$' -bench CargarInfraccion -benchmem -benchtime 2000x
func BenchmarkCargarInfraccion(b *testing.B) {
	for _, bc := range []struct{ name, plate string }{{"emitida", "AB123CD"}, {"patente-desconocida", "ZZ999ZZ"}} {
		b.Run(bc.name, func(b *testing.B) {
			e := testenv.API(b, handlers.Config{}, testenv.WithCatalogue())
			url := "http://" + e.Listen() + "/cargar_infraccion"
			body := []byte(`{"placa_patente":"` + bc.plate + `","comentarios":"Exceso de velocidad","codigo":"t01",` +
				`"ubicacion":{"lat":-34.6037,"lon":-58.3816,"descripcion":"Av. Corrientes 1200"}}`)
			client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
			post := func() int {
				req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+e.Token)
				req.Header.Set("Content-Type", "application/json")
				resp, err := client.Do(req)
				if err != nil {
					b.Error(err)
					return 0
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				return resp.StatusCode
			}
			want := post()
			if want != http.StatusOK && want != http.StatusNotFound {
				b.Fatalf("status %d", want)
			}
			cpu := func() time.Duration {
				var ru syscall.Rusage
				_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
				return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
			}
			b.ReportAllocs()
			b.ResetTimer()
			start := cpu()
			b.SetParallelism(32) // 64 clients on 2 cores
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if got := post(); got != want {
						b.Errorf("status %d, want %d", got, want)
						return
					}
				}
			})
			b.ReportMetric(float64((cpu()-start).Microseconds())/float64(b.N), "cpu-µs/op")
		})
	}
}

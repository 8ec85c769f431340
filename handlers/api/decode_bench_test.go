package api

import (
	"testing"
	"time"
)

// BenchmarkDecodeInfraction decodes the body bench/api.sh posts (with codigo
// and ubicacion), priced from a tariff, as createInfraction does for every
// request:
//
//	go test ./handlers/api -run '^$' -bench DecodeInfraction -benchmem
func BenchmarkDecodeInfraction(b *testing.B) {
	body := []byte(`{"placa_patente":"AB123CD","comentarios":"Exceso de velocidad","codigo":"T01",` +
		`"ubicacion":{"lat":-34.6037,"lon":-58.3816,"descripcion":"Av. Corrientes 1200"}}`)
	now := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeInfraction(body, time.UTC, now, fuzzTariff); err != nil {
			b.Fatal(err)
		}
	}
}

package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"transito/handlers"
	"transito/handlers/api"
	"transito/internal/testenv"
	"transito/models"
	"transito/models/fines"
	"transito/models/rules"
)

// fineJSON is the fine's part of an infraction as the API answers it;
// pointers tell null from a value.
type fineJSON struct {
	ID          int64   `json:"id"`
	Estado      string  `json:"estado"`
	Codigo      *string `json:"codigo"`
	Descripcion *string `json:"descripcion"`
	Ubicacion   *struct {
		Lat         *float64 `json:"lat"`
		Lon         *float64 `json:"lon"`
		Descripcion *string  `json:"descripcion"`
	} `json:"ubicacion"`
	Importe        *string `json:"importe"`
	APagar         *string `json:"a_pagar"`
	Moneda         *string `json:"moneda"`
	Vencimiento    *string `json:"vencimiento"`
	DescuentoHasta *string `json:"descuento_hasta"`
}

func decodeFine(t *testing.T, body []byte) fineJSON {
	t.Helper()
	var f fineJSON
	if err := json.Unmarshal(body, &f); err != nil {
		t.Fatalf("%s: %v", body, err)
	}
	return f
}

func str(p *string) string {
	if p == nil {
		return "null"
	}
	return *p
}

func finesAPI(t *testing.T, cfg handlers.Config) *testenv.Env {
	return testenv.API(t, cfg, testenv.WithCatalogue())
}

func TestCargarInfraccionIssuesAFine(t *testing.T) {
	e := finesAPI(t, handlers.Config{})
	ba := e.Config.Location
	today := fines.DateOf(time.Now(), ba)
	resp, body := e.Send(t, "POST", "/api/v1/infracciones", e.Token,
		`{"placa_patente":"AB123CD","comentarios":"Semáforo","codigo":"t01","ubicacion":{"lat":-34.6037,"lon":-58.3816,"descripcion":"Av. Corrientes 1200"}}`)
	if resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	f := decodeFine(t, body)
	if f.Estado != "vigente" || str(f.Codigo) != "T01" || str(f.Descripcion) != "Cruzar con el semáforo en rojo" ||
		str(f.Importe) != "300000.00" || str(f.APagar) != "150000.00" || str(f.Moneda) != "ARS" ||
		str(f.Vencimiento) != today.AddDays(60).String() || str(f.DescuentoHasta) != today.AddDays(20).String() {
		t.Errorf("issued fine: %s", body)
	}
	if f.Ubicacion == nil || *f.Ubicacion.Lat != -34.6037 || *f.Ubicacion.Lon != -58.3816 || str(f.Ubicacion.Descripcion) != "Av. Corrientes 1200" {
		t.Errorf("ubicacion: %s", body)
	}
	ns, err := e.Store.NotificationsOf(context.Background(), f.ID)
	if err != nil || len(ns) != 1 || ns[0].ToEmail != "ana@example.com" || !strings.Contains(ns[0].Body, "AB123CD") {
		t.Errorf("notification of the issued fine: %+v %v", ns, err)
	}
	row, err := e.Store.InfractionByID(context.Background(), f.ID)
	if err != nil || row.AmountCents != 30000000 || row.Units != 300 || row.Points != 5 || row.IssuedAt == nil || row.Place != "Av. Corrientes 1200" {
		t.Errorf("stored: %+v %v", row, err)
	}

	// Without a code: sin tipificar, every fine member null; a place of
	// just a description keeps the coordinates null.
	resp, body = e.Send(t, "POST", "/cargar_infraccion", e.Token, `{"placa_patente":"XY987ZW","ubicacion":{"descripcion":"Plaza de Mayo"}}`)
	f = decodeFine(t, body)
	if resp.StatusCode != 200 || f.Estado != "vigente" || f.Codigo != nil || f.Importe != nil || f.APagar != nil || f.Moneda != nil ||
		f.Vencimiento != nil || f.DescuentoHasta != nil || f.Ubicacion == nil || f.Ubicacion.Lat != nil || str(f.Ubicacion.Descripcion) != "Plaza de Mayo" {
		t.Errorf("sin tipificar: %d %s", resp.StatusCode, body)
	}
	if !strings.Contains(string(body), `"codigo":null`) || !strings.Contains(string(body), `"a_pagar":null`) {
		t.Errorf("the fine's members must be present as null: %s", body)
	}
	if ns, _ := e.Store.NotificationsOf(context.Background(), f.ID); len(ns) != 0 {
		t.Errorf("a fine sin tipificar notified: %+v", ns)
	}
}

func TestCargarInfraccionRefusesBadCodesAndPlaces(t *testing.T) {
	e := finesAPI(t, handlers.Config{})
	for _, tt := range []struct {
		body, field, msg string
	}{
		{`{"placa_patente":"AB123CD","codigo":"NO-EXISTE"}`, "codigo", "no hay ningún tipo"},
		{`{"placa_patente":"AB123CD","codigo":"X99"}`, "codigo", "de baja"},
		{`{"placa_patente":"AB123CD","codigo":"T 01"}`, "codigo", "de 1 a 20"},
		{`{"placa_patente":"AB123CD","codigo":1}`, "codigo", "texto"},
		{`{"placa_patente":"AB123CD","ubicacion":{"lat":-91,"lon":0}}`, "ubicacion", "-90 y 90"},
		{`{"placa_patente":"AB123CD","ubicacion":{"lat":0,"lon":180.5}}`, "ubicacion", "-180 y 180"},
		{`{"placa_patente":"AB123CD","ubicacion":{"lat":-34.6}}`, "ubicacion", "juntas"},
		{`{"placa_patente":"AB123CD","ubicacion":{}}`, "ubicacion", "coordenadas"},
		{`{"placa_patente":"AB123CD","ubicacion":{"lat":"-34.6","lon":"-58.3"}}`, "ubicacion", "número"},
		{`{"placa_patente":"AB123CD","ubicacion":{"descripcion":"` + strings.Repeat("x", 201) + `"}}`, "ubicacion", "200"},
		{`{"placa_patente":"AB123CD","ubicacion":{"descripcion":"x","altura":1200}}`, "ubicacion", "altura"},
		{`{"placa_patente":"AB123CD","ubicacion":"Av. Corrientes"}`, "ubicacion", "objeto"},
	} {
		before := e.CountInfractions(t)
		resp, body := e.Send(t, "POST", "/cargar_infraccion", e.Token, tt.body)
		if resp.StatusCode != 400 {
			t.Errorf("%s: %d %s, want 400", tt.body, resp.StatusCode, body)
			continue
		}
		p := testenv.DecodeProblem(t, resp, body)
		if !strings.Contains(p.Errors[tt.field], tt.msg) {
			t.Errorf("%s: errors %v, want %s: …%s…", tt.body, p.Errors, tt.field, tt.msg)
		}
		if after := e.CountInfractions(t); after != before {
			t.Errorf("%s: refused but stored", tt.body)
		}
	}
	// Every field's problem at once.
	resp, body := e.Send(t, "POST", "/cargar_infraccion", e.Token, `{"placa_patente":"","codigo":"NADA","ubicacion":{"lat":100,"lon":0}}`)
	p := testenv.DecodeProblem(t, resp, body)
	if len(p.Errors) != 3 {
		t.Errorf("errors %v, want placa_patente, codigo and ubicacion", p.Errors)
	}
}

func TestCatalogueEndpoint(t *testing.T) {
	e := finesAPI(t, handlers.Config{})
	ctx := context.Background()
	resp, body := e.Send(t, "GET", "/api/v1/catalogo", "", "")
	if resp.StatusCode != 401 {
		t.Fatalf("without a token: %d", resp.StatusCode)
	}
	resp, body = e.Send(t, "GET", "/api/v1/catalogo", e.Token, "")
	var types []map[string]any
	if err := json.Unmarshal(body, &types); err != nil || resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	if len(types) != 2 || types[0]["codigo"] != "E05" || types[1]["codigo"] != "T01" || types[1]["importe"] != "300000.00" ||
		types[1]["moneda"] != "ARS" || types[1]["gravedad"] != "grave" || types[1]["unidades"] != float64(300) || types[1]["puntos"] != float64(5) {
		t.Errorf("catalogue %s", body)
	}
	etag := resp.Header.Get("ETag")
	resp, _ = e.Send(t, "GET", "/api/v1/catalogo", e.Token, "", "If-None-Match", etag)
	if etag == "" || resp.StatusCode != 304 {
		t.Fatalf("If-None-Match: %d (ETag %q)", resp.StatusCode, etag)
	}
	// Another process changes the unit value from today on: a new ETag, a
	// new importe, within 5 s.
	other := testenv.Open(t, e.DSN)
	today := fines.DateOf(time.Now(), e.Config.Location)
	if _, err := other.SetUnitValue(ctx, rules.UnitValueInput{From: today, Cents: 120000}, models.CLIActor); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		resp, body = e.Send(t, "GET", "/api/v1/catalogo", e.Token, "", "If-None-Match", etag)
		if resp.StatusCode == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the unit value set by another process is not seen after 5 s")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !strings.Contains(string(body), `"importe":"360000.00"`) || resp.Header.Get("ETag") == etag {
		t.Errorf("after the new unit value: %s (ETag %s)", body, resp.Header.Get("ETag"))
	}
}

func TestVehicleCheck(t *testing.T) {
	e := finesAPI(t, handlers.Config{})
	for _, body := range []string{`{"placa_patente":"AB123CD","codigo":"T01"}`, `{"placa_patente":"AB123CD","codigo":"E05"}`, `{"placa_patente":"AB123CD"}`} {
		if resp, b := e.Send(t, "POST", "/cargar_infraccion", e.Token, body); resp.StatusCode != 200 {
			t.Fatalf("%d %s", resp.StatusCode, b)
		}
	}
	resp, body := e.Send(t, "GET", "/api/v1/vehiculos/ab-123-cd", e.Token, "")
	if resp.StatusCode != 200 || string(body) != `{"placa_patente":"AB123CD","marca":"Toyota","color":"Blanco","infracciones_impagas":2}` {
		t.Errorf("vehicle: %d %s", resp.StatusCode, body)
	}
	resp, body = e.Send(t, "GET", "/api/v1/vehiculos/AB%20123%20CD", e.Token, "")
	if resp.StatusCode != 200 {
		t.Errorf("an escaped space: %d %s", resp.StatusCode, body)
	}
	resp, body = e.Send(t, "GET", "/api/v1/vehiculos/ZZ999ZZ", e.Token, "")
	if p := testenv.DecodeProblem(t, resp, body); resp.StatusCode != 404 || !strings.Contains(p.Detail, "ZZ999ZZ") {
		t.Errorf("unknown plate: %d %s", resp.StatusCode, body)
	}
	if resp, _ := e.Send(t, "GET", "/api/v1/vehiculos/AB123CD", e.Inactive, ""); resp.StatusCode != 403 {
		t.Errorf("an inactive officer's token: %d", resp.StatusCode)
	}
	if resp, _ := e.Send(t, "GET", "/api/v1/vehiculos/AB123CD", "", ""); resp.StatusCode != 401 {
		t.Errorf("no token: %d", resp.StatusCode)
	}
}

// The report shows what is owed and follows the settings: a change by
// another process is seen within 5 s, though the report is cached.
func TestReportShowsTheFines(t *testing.T) {
	e := finesAPI(t, handlers.Config{})
	if resp, b := e.Send(t, "POST", "/cargar_infraccion", e.Token, `{"placa_patente":"AB123CD","codigo":"T01"}`); resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
	report := func() []fineJSON {
		resp, body := e.Send(t, "GET", "/generar_informe?email=ana@example.com", "", "")
		var rows []fineJSON
		if err := json.Unmarshal(body, &rows); err != nil || resp.StatusCode != 200 {
			t.Fatalf("%d %s", resp.StatusCode, body)
		}
		return rows
	}
	if rows := report(); len(rows) != 1 || str(rows[0].APagar) != "150000.00" || str(rows[0].Importe) != "300000.00" {
		t.Fatalf("report %+v", rows)
	}
	other := testenv.Open(t, e.DSN)
	s := fines.DefaultSettings()
	s.DiscountPct = 30
	if err := other.SetFinesSettings(context.Background(), s, models.CLIActor); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for str(report()[0].APagar) != "210000.00" {
		if time.Now().After(deadline) {
			t.Fatalf("the new discount is not in the report after 5 s: %+v", report())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

const testSecret = "secreto-de-la-pasarela"

// pay posts body to the webhook signed at t with secret.
func pay(t *testing.T, e *testenv.Env, secret string, at time.Time, body string) (*http.Response, []byte) {
	t.Helper()
	return e.Send(t, "POST", "/api/v1/pagos", "", body, api.SignatureHeader, api.Sign(secret, at, []byte(body)))
}

func TestPaymentWebhook(t *testing.T) {
	closed := finesAPI(t, handlers.Config{})
	body := `{"infraccion_id":1,"importe":"150000.00","referencia":"MP-1"}`
	if resp, b := pay(t, closed, testSecret, time.Now(), body); resp.StatusCode != 404 {
		t.Errorf("without a secret: %d %s, want 404", resp.StatusCode, b)
	}

	e := finesAPI(t, handlers.Config{PaymentSecret: testSecret})
	_, b := e.Send(t, "POST", "/cargar_infraccion", e.Token, `{"placa_patente":"AB123CD","codigo":"T01"}`)
	id := decodeFine(t, b).ID
	body = fmt.Sprintf(`{"infraccion_id":%d,"importe":"150000.00","referencia":"MP-1"}`, id)
	now := time.Now()
	for name, header := range map[string]string{
		"missing":         "",
		"another secret":  api.Sign("otro", now, []byte(body)),
		"another body":    api.Sign(testSecret, now, []byte(body+" ")),
		"6 minutes old":   api.Sign(testSecret, now.Add(-6*time.Minute), []byte(body)),
		"6 minutes ahead": api.Sign(testSecret, now.Add(6*time.Minute), []byte(body)),
		"garbled":         "t=abc,v1=zz",
	} {
		resp, b := e.Send(t, "POST", "/api/v1/pagos", "", body, api.SignatureHeader, header)
		if resp.StatusCode != 401 || resp.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("%s signature: %d %s, want 401", name, resp.StatusCode, b)
		}
	}
	if resp, _ := pay(t, e, testSecret, now.Add(-4*time.Minute), `{"infraccion_id":999999,"importe":"1.00","referencia":"MP-0"}`); resp.StatusCode != 404 {
		t.Errorf("unknown infraction: %d", resp.StatusCode)
	}
	resp, b := pay(t, e, testSecret, now, fmt.Sprintf(`{"infraccion_id":%d,"importe":"300000.00","referencia":"MP-1"}`, id))
	p := testenv.DecodeProblem(t, resp, b)
	if resp.StatusCode != 422 || !strings.Contains(p.Detail, "150000.00") || !strings.Contains(p.Errors["importe"], "150000.00") {
		t.Errorf("wrong amount: %d %s", resp.StatusCode, b)
	}
	resp, b = pay(t, e, testSecret, now, `{"infraccion_id":"x","importe":"150.000,00"}`)
	if p := testenv.DecodeProblem(t, resp, b); resp.StatusCode != 400 || p.Errors["infraccion_id"] == "" || p.Errors["importe"] == "" || p.Errors["referencia"] == "" {
		t.Errorf("bad body: %d %s", resp.StatusCode, b)
	}
	resp, first := pay(t, e, testSecret, now, body)
	if resp.StatusCode != 200 || !strings.Contains(string(first), `"estado":"pagada"`) || !strings.Contains(string(first), `"importe":"150000.00"`) {
		t.Fatalf("payment: %d %s", resp.StatusCode, first)
	}
	resp, again := pay(t, e, testSecret, now.Add(time.Second), body)
	if resp.StatusCode != 200 || string(again) != string(first) || resp.Header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("the same referencia again: %d %s, want the first result %s", resp.StatusCode, again, first)
	}
	resp, b = pay(t, e, testSecret, now, fmt.Sprintf(`{"infraccion_id":%d,"importe":"150000.00","referencia":"MP-2"}`, id))
	if resp.StatusCode != 409 {
		t.Errorf("paid under another reference: %d %s", resp.StatusCode, b)
	}
	if resp, _ := e.Send(t, "GET", "/api/v1/pagos", "", ""); resp.StatusCode != 405 {
		t.Errorf("GET: %d, want 405", resp.StatusCode)
	}
	_, b = e.Send(t, "GET", "/generar_informe?email=ana@example.com", "", "")
	if f := decodeFine(t, []byte(strings.Trim(string(b), "[]"))); f.Estado != "pagada" || f.APagar != nil || str(f.Importe) != "300000.00" {
		t.Errorf("report after the payment: %s", b)
	}
}

// Concurrent webhook calls for one fine record exactly one payment (on
// both databases: run with TRANSITO_TEST_DB too).
func TestConcurrentWebhookCallsPayOnce(t *testing.T) {
	e := finesAPI(t, handlers.Config{PaymentSecret: testSecret})
	_, b := e.Send(t, "POST", "/cargar_infraccion", e.Token, `{"placa_patente":"AB123CD","codigo":"E05"}`)
	id := decodeFine(t, b).ID
	statuses := map[int]int{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for k := range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := fmt.Sprintf(`{"infraccion_id":%d,"importe":"25000.00","referencia":"MP-%d"}`, id, k%3)
			resp, _ := pay(t, e, testSecret, time.Now(), body)
			mu.Lock()
			statuses[resp.StatusCode]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	payments := 0
	if p, err := e.Store.PaymentOf(context.Background(), id); err == nil && p.AmountCents == 2500000 {
		payments = 1
	}
	if payments != 1 || statuses[200] < 1 || statuses[200]+statuses[409] != 12 {
		t.Errorf("statuses %v, payment stored: %d", statuses, payments)
	}
	ns, _ := e.Store.NotificationsOf(context.Background(), id)
	if len(ns) != 2 {
		t.Errorf("%d notifications, want the issue's and one payment's", len(ns))
	}
}

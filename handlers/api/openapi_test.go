package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"transito/docs"
	"transito/handlers"
	"transito/handlers/api"
	"transito/internal/testenv"
	"transito/models"
	"transito/models/rules"
)

// contract checks responses against docs/openapi.yaml and remembers which
// documented (path, method, status) it has seen.
type contract struct {
	t    *testing.T
	doc  *openapi3.T
	seen map[string]bool
}

func loadContract(t *testing.T) *contract {
	t.Helper()
	ctx := context.Background()
	doc, err := openapi3.NewLoader().LoadFromData(docs.OpenAPI)
	if err != nil {
		t.Fatalf("load openapi.yaml: %v", err)
	}
	if err := doc.Validate(ctx); err != nil {
		t.Fatalf("openapi.yaml is not valid OpenAPI (examples included): %v", err)
	}
	if !doc.IsOpenAPI31OrLater() {
		t.Fatalf("openapi.yaml declares %s, want 3.1", doc.OpenAPI)
	}
	return &contract{t: t, doc: doc, seen: map[string]bool{}}
}

func contractKey(path, method string, status int) string {
	return path + " " + method + " " + strconv.Itoa(status)
}

// exchange sends req to the environment's server and validates the answer
// against the operation the document gives for req's path and documented
// method (a 405 is documented on the operation of the allowed method).
func (k *contract) exchange(e *testenv.Env, req *http.Request, documentedMethod string) (*http.Response, string) {
	k.t.Helper()
	resp, body := e.Request(req)
	lookup := req.Clone(context.Background())
	lookup.Method = documentedMethod
	// The variants differ only by a trailing slash, which routers fold:
	// look the path up exactly, or as the one template the API has.
	path, params := req.URL.Path, map[string]string{}
	if plate, ok := strings.CutPrefix(path, "/api/v1/vehiculos/"); ok {
		path, params["placa"] = "/api/v1/vehiculos/{placa}", plate
	}
	if rest, ok := strings.CutPrefix(path, "/api/v1/infracciones/"); ok {
		if id, ok := strings.CutSuffix(rest, "/fotos"); ok {
			path, params["id"] = "/api/v1/infracciones/{id}/fotos", id
		}
	}
	item := k.doc.Paths.Value(path)
	if item == nil || item.GetOperation(documentedMethod) == nil {
		k.t.Fatalf("%s %s: not in openapi.yaml", documentedMethod, req.URL.Path)
	}
	route := &routers.Route{Spec: k.doc, Path: path, PathItem: item, Method: documentedMethod,
		Operation: item.GetOperation(documentedMethod)}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: lookup, PathParams: params, Route: route},
		Status:                 resp.StatusCode,
		Header:                 resp.Header,
		Body:                   io.NopCloser(strings.NewReader(body)),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		k.t.Errorf("%s %s → %d does not match openapi.yaml: %v\nbody: %.300s", req.Method, req.URL, resp.StatusCode, err, body)
	}
	k.seen[contractKey(route.Path, documentedMethod, resp.StatusCode)] = true
	return resp, body
}

// documented lists every (path, method, status) of the document.
func (k *contract) documented() []string {
	var all []string
	for path, item := range k.doc.Paths.Map() {
		for method, op := range item.Operations() {
			for code := range op.Responses.Map() {
				status, err := strconv.Atoi(code)
				if err != nil {
					k.t.Errorf("%s %s: response %q is not a status code", method, path, code)
					continue
				}
				all = append(all, contractKey(path, method, status))
			}
		}
	}
	sort.Strings(all)
	return all
}

func jsonRequest(method, target, token, body string) *http.Request {
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return req
}

// TestOpenAPIAgreement drives every documented status of every documented
// path, checks each answer against its schema, and fails when the document
// lists a status the server never gave.
func TestOpenAPIAgreement(t *testing.T) {
	k := loadContract(t)
	ctx := context.Background()
	createPaths := []string{"/cargar_infraccion", "/cargar_infraccion/", "/api/v1/infracciones"}
	reportPaths := []string{"/generar_informe", "/generar_informe/", "/api/v1/informes"}

	e := testenv.Demo(t, handlers.Config{PaymentSecret: testSecret}, testenv.WithCatalogue())
	inactive, err := e.Store.CreateOfficer(ctx, rules.OfficerInput{Name: "Inactivo", Badge: "INACT-1", Active: true}, models.SystemActor)
	if err != nil {
		t.Fatal(err)
	}
	inactiveToken, err := e.Store.IssueToken(ctx, inactive.ID, models.SystemActor)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Store.SetOfficerActive(ctx, inactive.ID, false, models.SystemActor); err != nil {
		t.Fatal(err)
	}
	big := `{"placa_patente":"AB123CD","comentarios":"` + strings.Repeat("x", rules.MaxAPIBody) + `"}`

	for _, p := range createPaths {
		post := http.MethodPost
		cases := []struct {
			req    *http.Request
			status int
		}{
			{jsonRequest(post, p, e.Token, `{"placa_patente":"ab-123-cd","timestamp":"2024-05-01 14:30","comentarios":"ok"}`), 200},
			{jsonRequest(post, p, e.Token, `{"placa_patente":"AB123CD","codigo":"t01","ubicacion":{"lat":-34.6,"lon":-58.4,"descripcion":"Av. Corrientes 1200"}}`), 200},
			{jsonRequest(post, p, e.Token, `{"placa_patente":"AB123CD","ubicacion":{"descripcion":"Plaza"}}`), 200},
			{jsonRequest(post, p, e.Token, `{"placa_patente":"AB123CD","codigo":"X99"}`), 400},
			{jsonRequest(post, p, e.Token, `{"placa_patente":5,"timestamp":"mañana"}`), 400},
			{jsonRequest(post, p, e.Token, `[1,2]`), 400},
			{jsonRequest(post, p, "", `{"placa_patente":"AB123CD"}`), 401},
			{jsonRequest(post, p, "tr_no-existe", `{"placa_patente":"AB123CD"}`), 401},
			{jsonRequest(post, p, inactiveToken, `{"placa_patente":"AB123CD"}`), 403},
			{jsonRequest(post, p, e.Token, `{"placa_patente":"ZZ999ZZ"}`), 404},
			{jsonRequest(http.MethodGet, p, e.Token, ``), 405},
			{jsonRequest(http.MethodPut, p, e.Token, `{}`), 405},
			{jsonRequest(post, p, e.Token, big), 413},
		}
		for _, c := range cases {
			if resp, body := k.exchange(e, c.req, post); resp.StatusCode != c.status {
				t.Errorf("%s %s: %d, want %d: %.200s", c.req.Method, p, resp.StatusCode, c.status, body)
			}
		}
		// The same Idempotency-Key answers the first result again.
		first := jsonRequest(post, p, e.Token, `{"placa_patente":"AB123CD"}`)
		first.Header.Set("Idempotency-Key", "clave-"+p)
		_, body1 := k.exchange(e, first, post)
		again := jsonRequest(post, p, e.Token, `{"placa_patente":"AB123CD"}`)
		again.Header.Set("Idempotency-Key", "clave-"+p)
		resp, body2 := k.exchange(e, again, post)
		if resp.Header.Get("Idempotent-Replayed") != "true" || jsonID(body1) == 0 || jsonID(body1) != jsonID(body2) {
			t.Errorf("%s: replay is not the first infraction: %s / %s", p, body1, body2)
		}
	}

	for _, p := range reportPaths {
		get := http.MethodGet
		resp, _ := k.exchange(e, httptest.NewRequest(get, p+"?email=Ana.Martinez@example.com", nil), get)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d", p, resp.StatusCode)
		}
		etag := resp.Header.Get("ETag")
		cond := httptest.NewRequest(get, p+"?email=ana.martinez@example.com", nil)
		cond.Header.Set("If-None-Match", etag)
		cases := []struct {
			req    *http.Request
			status int
		}{
			{httptest.NewRequest(get, p+"?email=carla.gomez@example.com", nil), 200},
			{cond, 304},
			{httptest.NewRequest(get, p+"?email=no-es-correo", nil), 400},
			{httptest.NewRequest(get, p, nil), 400},
			{httptest.NewRequest(get, p+"?email=nadie@example.com", nil), 404},
			{httptest.NewRequest(http.MethodPost, p+"?email=ana.martinez@example.com", nil), 405},
		}
		for _, c := range cases {
			if resp, body := k.exchange(e, c.req, get); resp.StatusCode != c.status {
				t.Errorf("%s %s: %d, want %d: %.200s", c.req.Method, c.req.URL, resp.StatusCode, c.status, body)
			}
		}
	}

	// The verified access mode: the proof's parameters, and the 404 of a
	// wrong or missing one.
	verified := testenv.Demo(t, handlers.Config{ReportAccess: rules.AccessVerified})
	for _, c := range []struct {
		query  string
		status int
	}{
		{"?email=ana.martinez@example.com&placa_patente=ab-123-cd", 200},
		{"?email=ana.martinez@example.com&documento=27.123.456", 200},
		{"?email=ana.martinez@example.com", 404},
		{"?email=ana.martinez@example.com&placa_patente=ZZ999ZZ", 404},
		{"?email=ana.martinez@example.com&acceso=no-es-un-token", 404},
		{"?email=nadie@example.com&placa_patente=AB123CD", 404},
	} {
		req := httptest.NewRequest(http.MethodGet, "/api/v1/informes"+c.query, nil)
		if resp, body := k.exchange(verified, req, http.MethodGet); resp.StatusCode != c.status {
			t.Errorf("verified %s: %d, want %d: %.200s", c.query, resp.StatusCode, c.status, body)
		}
	}

	// The officers' look-ups.
	get := http.MethodGet
	resp, _ := k.exchange(e, jsonRequest(get, "/api/v1/catalogo", e.Token, ""), get)
	cond := jsonRequest(get, "/api/v1/catalogo", e.Token, "")
	cond.Header.Set("If-None-Match", resp.Header.Get("ETag"))
	for _, c := range []struct {
		req    *http.Request
		status int
	}{
		{cond, 304},
		{jsonRequest(get, "/api/v1/catalogo", "", ""), 401},
		{jsonRequest(get, "/api/v1/catalogo", inactiveToken, ""), 403},
		{jsonRequest(http.MethodPost, "/api/v1/catalogo", e.Token, ""), 405},
		{jsonRequest(get, "/api/v1/vehiculos/AB-123-CD", e.Token, ""), 200},
		{jsonRequest(get, "/api/v1/vehiculos/ZZ999ZZ", e.Token, ""), 404},
		{jsonRequest(get, "/api/v1/vehiculos/AB123CD", "", ""), 401},
		{jsonRequest(get, "/api/v1/vehiculos/AB123CD", inactiveToken, ""), 403},
		{jsonRequest(http.MethodDelete, "/api/v1/vehiculos/AB123CD", e.Token, ""), 405},
	} {
		if resp, body := k.exchange(e, c.req, get); resp.StatusCode != c.status {
			t.Errorf("%s %s: %d, want %d: %.200s", c.req.Method, c.req.URL, resp.StatusCode, c.status, body)
		}
	}

	// The evidence photos.
	post := http.MethodPost
	_, ownBody := k.exchange(e, jsonRequest(post, "/api/v1/infracciones", e.Token, `{"placa_patente":"AB123CD"}`), post)
	own := jsonID(ownBody)
	first := testenv.Photo(t, "jpeg", 40, 30, 0)
	photoCases := []struct {
		req    *http.Request
		status int
	}{
		{photoRequest(own, e.Token, "image/jpeg", first), 201},
		{photoRequest(own, e.Token, "image/jpeg", first), 200},
		{photoRequest(own, e.Token, "image/png", first), 415},
		{photoRequest(own, e.Token, "image/jpeg", make([]byte, rules.MaxFileSize+1)), 413},
		{photoRequest(own+100000, e.Token, "image/jpeg", first), 404},
		{photoRequest(own, "", "image/jpeg", first), 401},
		{photoRequest(own, inactiveToken, "image/jpeg", first), 403},
		{jsonRequest(http.MethodGet, fmt.Sprintf("/api/v1/infracciones/%d/fotos", own), e.Token, ""), 405},
	}
	for shade := uint8(1); shade < rules.MaxPhotos; shade++ {
		photoCases = append(photoCases, struct {
			req    *http.Request
			status int
		}{photoRequest(own, e.Token, "image/png", testenv.Photo(t, "png", 40, 30, shade)), 201})
	}
	photoCases = append(photoCases, struct {
		req    *http.Request
		status int
	}{photoRequest(own, e.Token, "image/jpeg", testenv.Photo(t, "jpeg", 40, 30, 99)), 409})
	for _, c := range photoCases {
		if resp, body := k.exchange(e, c.req, post); resp.StatusCode != c.status {
			t.Errorf("%s %s: %d, want %d: %.200s", c.req.Method, c.req.URL, resp.StatusCode, c.status, body)
		}
	}

	// The payment provider's webhook.
	_, issued := k.exchange(e, jsonRequest(post, "/cargar_infraccion", e.Token, `{"placa_patente":"AB123CD","codigo":"E05"}`), post)
	fine := jsonID(issued)
	var due struct {
		APagar string `json:"a_pagar"`
	}
	if err := json.Unmarshal([]byte(issued), &due); err != nil || due.APagar == "" {
		t.Fatalf("issued fine without a_pagar: %s", issued)
	}
	signed := func(body string) *http.Request {
		req := jsonRequest(post, "/api/v1/pagos", "", body)
		req.Header.Set(api.SignatureHeader, api.Sign(testSecret, time.Now(), []byte(body)))
		return req
	}
	good := fmt.Sprintf(`{"infraccion_id":%d,"importe":%q,"referencia":"MP-1"}`, fine, due.APagar)
	unsigned := jsonRequest(post, "/api/v1/pagos", "", good)
	for _, c := range []struct {
		req    *http.Request
		status int
	}{
		{signed(fmt.Sprintf(`{"infraccion_id":%d,"importe":"99.00","referencia":"MP-1"}`, fine)), 422},
		{signed(good), 200},
		{signed(good), 200},
		{signed(fmt.Sprintf(`{"infraccion_id":%d,"importe":%q,"referencia":"MP-2"}`, fine, due.APagar)), 409},
		{signed(`{"infraccion_id":999999,"importe":"1.00","referencia":"MP-3"}`), 404},
		{signed(`{"infraccion_id":"uno"}`), 400},
		{signed(`{"referencia":"` + strings.Repeat("x", rules.MaxAPIBody) + `"}`), 413},
		{unsigned, 401},
		{jsonRequest(http.MethodGet, "/api/v1/pagos", "", ""), 405},
	} {
		if resp, body := k.exchange(e, c.req, post); resp.StatusCode != c.status {
			t.Errorf("%s %s: %d, want %d: %.200s", c.req.Method, c.req.URL, resp.StatusCode, c.status, body)
		}
	}

	// Rate limits: one request a minute, the second is refused.
	limited := testenv.Demo(t, handlers.Config{RateLimit: 1, APIRateLimit: 1})
	for _, p := range createPaths {
		for range 2 {
			k.exchange(limited, jsonRequest(http.MethodPost, p, limited.Token, `{"placa_patente":"AB123CD"}`), http.MethodPost)
		}
	}
	// A photo counts against the officer's write budget.
	limitedPhotos := testenv.Demo(t, handlers.Config{APIRateLimit: 1})
	_, limitedBody := limitedPhotos.Request(jsonRequest(http.MethodPost, "/cargar_infraccion", limitedPhotos.Token, `{"placa_patente":"AB123CD"}`))
	if resp, _ := k.exchange(limitedPhotos, photoRequest(jsonID(limitedBody), limitedPhotos.Token, "image/jpeg", first), http.MethodPost); resp.StatusCode != 429 {
		t.Errorf("a photo past the officer's write budget: %d, want 429", resp.StatusCode)
	}
	for _, p := range reportPaths {
		for range 2 {
			k.exchange(limited, httptest.NewRequest(http.MethodGet, p+"?email=ana.martinez@example.com", nil), http.MethodGet)
		}
	}

	// The write queue closed (the server is stopping): 503.
	stopping := testenv.Demo(t, handlers.Config{})
	if err := stopping.Recorder.Close(ctx); err != nil {
		t.Fatal(err)
	}
	// The writer cannot take a photo before its deadline: 503.
	slowWriter := testenv.API(t, handlers.Config{WriteWait: time.Nanosecond})
	slowID := testenv.MustInfraction(t, slowWriter.Store, "AB123CD", "B1", time.Now().Add(-time.Hour))
	if resp, body := k.exchange(slowWriter, photoRequest(slowID, slowWriter.Token, "image/jpeg", first), http.MethodPost); resp.StatusCode != 503 {
		t.Errorf("a photo when the writer cannot take it in time: %d %.200s, want 503", resp.StatusCode, body)
	}
	for _, p := range createPaths {
		k.exchange(stopping, jsonRequest(http.MethodPost, p, stopping.Token, `{"placa_patente":"AB123CD"}`), http.MethodPost)
	}

	// The database closed under the running server: 500, saying nothing
	// about the cause.
	broken := testenv.Demo(t, handlers.Config{})
	if err := broken.Store.Close(); err != nil {
		t.Fatal(err)
	}
	for _, p := range createPaths {
		_, body := k.exchange(broken, jsonRequest(http.MethodPost, p, broken.Token, `{"placa_patente":"AB123CD"}`), http.MethodPost)
		if strings.Contains(body, "sql") || strings.Contains(body, "closed") {
			t.Errorf("a 500 leaks internals: %s", body)
		}
	}
	for _, p := range reportPaths {
		k.exchange(broken, httptest.NewRequest(http.MethodGet, p+"?email=ana.martinez@example.com", nil), http.MethodGet)
	}
	for _, path := range []string{"/api/v1/catalogo", "/api/v1/vehiculos/AB123CD"} {
		k.exchange(broken, jsonRequest(http.MethodGet, path, broken.Token, ""), http.MethodGet)
	}
	k.exchange(broken, photoRequest(1, broken.Token, "image/jpeg", first), http.MethodPost)
	brokenPay := handlers.Config{PaymentSecret: testSecret}
	payBroken := testenv.Demo(t, brokenPay)
	if err := payBroken.Store.Close(); err != nil {
		t.Fatal(err)
	}
	k.exchange(payBroken, signed(good), http.MethodPost)

	var missing []string
	for _, key := range k.documented() {
		if !k.seen[key] {
			missing = append(missing, key)
		}
	}
	if len(missing) > 0 {
		t.Errorf("documented but never answered:\n%s", strings.Join(missing, "\n"))
	}
}

// TestOpenAPIServed checks that the document the server publishes is the
// embedded one, and that the API page has a section for every problem type.
func TestOpenAPIServed(t *testing.T) {
	e := testenv.Demo(t, handlers.Config{})
	resp, body := e.GetBody("/api/openapi.yaml")
	if resp.StatusCode != 200 || !bytes.Equal([]byte(body), docs.OpenAPI) {
		t.Fatalf("/api/openapi.yaml: %d, %d bytes", resp.StatusCode, len(body))
	}
	resp, body = e.GetBody("/api")
	if resp.StatusCode != 200 {
		t.Fatalf("/api: %d", resp.StatusCode)
	}
	doc := testenv.ParseHTML(t, body)
	k := loadContract(t)
	problem := k.doc.Components.Schemas["Problema"].Value.Properties["type"].Value
	if len(problem.Enum) == 0 {
		t.Fatal("Problema.type has no enum")
	}
	for _, v := range problem.Enum {
		anchor := strings.TrimPrefix(fmt.Sprint(v), "/api#")
		if doc.Find("#"+anchor).Length() != 1 {
			t.Errorf("/api has no section #%s", anchor)
		}
	}
	if testenv.Testid(doc, "curl-example").Length() < 2 {
		t.Error("/api has no curl examples")
	}
}

func jsonID(body string) int64 {
	var v struct{ ID int64 }
	if json.Unmarshal([]byte(body), &v) != nil {
		return 0
	}
	return v.ID
}

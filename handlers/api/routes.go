// Package api is the JSON API: the officers' POST /cargar_infraccion, the
// report GET /generar_informe, and their documentation (/api,
// /api/openapi.yaml). Every error of its routes is problem+json.
package api

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"transito/handlers/web"
	"transito/models"
	"transito/paths"
)

// Config is what the API needs beside the store and the recorder.
type Config struct {
	// Location is the time zone for timestamps without offset and for the
	// answers.
	Location *time.Location
	// Lookups is the rate limiter of the public look-ups, which the report
	// shares with the portal's /consulta.
	Lookups fiber.Handler
	// Writes is the rate limiter of the officers' writes; its key is
	// OfficerKey.
	Writes fiber.Handler
	// Recorded is told of every infraction stored (not of idempotent
	// replays).
	Recorded func()
	// WriteWait bounds how long a write waits for the writer (5 s when
	// zero); past it the answer is 503 with Retry-After and the write is
	// never stored.
	WriteWait time.Duration
	// Currency is the moneda of every amount (ARS when empty).
	Currency string
	// PaymentSecret signs the payment provider's calls; empty, the
	// webhook answers 404.
	PaymentSecret string
	// Access is rules.AccessOpen (default) or rules.AccessVerified: the
	// report then also needs placa_patente, documento or an acceso token.
	Access string
}

// defaultWriteWait is how long a write waits for the writer unless Config
// says otherwise.
const defaultWriteWait = 5 * time.Second

// Handler serves the API.
type Handler struct {
	store      *models.Store
	recorder   *models.Recorder
	cfg        Config
	reports    reportCache
	catalogued catalogueCache
}

// New builds the API's handlers.
func New(store *models.Store, recorder *models.Recorder, cfg Config) *Handler {
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if cfg.Lookups == nil {
		cfg.Lookups = web.Next
	}
	if cfg.Writes == nil {
		cfg.Writes = web.Next
	}
	if cfg.Recorded == nil {
		cfg.Recorded = func() {}
	}
	if cfg.WriteWait <= 0 {
		cfg.WriteWait = defaultWriteWait
	}
	if cfg.Currency == "" {
		cfg.Currency = models.DefaultCurrency
	}
	return &Handler{store: store, recorder: recorder, cfg: cfg}
}

// Routes registers the officer API and the report API, with the variants
// DESIGN.md lists (trailing slash, /api/v1), and the API's documentation.
// Each group of variants shares one rate limiter, so that switching spelling
// does not reset the count. Every path under the API's prefixes answers
// problem+json, an unknown one included; the documentation page answers
// like the public pages.
func (h *Handler) Routes(r fiber.Router) {
	for _, prefix := range paths.APIPrefixes() {
		r.Use(prefix, web.ProblemsAs(web.ProblemJSON))
	}
	for _, path := range paths.CreateInfractionPaths() {
		r.Post(path, h.requireOfficer, h.cfg.Writes, h.countRecorded, h.createInfraction)
		r.All(path, web.MethodNotAllowed(fiber.MethodPost))
	}
	r.Post(paths.Photos, h.requireOfficer, h.cfg.Writes, h.createPhoto)
	r.All(paths.Photos, web.MethodNotAllowed(fiber.MethodPost))
	r.Get(paths.Catalogue, h.requireOfficer, h.catalogue)
	r.All(paths.Catalogue, web.MethodNotAllowed(fiber.MethodGet+", "+fiber.MethodHead))
	r.Get(paths.VehicleCheck, h.requireOfficer, h.vehicleCheck)
	r.All(paths.VehicleCheck, web.MethodNotAllowed(fiber.MethodGet+", "+fiber.MethodHead))
	r.Post(paths.Payments, h.requirePaymentSecret, h.payment)
	r.All(paths.Payments, h.requirePaymentSecret, web.MethodNotAllowed(fiber.MethodPost))
	for _, path := range paths.ReportPaths() {
		r.Get(path, h.cfg.Lookups, h.report)
		r.All(path, web.MethodNotAllowed(fiber.MethodGet+", "+fiber.MethodHead))
	}
	r.Get(paths.APIDocs, web.ProblemsAs(web.PublicProblem), h.apiPage)
	r.Get(paths.OpenAPI, h.openAPI)
	r.All(paths.APIDocs, web.ProblemsAs(web.PublicProblem), web.MethodNotAllowed(fiber.MethodGet+", "+fiber.MethodHead))
	r.All(paths.OpenAPI, web.MethodNotAllowed(fiber.MethodGet+", "+fiber.MethodHead))
}

// OfficerKey keys the officers' write limiter: the officer the request's
// token belongs to.
func OfficerKey(c *fiber.Ctx) string { return "officer:" + officerOf(c).Badge }

// countRecorded counts the infractions the API stored: answers 200 that are
// not an idempotent replay.
func (h *Handler) countRecorded(c *fiber.Ctx) error {
	err := c.Next()
	if err == nil && c.Response().StatusCode() == fiber.StatusOK &&
		len(c.Response().Header.Peek("Idempotent-Replayed")) == 0 {
		h.cfg.Recorded()
	}
	return err
}

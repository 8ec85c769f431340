// Package portal is the citizens' side: the home page and the look-up of a
// person's infractions (/consulta). Its error pages are the public ones,
// which link home.
package portal

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"transito/handlers/web"
	"transito/models"
	"transito/paths"
)

// Config is what the portal needs beside the store.
type Config struct {
	// Location is the time zone the pages show times in.
	Location *time.Location
	// Lookups is the rate limiter of the public look-ups, which /consulta
	// shares with the report API: both spend the same per-client budget.
	Lookups fiber.Handler
}

// Handler serves the portal.
type Handler struct {
	store *models.Store
	cfg   Config
}

// New builds the portal's handlers.
func New(store *models.Store, cfg Config) *Handler {
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if cfg.Lookups == nil {
		cfg.Lookups = web.Next
	}
	return &Handler{store: store, cfg: cfg}
}

// Routes registers the citizens' pages. A refused look-up is drawn in the
// page's result region; every other error is the public error page.
func (h *Handler) Routes(r fiber.Router) {
	public := web.ProblemsAs(web.PublicProblem)
	r.Get(paths.Home, public, h.home)
	r.Get(paths.Lookup, web.ProblemsAs(h.renderLookupProblem), h.cfg.Lookups, h.lookup)
	for _, path := range []string{paths.Home, paths.Lookup} {
		r.All(path, public, web.MethodNotAllowed(fiber.MethodGet+", "+fiber.MethodHead))
	}
}

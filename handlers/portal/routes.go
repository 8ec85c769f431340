// Package portal is the citizens' side: the home page, the look-up of a
// person's infractions and what is owed (/consulta), one-time links
// (/acceso), the documents (acta, recibo, libre deuda) and their
// verification, the descargos and the evidence photos. Its error pages are
// the public ones, which link home.
package portal

import (
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gorilla/securecookie"
	"golang.org/x/sync/singleflight"

	"transito/handlers/web"
	"transito/models"
	"transito/models/rules"
	"transito/paths"
)

// Config is what the portal needs beside the store.
type Config struct {
	// Location is the time zone the pages show times in.
	Location *time.Location
	// Lookups is the rate limiter of the public look-ups, which every way
	// into a report shares with the report API (e-mail and plate, document,
	// link token, and asking for a link): one per-client budget.
	Lookups fiber.Handler
	// Access is rules.AccessOpen (default) or rules.AccessVerified.
	Access string
	// Key signs and encrypts the visit cookie (random when empty: visits
	// end at restart).
	Key []byte
	// SecureCookies marks the visit cookie Secure on plain HTTP too.
	SecureCookies bool
	// PaymentURL is a template with {id} and {importe}; PaymentInstructions
	// the text shown when there is no URL.
	PaymentURL, PaymentInstructions string
}

// Handler serves the portal.
type Handler struct {
	store *models.Store
	cfg   Config
	codec *securecookie.SecureCookie
	parts *stampedCache[partKey, partStamp, *reportPart]
	// persons are the persons found by e-mail (and proved by a plate or a
	// document), stamped with the data version: a report served from the
	// cache reads nothing.
	persons *stampedCache[proofKey, int64, *models.Person]
	// building is the part builds in flight, one per key and stamp.
	building singleflight.Group
}

// New builds the portal's handlers.
func New(store *models.Store, cfg Config) *Handler {
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if cfg.Lookups == nil {
		cfg.Lookups = web.Next
	}
	if !rules.ValidAccess(cfg.Access) {
		cfg.Access = rules.AccessOpen
	}
	return &Handler{store: store, cfg: cfg, codec: newCodec(cfg.Key),
		parts:   newStampedCache[partKey, partStamp](partCacheBytes, (*reportPart).size),
		persons: newStampedCache[proofKey, int64](personCacheBytes, personSize)}
}

func (h *Handler) verified() bool { return h.cfg.Access == rules.AccessVerified }

// Routes registers the citizens' pages. A refused look-up is drawn in the
// page's result region; every other error is the public error page.
func (h *Handler) Routes(r fiber.Router) {
	public := web.ProblemsAs(h.renderProblem)
	get := fiber.MethodGet + ", " + fiber.MethodHead
	r.Get(paths.Home, public, h.home)
	r.Get(paths.Lookup, web.ProblemsAs(h.renderLookupProblem), h.cfg.Lookups, h.lookup)
	r.Get(paths.Access, public, h.accessForm)
	r.Post(paths.Access, public, h.cfg.Lookups, h.accessRequest)
	r.Get(paths.Acta, public, h.acta)
	r.Get(paths.Recibo, public, h.recibo)
	r.Get(paths.LibreDeuda, public, h.libreDeuda)
	r.Get(paths.Descargo, public, h.descargoForm)
	r.Post(paths.Descargo, public, h.descargoFile)
	r.Get(paths.PortalPhoto, public, h.photo)
	r.Get(paths.Verify, public, h.verify)
	for _, path := range []string{paths.Home, paths.Lookup, paths.Acta, paths.Recibo, paths.LibreDeuda, paths.PortalPhoto, paths.Verify} {
		r.All(path, public, web.MethodNotAllowed(get))
	}
	for _, path := range []string{paths.Access, paths.Descargo} {
		r.All(path, public, web.MethodNotAllowed(get+", "+fiber.MethodPost))
	}
}

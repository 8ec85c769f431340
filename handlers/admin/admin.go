// Package admin is the administrators' panel under /admin: the session and
// its CSRF token, the lists, forms and pages of every record kind, the
// import and the audit log. Its errors are the panel's error page.
package admin

import (
	"errors"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"transito/handlers/web"
	"transito/internal/thumbnail"
	"transito/models"
	"transito/models/rules"
	"transito/views"
)

// Config is what the panel needs beside the store and the logger.
type Config struct {
	// Location is the display time zone.
	Location *time.Location
	// Currency is the ISO 4217 code shown beside amounts (ARS when empty).
	Currency string
	// SessionKey signs and encrypts the session cookie; empty means a
	// random key (sessions end at restart).
	SessionKey []byte
	// SessionIdle is how long a session lives without requests
	// (DefaultSessionIdle when zero).
	SessionIdle time.Duration
	// SessionMax is how long a session lives at most after login, however
	// busy (DefaultSessionMax when zero).
	SessionMax time.Duration
	// SecureCookies marks the session cookie Secure even on plain HTTP
	// requests (it always is on HTTPS ones).
	SecureCookies bool
	// ImportDir keeps uploaded import files between preview and confirmation
	// (the system's temporary directory when empty).
	ImportDir string
}

// Handler serves the admin panel. Its dependencies are explicit: the store,
// the session codec, the logger and the display time zone.
type Handler struct {
	store    *models.Store
	sessions *sessionManager
	log      *slog.Logger
	loc      *time.Location
	currency string
	importer *importStash
	thumbs   *thumbnail.Cache
}

// New builds the admin panel's handlers.
func New(store *models.Store, log *slog.Logger, cfg Config) *Handler {
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if cfg.Currency == "" {
		cfg.Currency = models.DefaultCurrency
	}
	return &Handler{
		store: store, log: log, loc: cfg.Location, currency: cfg.Currency, importer: &importStash{dir: cfg.ImportDir},
		thumbs:   thumbnail.NewCache(views.ThumbnailSize),
		sessions: newSessionManager(cfg.SessionKey, cfg.SessionIdle, cfg.SessionMax, cfg.SecureCookies),
	}
}

// page is the layout's view model for the current request; it takes the
// pending flash messages out of the session.
func (h *Handler) page(c *fiber.Ctx, title, nav string) views.Page {
	s := sessionOf(c)
	p := views.Page{Title: title, CSRF: s.CSRF, User: s.User, UserID: s.AdminID, Role: roleOf(c), Nav: nav, Flashes: s.Flashes,
		Crumbs: views.AdminCrumbs(nav, title), Zone: h.zone()}
	s.Flashes = nil
	return p
}

// csrf is the session's CSRF token, which every form carries.
func csrf(c *fiber.Ctx) string { return sessionOf(c).CSRF }

// actor is the logged-in administrator, for the audit log.
func actor(c *fiber.Ctx) models.Actor {
	s := sessionOf(c)
	return models.Actor{Kind: models.ActorAdmin, ID: s.AdminID, Name: s.User}
}

// idParam reads the :id route parameter; anything but a positive number is
// a 404.
func idParam(c *fiber.Ctx) (int64, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, fiber.ErrNotFound
	}
	return id, nil
}

// notFound turns models.ErrNotFound into a 404 that names the record.
func notFound(err error, what string) error {
	if errors.Is(err, models.ErrNotFound) {
		return web.NewProblem(fiber.StatusNotFound, "No existe "+what+".")
	}
	return err
}

// listQuery reads q, orden, pagina and the named filters from the URL.
// A pagina that is not a number is page 1; the store clamps the range.
func listQuery(c *fiber.Ctx, filters ...string) models.ListQuery {
	lq := models.ListQuery{Q: rules.SearchText(c.Query("q")), Filters: map[string]string{}, IDs: selectedIDs(c)}
	o := c.Query("orden")
	if strings.HasPrefix(o, "-") {
		lq.Desc, o = true, o[1:]
	}
	lq.Sort = o
	if n, err := strconv.Atoi(c.Query("pagina")); err == nil {
		lq.Page = n
	}
	for _, f := range filters {
		lq.Filters[f] = rules.SearchText(c.Query(f))
	}
	return lq
}

// newList fills the state every list page shares from the query and the
// page the store answered (with its sort and page number normalised).
func newList[T any](base, title, one, many string, lq models.ListQuery, res *models.Paged[T]) views.List {
	v := url.Values{}
	if lq.Q != "" {
		v.Set("q", lq.Q)
	}
	for k, x := range lq.Filters {
		if x != "" {
			v.Set(k, x)
		}
	}
	return views.List{
		Base: base, Title: title, NounOne: one, Noun: many, Query: v, Sort: res.Sort, Desc: res.Desc,
		Page: res.Page, Pages: res.Pages(), Total: res.Total, SearchLabel: "Buscar",
	}
}

// respondList answers a list request: the results fragment for htmx
// (search, sort, page), or the whole page.
func (h *Handler) respondList(c *fiber.Ctx, p views.Page, l views.List, status int) error {
	if l.Sort != "" && c.Query("orden") != "" {
		l.Query.Set("orden", c.Query("orden"))
	}
	if l.Active == nil {
		active, err := h.activeFilters(c.UserContext(), l)
		if err != nil {
			return err
		}
		l.Active = active
	}
	if web.IsHTMX(c) && c.Get("HX-Target") == "resultados" {
		return web.Render(c, status, views.ListResults(l, true))
	}
	return web.Render(c, status, views.ListPage(p, l))
}

// failed puts a validation or conflict error into the form and reports
// whether it did; other errors are the error handler's.
func failed(f views.Submission, err error) bool {
	var fe rules.FieldErrors
	var ce *models.ConflictError
	switch {
	case errors.As(err, &fe):
		views.SetErrors(f, fe)
		return true
	case errors.As(err, &ce):
		if ce.Field != "" {
			views.SetErrors(f, rules.FieldErrors{ce.Field: ce.Message})
		} else {
			f.Common().Message = ce.Message
		}
		return true
	}
	return false
}

// statusOf is 409 for a conflict and 422 for invalid fields.
func statusOf(err error) int {
	if errors.As(err, new(*models.ConflictError)) {
		return fiber.StatusConflict
	}
	return fiber.StatusUnprocessableEntity
}

// formFailed answers a rejected form (or one shown again, status 200): under
// htmx the form fragment (with an out-of-band flash when rejected),
// otherwise the whole page again.
func formFailed(c *fiber.Ctx, status int, fragment templ.Component, page func() error) error {
	if web.IsHTMX(c) {
		c.Status(status)
		c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
		if err := fragment.Render(c.UserContext(), c.Response().BodyWriter()); err != nil {
			return err
		}
		if status < 400 {
			return nil
		}
		return views.Flashes([]views.Flash{{Kind: "error", Message: "No se guardó: revise los campos marcados."}}, true).
			Render(c.UserContext(), c.Response().BodyWriter())
	}
	c.Status(status)
	return page()
}

// zone names the display time zone, as headers and labels show it.
func (h *Handler) zone() string { return views.ZoneName(h.loc) }

// fmtTime formats a time in the display zone.
func (h *Handler) fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(h.loc).Format("02/01/2006 15:04")
}

func (h *Handler) fmtTimePtr(t *time.Time) string {
	if t == nil {
		return "—"
	}
	return h.fmtTime(*t)
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

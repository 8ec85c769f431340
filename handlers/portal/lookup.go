package portal

import (
	"errors"
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"

	"transito/handlers/web"
	"transito/models"
	"transito/models/rules"
	"transito/paths"
	"transito/views"
)

// lookup handles GET /consulta?email=: the citizen's report as HTML. htmx
// gets the result fragment; a plain GET (no JavaScript, a shared link) gets
// the whole page with the result in place.
func (h *Handler) lookup(c *fiber.Ctx) error {
	email, err := rules.LookupEmail(c.Query("email"))
	if err != nil {
		return err
	}
	person, rows, err := h.store.Report(c.UserContext(), email)
	if errors.Is(err, models.ErrNotFound) {
		// The detail goes to the log: the page adds the address itself.
		return web.NewProblem(fiber.StatusNotFound, "No hay ninguna persona registrada con ese correo.")
	}
	if err != nil {
		return err
	}
	l := h.newLookup(c)
	l.Email = email
	l.State = views.LookupFound
	l.PersonName = person.Name
	l.GeneratedAt = time.Now().In(h.cfg.Location).Format(views.DateTimeLayout) + " (" + h.cfg.Location.String() + ")"
	l.Rows = make([]views.LookupRow, len(rows))
	for i, r := range rows {
		l.Rows[i] = h.lookupRow(r)
	}
	c.Set(fiber.HeaderCacheControl, "private, no-cache")
	return h.renderLookup(c, fiber.StatusOK, l)
}

// renderLookupProblem draws a refused look-up as the page's result region,
// with the status the error handler chose.
func (h *Handler) renderLookupProblem(c *fiber.Ctx, p *web.Problem) error {
	l := h.newLookup(c)
	l.Email = c.Query("email")
	l.Message = p.Detail
	switch p.Status {
	case fiber.StatusBadRequest:
		l.State = views.LookupInvalid
		l.Message = invalidEmailMessage(l.Email)
	case fiber.StatusNotFound:
		l.State = views.LookupUnknown
		l.Message = "No hay ninguna persona registrada con el correo «" + rules.NormalizeEmail(l.Email) + "». Revise que esté bien escrito."
	case fiber.StatusTooManyRequests:
		l.State = views.LookupLimited
		l.RetryAfter = p.Header(fiber.HeaderRetryAfter)
	default:
		l.State = views.LookupFailed
		l.RequestID = p.RequestID
	}
	return h.renderLookup(c, p.Status, l)
}

func invalidEmailMessage(email string) string {
	if rules.NormalizeEmail(email) == "" {
		return "Escriba el correo electrónico del titular para consultar."
	}
	return "«" + email + "» no es una dirección de correo válida. Revise que tenga la forma nombre@dominio.com."
}

func (h *Handler) newLookup(c *fiber.Ctx) views.Lookup {
	return views.Lookup{
		Zone:    h.cfg.Location.String(),
		JSONURL: paths.Report + "?email=" + url.QueryEscape(rules.NormalizeEmail(c.Query("email"))),
	}
}

// renderLookup answers the fragment to htmx and the whole page otherwise.
func (h *Handler) renderLookup(c *fiber.Ctx, status int, l views.Lookup) error {
	c.Vary("HX-Request")
	if web.IsHTMX(c) {
		return web.Render(c, status, views.LookupResult(l))
	}
	title := "Consulta de infracciones"
	if l.State == views.LookupFound {
		title = "Infracciones de " + l.PersonName
	}
	return web.Render(c, status, views.LookupPage(views.Page{Title: title}, l))
}

func (h *Handler) lookupRow(r models.InfractionRow) views.LookupRow {
	t := r.OccurredAt.In(h.cfg.Location)
	return views.LookupRow{
		ID: r.ID, When: t.Format(views.DateTimeLayout), ISO: t.Format(time.RFC3339),
		Plate: r.Plate, Brand: r.Brand, Color: r.Color, Comments: r.Comments,
		Officer: r.OfficerName, Badge: r.OfficerBadge,
		Annulled: r.Status == models.StatusVoided, VoidReason: r.VoidPublicReason,
	}
}

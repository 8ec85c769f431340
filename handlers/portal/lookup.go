package portal

import (
	"context"
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

// unknownEmail is the look-up's 404: the same whether no person has the
// address or the proof of ownership was wrong (verified mode), so that the
// page never tells whether an address is registered.
func unknownEmail() error {
	return web.NewProblem(fiber.StatusNotFound, "No hay ninguna persona registrada con ese correo.")
}

// lookup handles GET /consulta?email=[&placa_patente=|&documento=] and
// /consulta?acceso=TOKEN: the citizen's report as HTML. htmx gets the
// result fragment; a plain GET (no JavaScript, a shared link) gets the
// whole page with the result in place.
//
// A good proof (plate, document, link) proves the person for the visit
// (the cookie). In verified mode the report needs the proof — given now or
// earlier in the visit — and a wrong or missing one answers exactly as an
// unknown address does.
func (h *Handler) lookup(c *fiber.Ctx) error {
	ctx := c.UserContext()
	if token := c.Query(rules.FieldAccessToken); token != "" {
		person, err := h.store.UseAccessLink(ctx, token)
		if errors.Is(err, models.ErrNotFound) {
			return web.NewProblem(fiber.StatusNotFound, "El enlace no es válido, ya se usó o venció. Pida uno nuevo.")
		}
		if err != nil {
			return err
		}
		if err := h.prove(c, person.ID); err != nil {
			return err
		}
		// The token leaves the address bar (and the history) at once.
		return c.Redirect(paths.Lookup+"?email="+url.QueryEscape(person.Email), fiber.StatusSeeOther)
	}
	email, err := rules.LookupEmail(c.Query("email"))
	if err != nil {
		return err
	}
	plate, document := c.Query(rules.FieldPlate), c.Query(rules.FieldDocument)
	var person *models.Person
	var notice string
	provenNow := false
	if plate != "" || document != "" || h.verified() {
		person, err = h.provePerson(ctx, email, plate, document)
		switch {
		case err == nil:
			provenNow = true
			if err := h.prove(c, person.ID); err != nil {
				return err
			}
		case !errors.Is(err, models.ErrNotFound):
			return err
		case h.verified():
			person = h.provenByVisit(c, email)
			if person == nil {
				return unknownEmail()
			}
		default:
			notice = "La patente o el documento no corresponden a esta persona: puede ver el informe, pero para descargar documentos o presentar un descargo consulte con la patente de un vehículo a su nombre o con su documento."
		}
	}
	if person == nil {
		person, err = h.personByEmail(ctx, email)
		if errors.Is(err, models.ErrNotFound) {
			return unknownEmail()
		}
		if err != nil {
			return err
		}
	}
	proven := provenNow || person.ID == h.provenPerson(c)
	l, err := h.report(c, person, proven)
	if err != nil {
		return err
	}
	l.Email, l.Plate, l.Document, l.Notice = email, plate, document, notice
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return h.renderLookup(c, fiber.StatusOK, l)
}

// personByEmail is the person with the e-mail, from the cache while the
// data has not changed since it was read. Unknown addresses are not kept.
func (h *Handler) personByEmail(ctx context.Context, email string) (*models.Person, error) {
	email = rules.NormalizeEmail(email)
	return h.remember(ctx, proofKey{email: email}, func() (*models.Person, error) {
		return h.store.PersonByEmail(ctx, email)
	})
}

// provePerson is the person with the e-mail when the plate or the document
// is theirs (models.Store.ProvePerson). A proof that held is kept while the
// data has not changed; one that failed is checked again each time, so a
// wrong proof costs what an unknown address costs.
func (h *Handler) provePerson(ctx context.Context, email, plate, document string) (*models.Person, error) {
	k := proofKey{email: rules.NormalizeEmail(email), plate: rules.NormalizePlate(plate), document: rules.NormalizeDocument(document), proof: true}
	return h.remember(ctx, k, func() (*models.Person, error) {
		return h.store.ProvePerson(ctx, email, plate, document)
	})
}

// remember returns the person the cache holds for k at the data version,
// or reads it (and keeps it when found).
func (h *Handler) remember(ctx context.Context, k proofKey, read func() (*models.Person, error)) (*models.Person, error) {
	data, cacheable := h.store.DataVersion(ctx)
	if cacheable {
		if p, ok := h.persons.get(k, data); ok {
			return p, nil
		}
	}
	p, err := read()
	if err == nil && cacheable {
		h.persons.put(k, data, p)
	}
	return p, err
}

// provenByVisit is the person with email when the visit already proved
// them, else nil.
func (h *Handler) provenByVisit(c *fiber.Ctx, email string) *models.Person {
	id := h.provenPerson(c)
	if id == 0 {
		return nil
	}
	p, err := h.store.PersonByID(c.UserContext(), id)
	if err != nil || p.Email != rules.NormalizeEmail(email) {
		return nil
	}
	return p
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
		if c.Query(rules.FieldAccessToken) == "" {
			l.Message = "No hay ninguna persona registrada con el correo «" + rules.NormalizeEmail(l.Email) + "». Revise que esté bien escrito."
			if h.verified() {
				l.Message = "No encontramos infracciones para el correo «" + rules.NormalizeEmail(l.Email) +
					"» con esa patente o documento. Revise los datos, o pida un enlace por correo."
			}
		}
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
		Zone:     h.cfg.Location.String(),
		JSONURL:  paths.Report + "?email=" + url.QueryEscape(rules.NormalizeEmail(c.Query("email"))),
		Verified: h.verified(),
		Plate:    c.Query(rules.FieldPlate),
		Document: c.Query(rules.FieldDocument),
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

func (h *Handler) generatedAt() string {
	return time.Now().In(h.cfg.Location).Format(views.DateTimeLayout) + " (" + h.cfg.Location.String() + ")"
}

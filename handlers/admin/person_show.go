package admin

import (
	"github.com/gofiber/fiber/v2"

	"transito/handlers/web"
	"transito/paths"
	"transito/views"
)

// personShow shows a person with the edit form and their vehicles.
func (h *Handler) personShow(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	return h.renderPerson(c, fiber.StatusOK, id, nil)
}

// renderPerson renders the person's page; f, when given, is a rejected
// edit form to show again.
func (h *Handler) renderPerson(c *fiber.Ctx, status int, id int64, f *views.PersonForm) error {
	ctx := c.UserContext()
	p, err := h.store.PersonByID(ctx, id)
	if err != nil {
		return notFound(err, "esa persona")
	}
	vs, err := h.store.VehiclesOf(ctx, id)
	if err != nil {
		return err
	}
	if f == nil {
		form := views.NewPersonForm(paths.Of(paths.Person, id), csrf(c))
		form.Name.Value, form.Email.Value, form.Document.Value = p.Name, p.Email, p.DocumentText()
		f = &form
	}
	return web.Render(c, status, views.PersonPage(h.page(c, p.Name, "personas"), p, *f, vs))
}

// personPicker answers the vehicle form's owner search with a few matches.
func (h *Handler) personPicker(c *fiber.Ctx) error {
	q := c.Query("persona_q")
	if q == "" {
		return web.Render(c, fiber.StatusOK, views.PersonPicker(nil, 0, ""))
	}
	ps, err := h.store.SearchPersons(c.UserContext(), q, 10)
	if err != nil {
		return err
	}
	return web.Render(c, fiber.StatusOK, views.PersonPicker(ps, 0, q))
}

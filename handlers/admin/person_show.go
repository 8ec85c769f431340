package admin

import (
	"github.com/gofiber/fiber/v2"

	"transito/handlers/web"
	"transito/models/rules"
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
	page, err := h.detailPage(c, p.Name, "personas", "person", p.ID)
	if err != nil {
		return err
	}
	fs, err := h.recordFines(ctx, "person", p.ID, paths.Infractions+"?persona="+itoa64(p.ID))
	if err != nil {
		return err
	}
	page.Related = append(page.Related, views.FinesCard(fs))
	return web.Render(c, status, views.PersonPage(page, p, *f, vs))
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

// suggestions is how many matches an autocomplete offers.
const suggestions = 10

// plateSuggestions answers the infraction form's plate autocomplete: a few
// vehicles matching placa_patente, as a datalist.
func (h *Handler) plateSuggestions(c *fiber.Ctx) error {
	var opts []views.Option
	if q := c.Query(rules.FieldPlate); q != "" {
		vs, err := h.store.SearchVehicles(c.UserContext(), q, suggestions)
		if err != nil {
			return err
		}
		for _, v := range vs {
			opts = append(opts, views.Option{Value: v.Plate, Label: v.Brand + " · " + v.Color})
		}
	}
	return web.Render(c, fiber.StatusOK, views.Suggestions("sugerencias-patente", opts))
}

// officerSuggestions answers the infraction form's officer autocomplete: a
// few active officers matching oficial (name or badge), as a datalist of
// badges.
func (h *Handler) officerSuggestions(c *fiber.Ctx) error {
	var opts []views.Option
	if q := c.Query(rules.FieldOfficer); q != "" {
		os, err := h.store.SearchOfficers(c.UserContext(), q, suggestions)
		if err != nil {
			return err
		}
		for _, o := range os {
			opts = append(opts, views.Option{Value: o.Badge, Label: o.Name})
		}
	}
	return web.Render(c, fiber.StatusOK, views.Suggestions("sugerencias-oficial", opts))
}

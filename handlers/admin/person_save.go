package admin

import (
	"github.com/gofiber/fiber/v2"

	"transito/models/rules"
	"transito/paths"
	"transito/views"
)

func personInput(f views.Form) rules.PersonInput {
	return rules.PersonInput{Name: f.V("nombre"), Email: f.V("email")}
}

// personCreate adds a person from the list page's form.
func (h *Handler) personCreate(c *fiber.Ctx) error {
	f := formOf(c, paths.Persons, "nombre", "email")
	p, err := h.store.CreatePerson(c.UserContext(), personInput(f), actor(c))
	if failed(&f, err) {
		return formFailed(c, statusOf(err), views.PersonForm(f, "Crear persona"), func() error {
			return h.renderPersonList(c, statusOf(err), f)
		})
	}
	if err != nil {
		return err
	}
	flash(c, "ok", "Persona «"+p.Name+"» creada.")
	return redirect(c, paths.Of(paths.Person, p.ID))
}

// personUpdate saves a person's edit form.
func (h *Handler) personUpdate(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	f := formOf(c, c.Path(), "nombre", "email")
	p, err := h.store.UpdatePerson(c.UserContext(), id, personInput(f), actor(c))
	if failed(&f, err) {
		return formFailed(c, statusOf(err), views.PersonForm(f, "Guardar cambios"), func() error {
			return h.renderPerson(c, statusOf(err), id, &f)
		})
	}
	if err != nil {
		return notFound(err, "esa persona")
	}
	flash(c, "ok", "Cambios guardados.")
	return redirect(c, paths.Of(paths.Person, p.ID))
}

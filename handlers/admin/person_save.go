package admin

import (
	"github.com/gofiber/fiber/v2"

	"transito/paths"
	"transito/views"
)

// personCreate adds a person from the list page's form.
func (h *Handler) personCreate(c *fiber.Ctx) error {
	f := views.NewPersonForm(paths.Persons, csrf(c))
	readForm(c, &f)
	p, err := h.store.CreatePerson(c.UserContext(), f.Input(), actor(c))
	if failed(&f, err) {
		return formFailed(c, statusOf(err), views.PersonFormView(f, "Crear persona"), func() error {
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
	f := views.NewPersonForm(paths.Of(paths.Person, id), csrf(c))
	readForm(c, &f)
	p, err := h.store.UpdatePerson(c.UserContext(), id, f.Input(), actor(c))
	if failed(&f, err) {
		return formFailed(c, statusOf(err), views.PersonFormView(f, "Guardar cambios"), func() error {
			return h.renderPerson(c, statusOf(err), id, &f)
		})
	}
	if err != nil {
		return notFound(err, "esa persona")
	}
	flash(c, "ok", "Cambios guardados.")
	return redirect(c, paths.Of(paths.Person, p.ID))
}

package admin

import (
	"github.com/gofiber/fiber/v2"

	"transito/models/rules"
	"transito/paths"
	"transito/views"
)

// officerCreate adds an officer.
func (h *Handler) officerCreate(c *fiber.Ctx) error {
	f := views.NewOfficerForm(paths.Officers, csrf(c))
	readForm(c, &f)
	o, err := h.store.CreateOfficer(c.UserContext(), f.Input(), actor(c))
	if failed(&f, err) {
		return formFailed(c, statusOf(err), views.OfficerFormView(f, "Crear oficial"), func() error {
			return h.renderOfficerList(c, statusOf(err), f)
		})
	}
	if err != nil {
		return err
	}
	flash(c, "ok", "Oficial «"+o.Name+"» creado. Emita su token para que pueda usar la aplicación.")
	return redirect(c, paths.Of(paths.Officer, o.ID))
}

// officerUpdate saves an officer's edit form.
func (h *Handler) officerUpdate(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	f := views.NewOfficerForm(paths.Of(paths.Officer, id), csrf(c))
	readForm(c, &f)
	_, err = h.store.UpdateOfficer(c.UserContext(), id, f.Input(), actor(c))
	if failed(&f, err) {
		return formFailed(c, statusOf(err), views.OfficerFormView(f, "Guardar cambios"), func() error {
			return h.renderOfficer(c, statusOf(err), id, &f, "")
		})
	}
	if err != nil {
		return notFound(err, "ese oficial")
	}
	flash(c, "ok", "Cambios guardados.")
	return redirect(c, paths.Of(paths.Officer, id))
}

// officerToggleActive activates or deactivates an officer.
func (h *Handler) officerToggleActive(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	active := c.FormValue(rules.FieldActive) == "1"
	if err := h.store.SetOfficerActive(c.UserContext(), id, active, actor(c)); err != nil {
		return notFound(err, "ese oficial")
	}
	if active {
		flash(c, "ok", "Oficial activado: su token vuelve a funcionar.")
	} else {
		flash(c, "ok", "Oficial desactivado: la API rechazará su token (403).")
	}
	return redirect(c, paths.Of(paths.Officer, id))
}

package admin

import (
	"github.com/gofiber/fiber/v2"

	"transito/models/rules"
	"transito/paths"
	"transito/views"
)

func officerInput(f views.Form) rules.OfficerInput {
	return rules.OfficerInput{Name: f.V("nombre"), Badge: f.V("numero"), Active: f.V("activo") == "1"}
}

// officerForm reads the officer form; the checkbox sends "0" (hidden) and
// "1" (checked), so the last value wins.
func officerForm(c *fiber.Ctx, action string) views.Form {
	f := formOf(c, action, "nombre", "numero")
	f.Values["activo"] = "0"
	for _, v := range c.Context().PostArgs().PeekMulti("activo") {
		f.Values["activo"] = string(v)
	}
	if form, err := c.MultipartForm(); err == nil {
		if vs := form.Value["activo"]; len(vs) > 0 {
			f.Values["activo"] = vs[len(vs)-1]
		}
	}
	return f
}

// officerCreate adds an officer.
func (h *Handler) officerCreate(c *fiber.Ctx) error {
	f := officerForm(c, paths.Officers)
	o, err := h.store.CreateOfficer(c.UserContext(), officerInput(f), actor(c))
	if failed(&f, err) {
		return formFailed(c, statusOf(err), views.OfficerForm(f, "Crear oficial"), func() error {
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
	f := officerForm(c, c.Path())
	_, err = h.store.UpdateOfficer(c.UserContext(), id, officerInput(f), actor(c))
	if failed(&f, err) {
		return formFailed(c, statusOf(err), views.OfficerForm(f, "Guardar cambios"), func() error {
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
	active := c.FormValue("activo") == "1"
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

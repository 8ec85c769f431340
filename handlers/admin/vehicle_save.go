package admin

import (
	"github.com/gofiber/fiber/v2"

	"transito/models"
	"transito/paths"
	"transito/views"
)

// ownerChoice returns the owner the form has chosen (if any) and the persons
// matching its owner search.
func (h *Handler) ownerChoice(c *fiber.Ctx, f *views.VehicleForm) (*models.Person, []models.Person, error) {
	ctx := c.UserContext()
	var owner *models.Person
	if id := f.OwnerID(); id > 0 {
		if p, err := h.store.PersonByID(ctx, id); err == nil {
			owner = p
		}
	}
	var cands []models.Person
	if q := f.OwnerQuery.Value; q != "" {
		var err error
		if cands, err = h.store.SearchPersons(ctx, q, 10); err != nil {
			return nil, nil, err
		}
	}
	return owner, cands, nil
}

// vehicleCreate adds a vehicle; the «Buscar titular» button only searches.
func (h *Handler) vehicleCreate(c *fiber.Ctx) error {
	f := views.NewVehicleForm(paths.Vehicles, csrf(c))
	readForm(c, &f)
	var err error
	if c.FormValue("_accion") != "buscar" {
		var v *models.Vehicle
		v, err = h.store.CreateVehicle(c.UserContext(), f.Input(), actor(c))
		if err == nil {
			flash(c, "ok", "Vehículo "+v.Plate+" creado.")
			return redirect(c, paths.Of(paths.Vehicle, v.ID))
		}
		if !failed(&f, err) {
			return err
		}
	}
	return h.vehicleFormAgain(c, &f, err, "Crear vehículo", func(status int, owner *models.Person, cands []models.Person) error {
		return h.renderVehicleList(c, status, f, owner, cands)
	})
}

// vehicleUpdate saves a vehicle's edit form (a new owner is a transfer).
func (h *Handler) vehicleUpdate(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	f := views.NewVehicleForm(paths.Of(paths.Vehicle, id), csrf(c))
	readForm(c, &f)
	if c.FormValue("_accion") != "buscar" {
		var v *models.Vehicle
		v, err = h.store.UpdateVehicle(c.UserContext(), id, f.Input(), actor(c))
		if err == nil {
			flash(c, "ok", "Cambios guardados.")
			return redirect(c, paths.Of(paths.Vehicle, v.ID))
		}
		if !failed(&f, err) {
			return notFound(err, "ese vehículo")
		}
	}
	return h.vehicleFormAgain(c, &f, err, "Guardar cambios", func(status int, owner *models.Person, cands []models.Person) error {
		return h.renderVehicle(c, status, id, &f, owner, cands)
	})
}

// vehicleFormAgain shows the vehicle form again, with the owner it has
// chosen and the persons its owner search finds: after the «Buscar titular»
// button (200), or refused by err. page draws the whole page.
func (h *Handler) vehicleFormAgain(c *fiber.Ctx, f *views.VehicleForm, err error, submit string,
	page func(status int, owner *models.Person, cands []models.Person) error) error {
	owner, cands, oerr := h.ownerChoice(c, f)
	if oerr != nil {
		return oerr
	}
	status := fiber.StatusOK
	if err != nil {
		status = statusOf(err)
	}
	return formFailed(c, status, views.VehicleFormView(*f, submit, owner, cands), func() error {
		return page(status, owner, cands)
	})
}

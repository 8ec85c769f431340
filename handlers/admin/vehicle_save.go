package admin

import (
	"slices"

	"github.com/gofiber/fiber/v2"

	"transito/models"
	"transito/paths"
	"transito/views"
)

// ownerChoice returns the owners the form offers first — current (the
// vehicle's owner now, when editing) and the one the form has picked, each
// once — and the persons its owner search finds, less those.
func (h *Handler) ownerChoice(c *fiber.Ctx, f *views.VehicleForm, current *models.Person) ([]models.Person, []models.Person, error) {
	ctx := c.UserContext()
	var owners []models.Person
	if current != nil {
		owners = append(owners, *current)
	}
	if id := f.OwnerID(); id > 0 && (current == nil || current.ID != id) {
		if p, err := h.store.PersonByID(ctx, id); err == nil {
			owners = append(owners, *p)
		}
	}
	var cands []models.Person
	if q := f.OwnerQuery.Value; q != "" {
		found, err := h.store.SearchPersons(ctx, q, 10)
		if err != nil {
			return nil, nil, err
		}
		for _, p := range found {
			if !slices.ContainsFunc(owners, func(o models.Person) bool { return o.ID == p.ID }) {
				cands = append(cands, p)
			}
		}
	}
	return owners, cands, nil
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
	return h.vehicleFormAgain(c, &f, nil, err, "Crear vehículo", func(status int, owners, cands []models.Person) error {
		return h.renderVehicleList(c, status, f, owners, cands)
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
	cur, verr := h.store.VehicleByID(c.UserContext(), id)
	if verr != nil {
		return notFound(verr, "ese vehículo")
	}
	return h.vehicleFormAgain(c, &f, cur.Person, err, "Guardar cambios", func(status int, owners, cands []models.Person) error {
		return h.renderVehicle(c, status, id, &f, owners, cands)
	})
}

// vehicleFormAgain shows the vehicle form again, with the owner it has
// chosen and the persons its owner search finds: after the «Buscar titular»
// button (200), or refused by err; current is the vehicle's owner now (nil
// when creating). page draws the whole page.
func (h *Handler) vehicleFormAgain(c *fiber.Ctx, f *views.VehicleForm, current *models.Person, err error, submit string,
	page func(status int, owners, cands []models.Person) error) error {
	owners, cands, oerr := h.ownerChoice(c, f, current)
	if oerr != nil {
		return oerr
	}
	status := fiber.StatusOK
	if err != nil {
		status = statusOf(err)
	}
	return formFailed(c, status, views.VehicleFormView(*f, submit, owners, cands), func() error {
		return page(status, owners, cands)
	})
}

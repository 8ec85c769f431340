package admin

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"transito/models"
	"transito/models/rules"
	"transito/paths"
	"transito/views"
)

var vehicleFields = []string{"placa_patente", "marca", "color", "persona_id", "persona_q"}

func vehicleInput(f views.Form) rules.VehicleInput {
	id, _ := strconv.ParseInt(f.V("persona_id"), 10, 64)
	return rules.VehicleInput{Plate: f.V("placa_patente"), Brand: f.V("marca"), Color: f.V("color"), PersonID: id}
}

// ownerChoice returns the owner the form has chosen (if any) and the persons
// matching its owner search.
func (h *Handler) ownerChoice(c *fiber.Ctx, f views.Form) (*models.Person, []models.Person, error) {
	ctx := c.UserContext()
	var owner *models.Person
	if id, err := strconv.ParseInt(f.V("persona_id"), 10, 64); err == nil && id > 0 {
		if p, err := h.store.PersonByID(ctx, id); err == nil {
			owner = p
		}
	}
	var cands []models.Person
	if q := f.V("persona_q"); q != "" {
		var err error
		if cands, err = h.store.SearchPersons(ctx, q, 10); err != nil {
			return nil, nil, err
		}
	}
	return owner, cands, nil
}

// vehicleCreate adds a vehicle; the «Buscar titular» button only searches.
func (h *Handler) vehicleCreate(c *fiber.Ctx) error {
	f := formOf(c, paths.Vehicles, vehicleFields...)
	var err error
	if c.FormValue("_accion") != "buscar" {
		var v *models.Vehicle
		v, err = h.store.CreateVehicle(c.UserContext(), vehicleInput(f), actor(c))
		if err == nil {
			flash(c, "ok", "Vehículo "+v.Plate+" creado.")
			return redirect(c, paths.Of(paths.Vehicle, v.ID))
		}
		if !failed(&f, err) {
			return err
		}
	}
	owner, cands, oerr := h.ownerChoice(c, f)
	if oerr != nil {
		return oerr
	}
	status := fiber.StatusOK
	if err != nil {
		status = statusOf(err)
	}
	return formFailed(c, status, views.VehicleForm(f, "Crear vehículo", owner, cands), func() error {
		return h.renderVehicleList(c, status, f, owner, cands)
	})
}

// vehicleUpdate saves a vehicle's edit form (a new owner is a transfer).
func (h *Handler) vehicleUpdate(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	f := formOf(c, c.Path(), vehicleFields...)
	if c.FormValue("_accion") != "buscar" {
		var v *models.Vehicle
		v, err = h.store.UpdateVehicle(c.UserContext(), id, vehicleInput(f), actor(c))
		if err == nil {
			flash(c, "ok", "Cambios guardados.")
			return redirect(c, paths.Of(paths.Vehicle, v.ID))
		}
		if !failed(&f, err) {
			return notFound(err, "ese vehículo")
		}
	}
	owner, cands, oerr := h.ownerChoice(c, f)
	if oerr != nil {
		return oerr
	}
	status := fiber.StatusOK
	if err != nil {
		status = statusOf(err)
	}
	return formFailed(c, status, views.VehicleForm(f, "Guardar cambios", owner, cands), func() error {
		return h.renderVehicle(c, status, id, &f, owner, cands)
	})
}

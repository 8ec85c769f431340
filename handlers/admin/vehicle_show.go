package admin

import (
	"github.com/gofiber/fiber/v2"

	"transito/handlers/web"
	"transito/models"
	"transito/paths"
	"transito/views"
)

// vehicleShow shows a vehicle with its edit form.
func (h *Handler) vehicleShow(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	return h.renderVehicle(c, fiber.StatusOK, id, nil, nil, nil)
}

func (h *Handler) renderVehicle(c *fiber.Ctx, status int, id int64, f *views.VehicleForm, owners, cands []models.Person) error {
	v, err := h.store.VehicleByID(c.UserContext(), id)
	if err != nil {
		return notFound(err, "ese vehículo")
	}
	if f == nil {
		form := views.NewVehicleForm(paths.Of(paths.Vehicle, id), csrf(c))
		form.Plate.Value, form.Brand.Value, form.Color.Value, form.Owner.Value = v.Plate, v.Brand, v.Color, itoa64(v.PersonID)
		f = &form
		if v.Person != nil {
			owners = []models.Person{*v.Person}
		}
	}
	page, err := h.detailPage(c, v.Plate, "vehiculos", "vehicle", v.ID)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	periods, err := h.vehicleOwners(ctx, v)
	if err != nil {
		return err
	}
	fs, err := h.recordFines(ctx, "vehicle", v.ID, paths.Infractions+"?vehiculo="+itoa64(v.ID))
	if err != nil {
		return err
	}
	page.Related = append(page.Related, views.OwnersCard(h.zone(), periods), views.FinesCard(fs))
	return web.Render(c, status, views.VehiclePage(page, v, *f, owners, cands))
}

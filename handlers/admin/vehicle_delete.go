package admin

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"transito/handlers/web"
	"transito/models"
	"transito/paths"
	"transito/views"
)

// vehicleDeleteConfirm asks before deleting, or says what blocks it.
func (h *Handler) vehicleDeleteConfirm(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	return h.renderVehicleDelete(c, fiber.StatusOK, id, "")
}

func (h *Handler) renderVehicleDelete(c *fiber.Ctx, status int, id int64, blocked string) error {
	ctx := c.UserContext()
	v, err := h.store.VehicleByID(ctx, id)
	if err != nil {
		return notFound(err, "ese vehículo")
	}
	if blocked == "" {
		if blocked, err = h.store.VehicleDependents(ctx, id); err != nil {
			return err
		}
	}
	back := paths.Of(paths.Vehicle, id)
	return web.Render(c, status, views.ConfirmDeletePage(h.page(c, "Eliminar vehículo", "vehiculos"),
		"Eliminar el vehículo "+v.Plate, "el vehículo "+v.Plate, blocked, back+"/eliminar", back))
}

// vehicleDelete deletes a vehicle without infractions.
func (h *Handler) vehicleDelete(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	err = h.store.DeleteVehicle(c.UserContext(), id, actor(c))
	var ce *models.ConflictError
	if errors.As(err, &ce) {
		return h.renderVehicleDelete(c, fiber.StatusConflict, id, ce.Message)
	}
	if err != nil {
		return notFound(err, "ese vehículo")
	}
	flash(c, "ok", "Vehículo eliminado.")
	return redirect(c, paths.Vehicles)
}

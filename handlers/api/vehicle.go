package api

import (
	"errors"
	"net/url"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"transito/handlers/web"
	"transito/models"
	"transito/models/rules"
)

// VehicleJSON is a vehicle as an officer checks it before writing.
type VehicleJSON struct {
	Plate  string `json:"placa_patente"`
	Brand  string `json:"marca"`
	Color  string `json:"color"`
	Unpaid int    `json:"infracciones_impagas"`
}

// vehicleCheck handles GET /api/v1/vehiculos/{placa}: the vehicle and how
// many of its issued fines are unpaid (not paid, annulled or prescribed);
// 404 for a plate no vehicle has, normalised as everywhere.
func (h *Handler) vehicleCheck(c *fiber.Ctx) error {
	raw, err := url.PathUnescape(c.Params("placa"))
	if err != nil || utf8.RuneCountInString(raw) > rules.MaxRawPlateLen || !utf8.ValidString(raw) {
		return web.NewProblem(fiber.StatusNotFound, "No hay ningún vehículo registrado con esa patente.")
	}
	plate := rules.NormalizePlate(raw)
	v, err := h.store.VehicleByPlate(c.UserContext(), plate, time.Now(), h.cfg.Location)
	if errors.Is(err, models.ErrNotFound) {
		return web.NewProblem(fiber.StatusNotFound, "No hay ningún vehículo registrado con la patente «"+plate+"».")
	}
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(VehicleJSON{Plate: v.Plate, Brand: v.Brand, Color: v.Color, Unpaid: v.Unpaid})
}

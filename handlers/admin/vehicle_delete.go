package admin

import (
	"github.com/gofiber/fiber/v2"

	"transito/models"
	"transito/paths"
)

// vehicleDeletion deletes a vehicle without infractions.
var vehicleDeletion = deletion{
	nav: "vehiculos", title: "Eliminar vehículo", page: paths.Vehicle, confirm: paths.VehicleDelete, list: paths.Vehicles,
	missing: "ese vehículo", done: "Vehículo eliminado.",
	describe: func(c *fiber.Ctx, s *models.Store, id int64) (string, string, error) {
		v, err := s.VehicleByID(c.UserContext(), id)
		if err != nil {
			return "", "", err
		}
		return "Eliminar el vehículo " + v.Plate, "el vehículo " + v.Plate, nil
	},
	dependents: func(c *fiber.Ctx, s *models.Store, id int64) (string, error) {
		return s.VehicleDependents(c.UserContext(), id)
	},
	del: func(c *fiber.Ctx, s *models.Store, id int64) error {
		return s.DeleteVehicle(c.UserContext(), id, actor(c))
	},
}

package admin

import (
	"github.com/gofiber/fiber/v2"

	"transito/models"
	"transito/paths"
)

// officerDeletion deletes an officer without infractions, with their tokens.
var officerDeletion = deletion{
	nav: "oficiales", title: "Eliminar oficial", page: paths.Officer, confirm: paths.OfficerDelete, list: paths.Officers,
	missing: "ese oficial", done: "Oficial eliminado.",
	describe: func(c *fiber.Ctx, s *models.Store, id int64) (string, string, error) {
		o, err := s.OfficerByID(c.UserContext(), id)
		if err != nil {
			return "", "", err
		}
		return "Eliminar a " + o.Name, "a " + o.Name + " (oficial n.º " + o.Badge + ")", nil
	},
	dependents: func(c *fiber.Ctx, s *models.Store, id int64) (string, error) {
		return s.OfficerDependents(c.UserContext(), id)
	},
	del: func(c *fiber.Ctx, s *models.Store, id int64) error {
		return s.DeleteOfficer(c.UserContext(), id, actor(c))
	},
}

package admin

import (
	"github.com/gofiber/fiber/v2"

	"transito/models"
	"transito/paths"
)

// personDeletion deletes a person, unless vehicles or infractions depend on
// them.
var personDeletion = deletion{
	nav: "personas", title: "Eliminar persona", page: paths.Person, confirm: paths.PersonDelete, list: paths.Persons,
	missing: "esa persona", done: "Persona eliminada.",
	describe: func(c *fiber.Ctx, s *models.Store, id int64) (string, string, error) {
		p, err := s.PersonByID(c.UserContext(), id)
		if err != nil {
			return "", "", err
		}
		return "Eliminar a " + p.Name, "a " + p.Name + " (" + p.Email + ")", nil
	},
	dependents: func(c *fiber.Ctx, s *models.Store, id int64) (string, error) {
		return s.PersonDependents(c.UserContext(), id)
	},
	del: func(c *fiber.Ctx, s *models.Store, id int64) error {
		return s.DeletePerson(c.UserContext(), id, actor(c))
	},
}

package handlers

import (
	"github.com/gofiber/fiber/v2"

	"transito/views"
)

// home handles GET /: what the service is and the look-up form.
func (s *Server) home(c *fiber.Ctx) error {
	return render(c, fiber.StatusOK, views.LookupPage(views.Page{Title: "Consulta de infracciones"}, views.Lookup{}))
}

package portal

import (
	"github.com/gofiber/fiber/v2"

	"transito/handlers/web"
	"transito/views"
)

// home handles GET /: what the service is and the look-up form.
func (h *Handler) home(c *fiber.Ctx) error {
	return web.Render(c, fiber.StatusOK, views.LookupPage(views.Page{Title: "Consulta de infracciones"}, views.Lookup{Verified: h.verified()}))
}

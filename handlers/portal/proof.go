package portal

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"transito/handlers/web"
	"transito/views"
)

// proofType marks the 403 of an action that needs a proof of ownership.
const proofType = "/api#error-prueba"

// proofNeeded is the 403 of the actions that need the proof (documents,
// photos, a descargo) when the visit has none for the fine's owner.
func proofNeeded() *web.Problem {
	p := web.NewProblem(fiber.StatusForbidden,
		"Para esto necesitamos confirmar que es el titular: consulte con su correo y la patente de un vehículo a su nombre (o su documento), o con un enlace recibido por correo.")
	p.Type = proofType
	return p
}

// renderProblem is the renderer of the portal's pages: the page that asks
// for the proof for its 403, the public error page otherwise.
func (h *Handler) renderProblem(c *fiber.Ctx, p *web.Problem) error {
	if p.Type == proofType && strings.Contains(c.Get(fiber.HeaderAccept), "text/html") {
		return web.Render(c, p.Status, views.ProofPage(views.Page{Title: "Confirme que es el titular"}, c.OriginalURL()))
	}
	return web.PublicProblem(c, p)
}

package admin

import (
	"github.com/gofiber/fiber/v2"

	"transito/handlers/web"
	"transito/views"
)

// RenderProblem is the panel's renderer of problems: its error page, which
// links back to the panel. A refusal (403) of an htmx fragment request is
// its flash message instead, swapped in out of band, the page left as it is.
func (h *Handler) RenderProblem(c *fiber.Ctx, p *web.Problem) error {
	if p.Status == fiber.StatusForbidden && web.IsHTMX(c) {
		c.Set("HX-Reswap", "none")
		return web.Render(c, p.Status, views.Flashes([]views.Flash{{Kind: "error", Message: p.Detail}}, true))
	}
	page := views.Page{Title: p.Title}
	if sess, ok := c.Locals(localsSession).(*session); ok {
		page.CSRF = sess.CSRF
	}
	return web.Render(c, p.Status, views.ErrorPage(page, p.Status, p.Title, p.Detail, p.RequestID))
}

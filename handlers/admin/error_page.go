package admin

import (
	"github.com/gofiber/fiber/v2"

	"transito/handlers/web"
	"transito/views"
)

// RenderProblem is the panel's renderer of problems: its error page, which
// links back to the panel.
func (h *Handler) RenderProblem(c *fiber.Ctx, p *web.Problem) error {
	page := views.Page{Title: p.Title}
	if sess, ok := c.Locals(localsSession).(*session); ok {
		page.CSRF = sess.CSRF
	}
	return web.Render(c, p.Status, views.ErrorPage(page, p.Status, p.Title, p.Detail, p.RequestID))
}

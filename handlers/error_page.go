package handlers

import (
	"github.com/gofiber/fiber/v2"

	"transito/views"
)

// renderErrorPage answers a browser with the HTML error page.
func (s *Server) renderErrorPage(c *fiber.Ctx, p *Problem) error {
	page := views.Page{Title: p.Title}
	if sess, ok := c.Locals(localsSession).(*session); ok {
		page.CSRF = sess.CSRF
	}
	return render(c, p.Status, views.ErrorPage(page, p.Status, p.Title, p.Detail, p.RequestID))
}

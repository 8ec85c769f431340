package handlers

import (
	"html"
	"strconv"

	"github.com/gofiber/fiber/v2"
)

// renderErrorPage answers a browser with a small HTML error page.
func (s *Server) renderErrorPage(c *fiber.Ctx, p *Problem) error {
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.SendString(`<!doctype html><html lang="es"><meta charset="utf-8"><title>` +
		html.EscapeString(p.Title) + `</title><h1>` + strconv.Itoa(p.Status) + ` — ` + html.EscapeString(p.Title) +
		`</h1><p>` + html.EscapeString(p.Detail) + `</p><p><small>Solicitud ` + html.EscapeString(p.RequestID) + `</small></p></html>`)
}

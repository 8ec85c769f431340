package web

import (
	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"
)

// Render writes a templ component as the HTML response with the given status.
func Render(c *fiber.Ctx, status int, component templ.Component) error {
	c.Status(status)
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return component.Render(c.UserContext(), c.Response().BodyWriter())
}

// Next lets the request through: the handler of a rate limit that is off.
func Next(c *fiber.Ctx) error { return c.Next() }

// FromHTMX reports whether htmx sent the request at all (a fragment, a
// boosted navigation or a history restore): such a request follows a
// redirect given as HX-Redirect.
func FromHTMX(c *fiber.Ctx) bool { return c.Get("HX-Request") == "true" }

// IsHTMX reports whether the request came from htmx (and wants a fragment)
// rather than from a full page load, a boosted navigation or a history
// restore (htmx asks for the whole page when its history cache misses).
func IsHTMX(c *fiber.Ctx) bool {
	return FromHTMX(c) && c.Get("HX-Boosted") != "true" &&
		c.Get("HX-History-Restore-Request") != "true"
}

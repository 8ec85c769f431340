package handlers

import "github.com/gofiber/fiber/v2"

// problemRenderer renders a problem in the format of the surface that
// raised it. The error handler still decides the status, logs and sets the
// problem's headers; the renderer only draws the answer.
type problemRenderer func(c *fiber.Ctx, p *Problem) error

const localsProblemRenderer = "problem_renderer"

// problemsAs installs r as the renderer of the problems the rest of the
// route's chain returns (the rate limiter included).
func problemsAs(r problemRenderer) fiber.Handler {
	return func(c *fiber.Ctx) error {
		c.Locals(localsProblemRenderer, r)
		return c.Next()
	}
}

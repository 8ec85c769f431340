package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"transito/views"
)

// Header is the value of a response header that goes with the problem.
func (p *Problem) Header(k string) string { return p.headers[k] }

// SetHeaders sets the problem's headers on the response.
func (p *Problem) SetHeaders(c *fiber.Ctx) {
	for k, v := range p.headers {
		c.Set(k, v)
	}
}

// ProblemRenderer renders a problem in the format of the surface that
// raised it. The error handler still decides the status, logs and sets the
// problem's headers; the renderer only draws the answer.
type ProblemRenderer func(c *fiber.Ctx, p *Problem) error

const localsProblemRenderer = "problem_renderer"

// ProblemsAs installs r as the renderer of the problems the rest of the
// route's chain returns (the rate limiter included). Each surface puts it
// in front of its routes; a later one, nearer the handler, wins.
func ProblemsAs(r ProblemRenderer) fiber.Handler {
	return func(c *fiber.Ctx) error {
		c.Locals(localsProblemRenderer, r)
		return c.Next()
	}
}

// RendererOf is the renderer the request's route chose, or PublicProblem
// when none did (an unknown path).
func RendererOf(c *fiber.Ctx) ProblemRenderer {
	if r, ok := c.Locals(localsProblemRenderer).(ProblemRenderer); ok {
		return r
	}
	return PublicProblem
}

// ProblemJSON writes p as application/problem+json: the API's renderer.
func ProblemJSON(c *fiber.Ctx, p *Problem) error {
	return c.JSON(p, "application/problem+json")
}

// PublicProblem is the public pages' renderer: a browser (Accept: text/html)
// gets the public error page, which links to the home page; any other
// client gets problem+json.
func PublicProblem(c *fiber.Ctx, p *Problem) error {
	if !strings.Contains(c.Get(fiber.HeaderAccept), "text/html") {
		return ProblemJSON(c, p)
	}
	return Render(c, p.Status, views.PublicErrorPage(views.Page{Title: p.Title}, p.Status, p.Title, p.Detail, p.RequestID))
}

package api

import (
	"github.com/gofiber/fiber/v2"

	"transito/docs"
	"transito/handlers/web"
	"transito/views"
)

// apiPage handles GET /api: the API reference for people, with curl
// examples and one section per problem type.
func (h *Handler) apiPage(c *fiber.Ctx) error {
	return web.Render(c, fiber.StatusOK, views.APIPage(views.Page{Title: "API"}, c.BaseURL()))
}

// openAPI handles GET /api/openapi.yaml: the machine-readable description.
func (h *Handler) openAPI(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, "application/yaml; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	return c.Send(docs.OpenAPI)
}

package admin

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"transito/handlers/web"
	"transito/models"
	"transito/views"
)

// dashboard shows the panel's home page.
func (h *Handler) dashboard(c *fiber.Ctx) error {
	d, err := h.store.Dashboard(c.UserContext(), h.loc, time.Now())
	if err != nil {
		return err
	}
	when := func(i models.InfractionRow) string { return h.fmtTime(i.OccurredAt) }
	return web.Render(c, fiber.StatusOK, views.DashboardPage(h.page(c, "Inicio", "inicio"), d, when, h.currency))
}

package admin

import (
	"github.com/gofiber/fiber/v2"

	"transito/handlers/web"
	"transito/paths"
	"transito/views"
)

// infractionShow shows one infraction with the annul form.
func (h *Handler) infractionShow(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	return h.renderInfraction(c, fiber.StatusOK, id, nil)
}

func (h *Handler) renderInfraction(c *fiber.Ctx, status int, id int64, f *views.VoidForm) error {
	i, err := h.store.InfractionByID(c.UserContext(), id)
	if err != nil {
		return notFound(err, "esa infracción")
	}
	if f == nil {
		form := views.NewVoidForm(paths.Of(paths.InfractionVoid, id), csrf(c))
		f = &form
	}
	page, err := h.detailPage(c, "Infracción "+itoa64(id), "infracciones", "infraction", id)
	if err != nil {
		return err
	}
	return web.Render(c, status, views.InfractionPage(page, i, *f,
		h.fmtTime(i.OccurredAt), h.fmtTime(i.RecordedAt)))
}

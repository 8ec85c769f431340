package admin

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"transito/handlers/web"
	"transito/models"
	"transito/paths"
	"transito/views"
)

// officerDeleteConfirm asks before deleting, or says what blocks it.
func (h *Handler) officerDeleteConfirm(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	return h.renderOfficerDelete(c, fiber.StatusOK, id, "")
}

func (h *Handler) renderOfficerDelete(c *fiber.Ctx, status int, id int64, blocked string) error {
	ctx := c.UserContext()
	o, err := h.store.OfficerByID(ctx, id)
	if err != nil {
		return notFound(err, "ese oficial")
	}
	if blocked == "" {
		if blocked, err = h.store.OfficerDependents(ctx, id); err != nil {
			return err
		}
	}
	back := paths.Of(paths.Officer, id)
	return web.Render(c, status, views.ConfirmDeletePage(h.page(c, "Eliminar oficial", "oficiales"),
		"Eliminar a "+o.Name, "al oficial "+o.Name+" ("+o.Badge+")", blocked, back+"/eliminar", back))
}

// officerDelete deletes an officer without infractions, with their tokens.
func (h *Handler) officerDelete(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	err = h.store.DeleteOfficer(c.UserContext(), id, actor(c))
	var ce *models.ConflictError
	if errors.As(err, &ce) {
		return h.renderOfficerDelete(c, fiber.StatusConflict, id, ce.Message)
	}
	if err != nil {
		return notFound(err, "ese oficial")
	}
	flash(c, "ok", "Oficial eliminado.")
	return redirect(c, paths.Officers)
}

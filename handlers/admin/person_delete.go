package admin

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"transito/handlers/web"
	"transito/models"
	"transito/paths"
	"transito/views"
)

// personDeleteConfirm asks before deleting, or says what blocks it.
func (h *Handler) personDeleteConfirm(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	return h.renderPersonDelete(c, fiber.StatusOK, id, "")
}

func (h *Handler) renderPersonDelete(c *fiber.Ctx, status int, id int64, blocked string) error {
	ctx := c.UserContext()
	p, err := h.store.PersonByID(ctx, id)
	if err != nil {
		return notFound(err, "esa persona")
	}
	if blocked == "" {
		if blocked, err = h.store.PersonDependents(ctx, id); err != nil {
			return err
		}
	}
	back := paths.Of(paths.Person, id)
	return web.Render(c, status, views.ConfirmDeletePage(h.page(c, "Eliminar persona", "personas"),
		"Eliminar a "+p.Name, "a "+p.Name+" ("+p.Email+")", blocked, back+"/eliminar", back))
}

// personDelete deletes a person, unless vehicles or infractions depend on them.
func (h *Handler) personDelete(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	err = h.store.DeletePerson(c.UserContext(), id, actor(c))
	var ce *models.ConflictError
	if errors.As(err, &ce) {
		return h.renderPersonDelete(c, fiber.StatusConflict, id, ce.Message)
	}
	if err != nil {
		return notFound(err, "esa persona")
	}
	flash(c, "ok", "Persona eliminada.")
	return redirect(c, paths.Persons)
}

package admin

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"transito/handlers/web"
	"transito/models"
	"transito/paths"
	"transito/views"
)

// deletion is one kind of record the panel deletes: a confirmation page
// that names the record, or says what keeps it from being deleted, then the
// delete, which the store refuses with a *models.ConflictError when
// something depends on the record. Each kind's spec is in its _delete.go.
type deletion struct {
	nav, title string // the sidebar section and the confirmation page's title
	page       string // the record's page (a pattern of paths)
	confirm    string // the confirmation page and the delete (a pattern of paths)
	list       string // where the panel goes once the record is gone
	missing    string // the record as a 404 names it: "esa persona"
	done       string // the flash message after the delete
	// describe loads the record: the confirmation's heading, and the record
	// as its question names it ("a Ana (ana@example.com)").
	describe func(c *fiber.Ctx, s *models.Store, id int64) (heading, what string, err error)
	// dependents explains what keeps the administrator from deleting it,
	// "" when nothing does.
	dependents func(c *fiber.Ctx, s *models.Store, id int64) (string, error)
	del        func(c *fiber.Ctx, s *models.Store, id int64) error
}

// deleteConfirm asks before deleting, or says what blocks it.
func (h *Handler) deleteConfirm(d deletion) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := idParam(c)
		if err != nil {
			return err
		}
		return h.renderDelete(c, d, fiber.StatusOK, id, "")
	}
}

// renderDelete renders the confirmation page; blocked, when not empty, is
// why the store refused the delete.
func (h *Handler) renderDelete(c *fiber.Ctx, d deletion, status int, id int64, blocked string) error {
	heading, what, err := d.describe(c, h.store, id)
	if err != nil {
		return notFound(err, d.missing)
	}
	if blocked == "" {
		if blocked, err = d.dependents(c, h.store, id); err != nil {
			return err
		}
	}
	return web.Render(c, status, views.ConfirmDeletePage(h.page(c, d.title, d.nav),
		heading, what, blocked, paths.Of(d.confirm, id), paths.Of(d.page, id)))
}

// delete deletes the record, unless something depends on it: then the
// confirmation page says what, with 409.
func (h *Handler) delete(d deletion) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := idParam(c)
		if err != nil {
			return err
		}
		err = d.del(c, h.store, id)
		var ce *models.ConflictError
		if errors.As(err, &ce) {
			return h.renderDelete(c, d, fiber.StatusConflict, id, ce.Message)
		}
		if err != nil {
			return notFound(err, d.missing)
		}
		flash(c, "ok", d.done)
		return redirect(c, d.list)
	}
}

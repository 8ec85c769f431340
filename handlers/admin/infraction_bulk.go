package admin

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"transito/handlers/web"
	"transito/models"
	"transito/models/rules"
	"transito/paths"
	"transito/views"
)

// maxBulk is how many rows one bulk action takes (a page's worth and
// more).
const maxBulk = 500

// checkedIDs are the ids a list's checkboxes posted, each once, in order.
// With none it flashes none and redirects back to the list (ids nil, err
// the redirect's); past maxBulk it is a 400 that says what (tooMany, with
// %d for the limit).
func checkedIDs(c *fiber.Ctx, none, tooMany string) ([]int64, error) {
	var ids []int64
	seen := map[int64]bool{}
	for _, b := range c.Context().PostArgs().PeekMulti("ids") {
		if id, err := strconv.ParseInt(string(b), 10, 64); err == nil && id > 0 && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		flash(c, "error", none)
		return nil, redirect(c, listOf(c))
	}
	if len(ids) > maxBulk {
		return nil, web.NewProblem(fiber.StatusBadRequest, fmt.Sprintf(tooMany, maxBulk))
	}
	return ids, nil
}

// listOf is the list a bulk action came from: its path (the action's
// parent) with the list's query.
func listOf(c *fiber.Ctx) string {
	to := c.Path()
	if i := strings.LastIndexByte(to, '/'); i > 0 {
		to = to[:i]
	}
	if q := string(c.Request().URI().QueryString()); q != "" {
		to += "?" + q
	}
	return to
}

// infractionsAnnul annuls the infractions the list checked: paso=confirmar
// (the list's button) asks, naming how many, for the reasons; paso=anular
// annuls them all in one transaction, or none, saying which one failed and
// why. Plain forms: no JavaScript needed.
func (h *Handler) infractionsAnnul(c *fiber.Ctx) error {
	ids, err := checkedIDs(c, "Marque al menos una infracción.", "Se pueden anular hasta %d infracciones a la vez.")
	if err != nil || ids == nil {
		return err
	}
	b := views.BulkAnnul{IDs: ids, Form: views.NewVoidForm(paths.InfractionsAnnul, csrf(c))}
	page := h.page(c, "Anular infracciones", "infracciones")
	if c.FormValue("paso") != "anular" {
		return web.Render(c, fiber.StatusOK, views.BulkAnnulPage(page, b))
	}
	readForm(c, &b.Form)
	err = h.store.Annul(c.UserContext(), ids, b.Form.Input(), actor(c))
	var ae *models.AnnulError
	switch {
	case err == nil:
		flash(c, "ok", "Se anularon "+rules.Plural(len(ids), "infracción", "infracciones")+".")
		return redirect(c, paths.Infractions+"?estado="+models.StatusVoided)
	case errors.As(err, &ae):
		b.Problem = "la infracción n.º " + itoa64(ae.ID) + " " + annulProblem(ae.Err)
		return web.Render(c, fiber.StatusConflict, views.BulkAnnulPage(page, b))
	case failed(&b.Form, err):
		return web.Render(c, statusOf(err), views.BulkAnnulPage(page, b))
	}
	if errors.Is(err, models.ErrNotFound) {
		b.Problem = "una de las infracciones no existe."
		return web.Render(c, fiber.StatusConflict, views.BulkAnnulPage(page, b))
	}
	return err
}

// annulProblem says why one infraction could not be annulled, after its
// number.
func annulProblem(err error) string {
	var ce *models.ConflictError
	switch {
	case errors.Is(err, models.ErrNotFound):
		return "no existe."
	case errors.As(err, &ce):
		return "no se puede anular: " + ce.Message
	}
	return "no se pudo anular."
}

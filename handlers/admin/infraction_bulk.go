package admin

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"transito/handlers/web"
	"transito/models"
	"transito/models/rules"
	"transito/paths"
	"transito/views"
)

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

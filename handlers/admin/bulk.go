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

// selection is a list's checkboxes with "export selected" (to export, the
// list's …Export path); a list adds its other bulk actions to Actions.
func selection(c *fiber.Ctx, export string) *views.Selection {
	return &views.Selection{Form: "seleccion", CSRF: csrf(c), Export: export}
}

const localsSelected = "selected_ids"

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

// selectedExport answers a list's "export selected": the list's own export
// (list, the list page's handler, which answers an export when the request
// names a format), of the checked rows only, in the list's order.
func selectedExport(list fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if bodyField(c, "formato") == "" {
			return web.NewProblem(fiber.StatusBadRequest, "Elija el formato de exportación: csv, csv-excel o xlsx.")
		}
		ids, err := checkedIDs(c, "Marque al menos una fila para exportarla.", "Se pueden exportar hasta %d filas marcadas a la vez; para más, exporte la lista entera.")
		if err != nil || ids == nil {
			return err
		}
		c.Locals(localsSelected, ids)
		return list(c)
	}
}

// selectedIDs are the rows an "export selected" checked (nil otherwise).
func selectedIDs(c *fiber.Ctx) []int64 {
	ids, _ := c.Locals(localsSelected).([]int64)
	return ids
}

// officersActive activates (activo=1) or deactivates (activo=0) the
// officers the list checked: paso=confirmar (the list's buttons) names how
// many and who; paso=aplicar changes them all in one transaction, each
// audited as the officer page's button does, or none, saying which one
// failed.
func (h *Handler) officersActive(c *fiber.Ctx) error {
	ids, err := checkedIDs(c, "Marque al menos un oficial.", "Se pueden cambiar hasta %d oficiales a la vez.")
	if err != nil || ids == nil {
		return err
	}
	active := bodyField(c, rules.FieldActive)
	if active != "0" && active != "1" {
		return web.NewProblem(fiber.StatusBadRequest, "Elija activar (activo=1) o desactivar (activo=0) a los oficiales marcados.")
	}
	b := views.BulkOfficers{Active: active == "1", CSRF: csrf(c)}
	found, err := h.store.OfficersByIDs(c.UserContext(), ids)
	if err != nil {
		return err
	}
	for _, o := range found {
		b.Officers = append(b.Officers, views.OfficerRef{ID: o.ID, Name: o.Name, Badge: o.Badge, ActiveBefore: o.Active})
	}
	page := h.page(c, b.Verb()+" oficiales", "oficiales")
	if len(found) < len(ids) {
		b.Problem = "uno de los oficiales marcados ya no existe."
		return web.Render(c, fiber.StatusConflict, views.BulkOfficersPage(page, b))
	}
	if bodyField(c, "paso") != "aplicar" {
		return web.Render(c, fiber.StatusOK, views.BulkOfficersPage(page, b))
	}
	n, err := h.store.SetOfficersActive(c.UserContext(), ids, b.Active, actor(c))
	var oe *models.OfficerError
	if errors.As(err, &oe) && errors.Is(err, models.ErrNotFound) {
		b.Problem = "el oficial n.º " + itoa64(oe.ID) + " ya no existe."
		return web.Render(c, fiber.StatusConflict, views.BulkOfficersPage(page, b))
	}
	if err != nil {
		return err
	}
	flash(c, "ok", bulkOfficersDone(b, n, len(ids)-n))
	return redirect(c, paths.Officers+"?estado="+b.State())
}

// bulkOfficersDone says what a bulk change did: n officers changed, same
// were already in that state.
func bulkOfficersDone(b views.BulkOfficers, n, same int) string {
	verb, tokens := "Se activaron ", ": sus tokens vuelven a funcionar."
	switch {
	case b.Active && n == 1:
		verb = "Se activó "
	case !b.Active && n == 1:
		verb, tokens = "Se desactivó ", ": la API rechazará sus tokens (403)."
	case !b.Active:
		verb, tokens = "Se desactivaron ", ": la API rechazará sus tokens (403)."
	}
	msg := verb + rules.Plural(n, "oficial", "oficiales") + tokens
	if n == 0 {
		msg = "No cambió ningún oficial."
	}
	switch {
	case same == 1:
		msg += " 1 ya estaba " + b.State() + "."
	case same > 1:
		msg += " " + rules.Thousands(same) + " ya estaban " + b.State() + "s."
	}
	return msg
}

package admin

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"transito/models"
	"transito/models/rules"
	"transito/paths"
	"transito/views"
)

// officerList shows the officers with their token's last use.
func (h *Handler) officerList(c *fiber.Ctx) error {
	f := views.NewOfficerForm(paths.Officers, csrf(c))
	f.Active.Value = "1"
	return h.renderOfficerList(c, fiber.StatusOK, f)
}

func (h *Handler) renderOfficerList(c *fiber.Ctx, status int, form views.OfficerForm) error {
	lq := listQuery(c, "estado")
	if done, err := exported(h, c, "oficiales", "Oficiales", officerExport(h.zone()), func(ctx context.Context) (*models.Cursor[models.OfficerRow], error) {
		return h.store.ExportOfficers(ctx, lq)
	}); done {
		return err
	}
	res, err := h.store.ListOfficers(c.UserContext(), lq)
	if err != nil {
		return err
	}
	l := newList(paths.Officers, "Oficiales", "oficial", "oficiales", lq, res)
	l.Zone = h.zone()
	l.SearchLabel, l.SearchHint = "Buscar por nombre o número", "p. ej. Benítez o DEMO-001"
	l.Empty = "No hay oficiales que mostrar."
	l.Columns = []views.Column{{Label: "Nombre", Sort: "nombre"}, {Label: "Número", Sort: "numero"}, {Label: "Estado", Sort: "activo"}, {Label: "Token"}, {Label: "Último uso del token", Sort: "uso"}}
	for _, o := range res.Items {
		st := views.Cell{Text: "Activo", Badge: "ok"}
		if !o.Active {
			st = views.Cell{Text: "Inactivo", Badge: "off"}
		}
		tok := "—"
		if o.TokenPrefix != nil {
			tok = *o.TokenPrefix + "…"
		}
		l.Rows = append(l.Rows, views.Row{Cells: []views.Cell{
			{Text: o.Name, Href: paths.Of(paths.Officer, o.ID)},
			{Text: o.Badge, Mono: true}, st, {Text: tok, Mono: true},
			{Text: h.fmtTimePtr(o.TokenLastUsed)},
		}, ID: o.ID})
	}
	l.Select = selection(c, paths.OfficersExport)
	l.Filters = views.OfficerFilters(lq.Filter("estado"))
	if roleOf(c).Includes(rules.RoleSupervisor) {
		l.Select.Actions = []views.BulkAction{
			{Action: paths.OfficersActive, Label: "Activar…", Name: rules.FieldActive, Value: "1", Testid: "bulk-activate"},
			{Action: paths.OfficersActive, Label: "Desactivar…", Name: rules.FieldActive, Value: "0", Testid: "bulk-deactivate"},
		}
		l.Create, l.CreateLabel, l.CreateOpen = views.OfficerFormView(form, "Crear oficial"), "Nuevo oficial", views.Invalid(&form)
	}
	return h.respondList(c, h.page(c, "Oficiales", "oficiales"), l, status)
}

package admin

import (
	"context"
	"time"

	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"transito/models"
	"transito/paths"
	"transito/views"
)

// auditList shows the audit log: every write from the panel, the API and
// the CLI, newest first, with filters.
func (h *Handler) auditList(c *fiber.Ctx) error {
	lq := listQuery(c, "entidad", "registro", "accion", "actor", "desde", "hasta")
	if done, err := exported(h, c, "auditoria", "Auditoría", auditExport(h), func(ctx context.Context) (*models.Cursor[models.AuditEntry], error) {
		return h.store.ExportAudit(ctx, lq, h.loc)
	}); done {
		return err
	}
	res, err := h.store.ListAudit(c.UserContext(), lq, h.loc)
	if err != nil {
		return err
	}
	l := newList(paths.Audit, "Auditoría", "evento", "eventos", lq, res)
	l.Zone = h.zone()
	l.SearchLabel, l.SearchHint = "Buscar por quién", "usuario, número de oficial…"
	l.Empty = "No hay eventos que mostrar."
	l.Columns = []views.Column{{Label: "Fecha", Sort: "fecha"}, {Label: "Origen"}, {Label: "Quién"}, {Label: "Acción"}, {Label: "Registro"}, {Label: "Detalle"}}
	vs, err := h.auditViews(c.UserContext(), res.Items)
	if err != nil {
		return err
	}
	for i, e := range vs {
		l.Rows = append(l.Rows, views.Row{Cells: []views.Cell{
			{Text: e.When}, {Text: e.Source}, {Text: e.Actor, Href: e.ActorHref},
			{Text: e.Action}, {Text: e.Record, Href: e.RecordHref},
			{Text: clip(e.Summary(), 300)},
		}, ID: res.Items[i].ID})
	}
	l.Select = selection(c, paths.AuditExport)
	if l.Dates, err = h.dateDrill(c.UserContext(), l, lq, func(ctx context.Context, level models.DateLevel, within time.Time) ([]models.DateBucket, error) {
		return h.store.AuditDates(ctx, lq, h.loc, level, within, res.Total)
	}); err != nil {
		return err
	}
	l.Filters = views.AuditFilters(lq.Filter("entidad"), lq.Filter("registro"), lq.Filter("accion"), lq.Filter("actor"), lq.Filter("desde"), lq.Filter("hasta"))
	return h.respondList(c, h.page(c, "Auditoría", "auditoria"), l, fiber.StatusOK)
}

// clip cuts s to n characters, with "…" when it was longer.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) > n {
		return string([]rune(s)[:n]) + "…"
	}
	return s
}

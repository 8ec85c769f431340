package handlers

import (
	"github.com/gofiber/fiber/v2"

	"transito/views"
)

// auditList shows the audit log: every write from the panel, the API and
// the CLI, newest first, with filters.
func (h *adminHandler) auditList(c *fiber.Ctx) error {
	lq := listQuery(c, "entidad", "accion", "actor", "desde", "hasta")
	res, err := h.store.ListAudit(c.UserContext(), lq, h.loc)
	if err != nil {
		return err
	}
	l := newList("/admin/auditoria", "Auditoría", "eventos", lq, res.Total, res.PerPage)
	l.SearchLabel, l.SearchHint = "Buscar por quién", "usuario, número de oficial…"
	l.Empty = "No hay eventos que mostrar."
	l.Columns = []views.Column{{Label: "Fecha", Sort: "fecha"}, {Label: "Origen"}, {Label: "Quién"}, {Label: "Acción"}, {Label: "Registro"}, {Label: "Detalle"}}
	for _, e := range res.Items {
		var id int64
		if e.EntityID != nil {
			id = *e.EntityID
		}
		what := views.AuditEntity(e.Entity)
		if id != 0 {
			what += " n.º " + itoa64(id)
		}
		detail := e.Detail
		if detail == "{}" || detail == "null" {
			detail = ""
		}
		l.Rows = append(l.Rows, views.Row{Cells: []views.Cell{
			{Text: h.fmtTime(e.At)}, {Text: views.AuditActor(e.ActorKind)}, {Text: e.ActorName},
			{Text: views.AuditAction(e.Action)}, {Text: what, Href: views.EntityPath(e.Entity, id)},
			{Text: detail, Mono: true},
		}})
	}
	l.Filters = views.AuditFilters(lq.Filter("entidad"), lq.Filter("accion"), lq.Filter("actor"), lq.Filter("desde"), lq.Filter("hasta"))
	return h.respondList(c, h.page(c, "Auditoría", "auditoria"), l, lq, fiber.StatusOK, "auditoria")
}

package admin

import (
	"context"
	"time"

	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"transito/models"
	"transito/paths"
	"transito/views"
)

// auditList shows the audit log: every write from the panel, the API and
// the CLI, newest first, with filters.
func (h *Handler) auditList(c *fiber.Ctx) error {
	lq := listQuery(c, "entidad", "accion", "actor", "desde", "hasta")
	if done, err := exported(h, c, "auditoria", "Auditoría", auditExport(h.zone()), func(ctx context.Context) (*models.Cursor[models.AuditEntry], error) {
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
	for _, e := range res.Items {
		var id int64
		if e.EntityID != nil {
			id = *e.EntityID
		}
		what := views.AuditEntity(e.Entity)
		if id != 0 {
			what += " n.º " + itoa64(id)
		}
		detail := auditDetail(e.Detail)
		l.Rows = append(l.Rows, views.Row{Cells: []views.Cell{
			{Text: h.fmtTime(e.At)}, {Text: views.AuditActor(e.ActorKind)}, {Text: e.ActorName},
			{Text: views.AuditAction(e.Action)}, {Text: what, Href: paths.Entity(e.Entity, id)},
			{Text: detail},
		}})
	}
	if l.Dates, err = h.dateDrill(c.UserContext(), l, lq, func(ctx context.Context, level models.DateLevel, within time.Time) ([]models.DateBucket, error) {
		return h.store.AuditDates(ctx, lq, h.loc, level, within, res.Total)
	}); err != nil {
		return err
	}
	l.Filters = views.AuditFilters(lq.Filter("entidad"), lq.Filter("accion"), lq.Filter("actor"), lq.Filter("desde"), lq.Filter("hasta"))
	return h.respondList(c, h.page(c, "Auditoría", "auditoria"), l, fiber.StatusOK)
}

// auditDetail writes an audit entry's JSON detail for people: "campo: valor"
// pairs, changes as "antes → después".
func auditDetail(raw string) string {
	var m map[string]any
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		return raw
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		v := m[k]
		if pair, ok := v.([]any); ok && len(pair) == 2 {
			parts = append(parts, fmt.Sprintf("%s: %v → %v", k, pair[0], pair[1]))
			continue
		}
		parts = append(parts, fmt.Sprintf("%s: %v", k, v))
	}
	out := strings.Join(parts, " · ")
	if utf8.RuneCountInString(out) > 300 {
		out = string([]rune(out)[:300]) + "…"
	}
	return out
}

package admin

import (
	"github.com/gofiber/fiber/v2"

	"transito/paths"
	"transito/views"
)

// disputeList is the descargos queue: pending first, then the newest.
func (h *Handler) disputeList(c *fiber.Ctx) error {
	lq := listQuery(c, "estado")
	res, err := h.store.ListDisputes(c.UserContext(), lq)
	if err != nil {
		return err
	}
	l := newList(paths.Disputes, "Descargos", "descargo", "descargos", lq, res)
	l.Empty = "No hay descargos que mostrar."
	l.Columns = []views.Column{{Label: "Presentado"}, {Label: "Referencia"}, {Label: "Infracción"}, {Label: "Contacto"}, {Label: "Estado"}}
	for _, d := range res.Items {
		l.Rows = append(l.Rows, views.Row{Cells: []views.Cell{
			{Text: h.fmtTime(d.CreatedAt)},
			{Text: d.Reference, Href: paths.Of(paths.Dispute, d.ID), Mono: true},
			{Text: "n.º " + itoa64(d.InfractionID), Href: paths.Of(paths.Infraction, d.InfractionID)},
			{Text: d.ContactEmail},
			{Text: views.DisputeStatusLabel(d.Status), Badge: disputeBadge(d.Status)},
		}})
	}
	l.Filters = views.DisputeFilters(lq.Filter("estado"))
	return h.respondList(c, h.page(c, "Descargos", "descargos"), l, fiber.StatusOK)
}

func disputeBadge(status string) string {
	switch status {
	case "pendiente":
		return "info"
	case "aceptado":
		return "ok"
	}
	return "bad"
}

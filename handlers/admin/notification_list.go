package admin

import (
	"github.com/gofiber/fiber/v2"

	"transito/models"
	"transito/paths"
	"transito/views"
)

// notificationList is the outbox: pending, sent and failing mails (with
// their error), newest first. Without a mail relay every mail waits here.
func (h *Handler) notificationList(c *fiber.Ctx) error {
	lq := listQuery(c, "estado")
	res, err := h.store.ListNotifications(c.UserContext(), lq)
	if err != nil {
		return err
	}
	l := newList(paths.Notifications, "Notificaciones", "notificación", "notificaciones", lq, res)
	l.Empty = "No hay notificaciones que mostrar."
	l.Columns = []views.Column{{Label: "Creada"}, {Label: "Para"}, {Label: "Asunto"}, {Label: "Estado"}, {Label: "Intentos"}, {Label: "Enviada / próximo intento"}, {Label: "Error"}}
	for _, n := range res.Items {
		state, badge, when := models.NoticePending, "due", h.fmtTime(n.NextAttemptAt)
		switch {
		case n.SentAt != nil:
			state, badge, when = models.NoticeSent, "ok", h.fmtTimePtr(n.SentAt)
		case n.Attempts > 0:
			state, badge = models.NoticeFailing, "bad"
		}
		subject := views.Cell{Text: n.Subject}
		if n.InfractionID != nil {
			subject.Href = paths.Of(paths.Infraction, *n.InfractionID)
		}
		l.Rows = append(l.Rows, views.Row{Cells: []views.Cell{
			{Text: h.fmtTime(n.CreatedAt)}, {Text: n.ToEmail}, subject,
			{Text: noticeLabel(state), Badge: badge}, {Text: itoa64(int64(n.Attempts))}, {Text: when}, {Text: n.LastError},
		}})
	}
	l.Filters = views.NotificationFilters(lq.Filter("estado"))
	return h.respondList(c, h.page(c, "Notificaciones", "notificaciones"), l, fiber.StatusOK)
}

func noticeLabel(state string) string {
	switch state {
	case models.NoticeSent:
		return "Enviada"
	case models.NoticeFailing:
		return "Con error"
	}
	return "Pendiente"
}

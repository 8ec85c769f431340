package admin

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"transito/models"
	"transito/models/fines"
	"transito/models/rules"
	"transito/paths"
	"transito/views"
)

// infractionList shows the infractions with their filters.
func (h *Handler) infractionList(c *fiber.Ctx) error {
	return h.renderInfractionList(c, fiber.StatusOK, h.infractionForm(c))
}

// infractionForm is the manual infraction form, which reads times in the
// display zone and says which.
func (h *Handler) infractionForm(c *fiber.Ctx) views.InfractionForm {
	f := views.NewInfractionForm(paths.Infractions, csrf(c))
	f.Zone = h.zone()
	return f
}

func (h *Handler) renderInfractionList(c *fiber.Ctx, status int, form views.InfractionForm) error {
	lq := listQuery(c, "desde", "hasta", "oficial", "patente", "estado", "persona", "vehiculo", rules.FieldCode, rules.FieldSeverity)
	now := time.Now()
	t, err := h.store.Tariff(c.UserContext())
	if err != nil {
		return err
	}
	if done, err := exported(h, c, "infracciones", "Infracciones", infractionExport(h.zone(), t, h.loc, now), func(ctx context.Context) (*models.Cursor[models.InfractionDetail], error) {
		return h.store.ExportInfractions(ctx, lq, h.loc, now)
	}); done {
		return err
	}
	res, err := h.store.ListInfractions(c.UserContext(), lq, h.loc, now)
	if err != nil {
		return err
	}
	l := newList(paths.Infractions, "Infracciones", "infracción", "infracciones", lq, res)
	l.Zone = h.zone()
	l.SearchLabel, l.SearchHint = "Buscar por patente (comienzo)", "p. ej. AB1"
	l.Empty = "No hay infracciones que mostrar."
	l.Columns = []views.Column{{Label: "Fecha", Sort: "fecha"}, {Label: "Patente", Sort: "patente"}, {Label: "Vehículo"}, {Label: "Oficial", Sort: "oficial"}, {Label: "Código"}, {Label: "Estado", Sort: "estado"}, {Label: "Importe"}, {Label: "A pagar hoy"}, {Label: "Comentarios"}}
	for _, i := range res.Items {
		a := t.Assess(&i, now, h.loc)
		status := listStatus(&i, t, h.loc, now)
		st := views.Cell{Text: views.StatusLabel(status), Badge: views.StatusKind(status)}
		amount, toPay, code := views.Cell{Text: "—"}, views.Cell{Text: "—"}, views.Cell{Text: i.Code, Mono: true}
		if !a.Issued {
			code = views.Cell{Text: "Sin tipificar"}
		}
		if a.Issued {
			amount.Text = fines.DisplayAmount(a.AmountCents, h.currency)
		}
		if a.ToPay != nil {
			toPay.Text = fines.DisplayAmount(*a.ToPay, h.currency)
		}
		l.Rows = append(l.Rows, views.Row{Cells: []views.Cell{
			{Text: h.fmtTime(i.OccurredAt), Href: paths.Of(paths.Infraction, i.ID)},
			{Text: i.Plate, Mono: true},
			{Text: i.Brand + " · " + i.Color},
			{Text: i.OfficerName + " (" + i.OfficerBadge + ")"},
			code,
			st, amount, toPay,
			{Text: i.Comments},
		}, ID: i.ID})
	}
	if l.Dates, err = h.dateDrill(c.UserContext(), l, lq, func(ctx context.Context, level models.DateLevel, within time.Time) ([]models.DateBucket, error) {
		return h.store.InfractionDates(ctx, lq, h.loc, level, within, res.Total, now)
	}); err != nil {
		return err
	}
	l.Filters = views.InfractionFilters(lq.Filter("desde"), lq.Filter("hasta"), lq.Filter("oficial"), lq.Filter("patente"), lq.Filter("estado"),
		lq.Filter(rules.FieldCode), lq.Filter(rules.FieldSeverity),
		map[string]string{"persona": lq.Filter("persona"), "vehiculo": lq.Filter("vehiculo")})
	l.Create, l.CreateLabel, l.CreateOpen = views.InfractionFormView(form), "Registrar infracción a mano", views.Invalid(&form)
	p := h.page(c, "Infracciones", "infracciones")
	l.Select = selection(c, paths.InfractionsExport)
	if p.Can(rules.RoleSupervisor) {
		l.Select.Actions = append(l.Select.Actions, views.BulkAction{Action: paths.InfractionsAnnul, Label: "Anular…", Testid: "bulk-annul"})
	}
	return h.respondList(c, p, l, status)
}

// listStatus is the status a list or an export shows at now: the stored
// one, or prescrita for an open fine past its prescription (sin tipificar
// is vigente, as DESIGN says; the code column says it has no type).
func listStatus(i *models.InfractionRow, t *models.Tariff, loc *time.Location, now time.Time) string {
	if t.Assess(i, now, loc).Status == fines.Prescrita {
		return string(fines.Prescrita)
	}
	return i.Status
}

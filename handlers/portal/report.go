package portal

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"transito/models"
	"transito/models/fines"
	"transito/paths"
	"transito/views"
)

// report builds the view of a person's report as it stands now: each fine
// with what is owed today and why, its next deadline and its actions, and
// the summary at the top. The actions that reveal or change more
// (documents, photos, descargo) are offered only when the visit proved the
// person. The fines' part comes from the cache when nothing it depends on
// changed; the rest (what the visitor typed, the time) is this request's.
func (h *Handler) report(c *fiber.Ctx, person *models.Person, proven bool) (views.Lookup, error) {
	part, err := h.reportPart(c.UserContext(), person.ID, proven)
	if err != nil {
		return views.Lookup{}, err
	}
	l := h.newLookup(c)
	l.State, l.PersonName, l.GeneratedAt, l.Proven = views.LookupFound, person.Name, h.generatedAt(), proven
	l.Owed, l.Savings, l.SavingsUntil, l.Plates, l.Cards = part.owed, part.savings, part.savingsUntil, part.plates, &part.cards
	return l, nil
}

// reportPart returns the fines' part of the report of person id, from the
// cache when nothing it depends on has changed since it was built: the
// database (its data version), the tariff (settings and catalogue) and the
// day in the configured zone, since what is owed changes with the date. A
// hit reads no fine.
func (h *Handler) reportPart(ctx context.Context, person int64, proven bool) (*reportPart, error) {
	now := time.Now()
	tariff, err := h.store.Tariff(ctx)
	if err != nil {
		return nil, err
	}
	data, cacheable := h.store.DataVersion(ctx)
	key := partKey{person: person, proven: proven}
	stamp := partStamp{data: data, tariff: tariff.Version, day: fines.DateOf(now, h.cfg.Location)}
	if !cacheable {
		return h.buildPart(ctx, person, proven, tariff, now)
	}
	if p, ok := h.parts.get(key, stamp); ok {
		return p, nil
	}
	// One build per miss: the visits that miss at once (a busy person's
	// page after a write) wait for it rather than each reading and
	// rendering the same fines. The build is not the first visitor's to
	// cancel.
	flight := strconv.FormatInt(person, 10) + "/" + strconv.FormatBool(proven) + "/" +
		strconv.FormatInt(data, 10) + "/" + tariff.Version + "/" + stamp.day.String()
	v, err, _ := h.building.Do(flight, func() (any, error) {
		if p, ok := h.parts.get(key, stamp); ok {
			return p, nil
		}
		p, err := h.buildPart(context.WithoutCancel(ctx), person, proven, tariff, now)
		if err == nil {
			h.parts.put(key, stamp, p)
		}
		return p, err
	})
	if err != nil {
		return nil, err
	}
	return v.(*reportPart), nil
}

// buildPart reads the fines of person id and renders their part of the
// report as it stands at now.
func (h *Handler) buildPart(ctx context.Context, person int64, proven bool, tariff *models.Tariff, now time.Time) (*reportPart, error) {
	rows, err := h.store.ReportOf(ctx, person)
	if err != nil {
		return nil, err
	}
	extras := &models.PortalExtras{}
	if proven {
		if extras, err = h.store.PortalExtrasOf(ctx, person); err != nil {
			return nil, err
		}
	}
	currency := h.store.Locale().Currency
	cards := make([]views.LookupRow, len(rows))
	var owed, saved int64
	var firstDiscount *fines.Date
	for i := range rows {
		r := &rows[i]
		a := tariff.Assess(r, now, h.cfg.Location)
		v := h.lookupRow(r, a, currency)
		if a.ToPay != nil {
			owed += *a.ToPay
			if a.Reason.Kind == fines.Discounted {
				saved += a.AmountCents - *a.ToPay
				if firstDiscount == nil || a.Reason.Date.Before(*firstDiscount) {
					d := a.Reason.Date
					firstDiscount = &d
				}
			}
			if a.Status == fines.Vigente {
				v.PayURL, v.PayText = h.payment(r.ID, *a.ToPay)
			}
		}
		if proven {
			v.ActaURL = paths.Of(paths.Acta, r.ID)
			if a.Status == fines.Pagada {
				v.ReciboURL = paths.Of(paths.Recibo, r.ID)
			}
			if a.Disputable {
				v.DescargoURL = paths.Of(paths.Descargo, r.ID)
			}
			for _, id := range extras.Photos[r.ID] {
				v.Photos = append(v.Photos, paths.Of(paths.PortalPhoto, r.ID, id))
			}
			for _, d := range extras.Disputes[r.ID] {
				v.Disputes = append(v.Disputes, h.disputeView(&d))
			}
		}
		cards[i] = v
	}
	p := &reportPart{owed: fines.DisplayAmount(owed, currency)}
	if saved > 0 && firstDiscount != nil {
		p.savings, p.savingsUntil = fines.DisplayAmount(saved, currency), firstDiscount.Display()
	}
	if proven {
		vs, err := h.store.VehiclesOf(ctx, person)
		if err != nil {
			return nil, err
		}
		for _, v := range vs {
			p.plates = append(p.plates, views.PlateLink{Plate: v.Plate, Href: paths.LibreDeuda + "?placa_patente=" + url.QueryEscape(v.Plate)})
		}
	}
	var html strings.Builder
	if err := views.InfractionCards(cards).Render(ctx, &html); err != nil {
		return nil, err
	}
	p.cards = views.Cards{Count: len(rows), HTML: html.String()}
	return p, nil
}

// payment says how to pay a fine: the payment URL with its id and amount,
// or the instructions.
func (h *Handler) payment(id, cents int64) (href, text string) {
	if h.cfg.PaymentURL != "" {
		return strings.NewReplacer("{id}", strconv.FormatInt(id, 10), "{importe}", fines.FormatAmount(cents)).Replace(h.cfg.PaymentURL), ""
	}
	return "", h.cfg.PaymentInstructions
}

func (h *Handler) lookupRow(r *models.InfractionRow, a fines.Assessment, currency string) views.LookupRow {
	t := r.OccurredAt.In(h.cfg.Location)
	v := views.LookupRow{
		ID: r.ID, When: t.Format(views.DateTimeLayout), ISO: t.Format(time.RFC3339),
		Plate: r.Plate, Brand: r.Brand, Color: r.Color, Comments: r.Comments,
		Officer: r.OfficerName, Badge: r.OfficerBadge,
		Annulled: a.Status == fines.Anulada, VoidReason: r.VoidPublicReason,
		Code: r.Code, Description: r.Description, LegalRef: r.LegalRef, Points: r.Points,
		Place: r.Place, Status: string(a.Status), Reason: a.Reason.String(),
	}
	if a.Issued {
		v.Amount = fines.DisplayAmount(a.AmountCents, currency)
	}
	if a.ToPay != nil {
		v.ToPay = fines.DisplayAmount(*a.ToPay, currency)
		v.Deadline = deadline(a)
	}
	return v
}

// deadline is the next date that changes what a fine owes, said in full.
func deadline(a fines.Assessment) string {
	switch a.Reason.Kind {
	case fines.Discounted:
		s := "el descuento vale hasta el " + a.Reason.Date.Display()
		if a.DueDate != nil {
			s += "; vence el " + a.DueDate.Display()
		}
		return s
	case fines.FullAmount:
		return "vence el " + a.Reason.Date.Display() + "; desde el día siguiente, con recargo"
	case fines.Frozen:
		return "la resolución del descargo"
	}
	return ""
}

func (h *Handler) disputeView(d *models.Dispute) views.DisputeView {
	v := views.DisputeView{Reference: d.Reference, Status: d.Status, Filed: d.CreatedAt.In(h.cfg.Location).Format(views.DateTimeLayout), Resolution: d.Resolution}
	if d.ResolvedAt != nil {
		v.Resolved = d.ResolvedAt.In(h.cfg.Location).Format("02/01/2006")
	}
	return v
}

// owned returns the infraction id of the request when the visit proved its
// owner (the person charged with it): else a 403 page asking for the proof
// (an unknown infraction answers the same, so that ids are not probed).
func (h *Handler) owned(c *fiber.Ctx) (*models.InfractionDetail, int64, error) {
	person := h.provenPerson(c)
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if person == 0 || err != nil || id <= 0 {
		return nil, 0, proofNeeded()
	}
	i, err := h.store.InfractionByID(c.UserContext(), id)
	if err != nil || i.PersonID != person {
		return nil, 0, proofNeeded()
	}
	return i, person, nil
}

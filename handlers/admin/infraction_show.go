package admin

import (
	"errors"
	"time"

	"github.com/gofiber/fiber/v2"

	"transito/handlers/web"
	"transito/models"
	"transito/paths"
	"transito/views"
)

// infractionShow shows one infraction with its fine and the forms that
// classify, pay and annul it.
func (h *Handler) infractionShow(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	return h.renderInfraction(c, fiber.StatusOK, id, infractionForms{})
}

// infractionForms are the infraction page's forms as submitted; nil ones
// are shown empty.
type infractionForms struct {
	void     *views.VoidForm
	classify *views.ClassifyForm
	pay      *views.PaymentForm
}

func (h *Handler) renderInfraction(c *fiber.Ctx, status int, id int64, forms infractionForms) error {
	ctx := c.UserContext()
	i, err := h.store.InfractionByID(ctx, id)
	if err != nil {
		return notFound(err, "esa infracción")
	}
	t, err := h.store.Tariff(ctx)
	if err != nil {
		return err
	}
	disputes, err := h.store.DisputesOf(ctx, id)
	if err != nil {
		return err
	}
	v := views.FineView{Assessment: t.Assess(&i.InfractionRow, time.Now(), h.loc), Disputes: disputes, Types: t.Types,
		Currency: h.currency, IssuedAt: h.fmtTimePtr(i.IssuedAt)}
	if p, err := h.store.PaymentOf(ctx, id); err == nil {
		v.Payment, v.PaidAt = p, h.fmtTime(p.PaidAt)
	} else if !errors.Is(err, models.ErrNotFound) {
		return err
	}
	for _, d := range disputes {
		v.DisputeTimes = append(v.DisputeTimes, h.fmtTime(d.CreatedAt))
	}
	if forms.void == nil {
		f := views.NewVoidForm(paths.Of(paths.InfractionVoid, id), csrf(c))
		forms.void = &f
	}
	if forms.classify == nil {
		f := views.NewClassifyForm(paths.Of(paths.InfractionClassify, id), csrf(c))
		forms.classify = &f
	}
	if forms.pay == nil {
		f := h.paymentForm(c, id)
		forms.pay = &f
	}
	v.Classify, v.Pay = *forms.classify, *forms.pay
	return web.Render(c, status, views.InfractionPage(h.page(c, "Infracción "+itoa64(id), "infracciones"), i, *forms.void,
		h.fmtTime(i.OccurredAt), h.fmtTime(i.RecordedAt), v))
}

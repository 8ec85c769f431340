package admin

import (
	"errors"
	"time"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"transito/models"
	"transito/models/fines"
	"transito/models/rules"
	"transito/paths"
	"transito/views"
)

// paymentForm is the payment form of infraction id, which reads times in
// the display zone and proposes what is owed now.
func (h *Handler) paymentForm(c *fiber.Ctx, id int64) views.PaymentForm {
	f := views.NewPaymentForm(paths.Of(paths.InfractionPayment, id), csrf(c))
	f.Zone = h.zone()
	return f
}

// infractionClassify sets the type of an infraction sin tipificar: the
// fine is issued now.
func (h *Handler) infractionClassify(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	f := views.NewClassifyForm(paths.Of(paths.InfractionClassify, id), csrf(c))
	readForm(c, &f)
	issue, err := h.store.ClassifyInfraction(c.UserContext(), id, f.Code.Value, actor(c))
	if failed(&f, err) {
		t, terr := h.store.Tariff(c.UserContext())
		if terr != nil {
			return terr
		}
		types := views.FineView{Types: t.Types}.TypeOptions()
		return h.fineFormFailed(c, id, statusOf(err), views.ClassifyFormView(f, types), infractionForms{classify: &f})
	}
	if err != nil {
		return notFound(err, "esa infracción")
	}
	flash(c, "ok", "Infracción tipificada como "+issue.Type.Code+": importe "+fines.DisplayAmount(issue.AmountCents, h.currency)+".")
	return redirect(c, paths.Of(paths.Infraction, id))
}

// infractionPayment records the payment of a fine: exactly what it owed on
// the payment's date, or 422 naming that amount on the importe field.
func (h *Handler) infractionPayment(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	f := h.paymentForm(c, id)
	readForm(c, &f)
	in, err := f.Input(id, h.loc, time.Now())
	var res *models.PaymentResult
	if err == nil {
		res, err = h.store.RecordPayment(c.UserContext(), in, actor(c))
	}
	var ae *models.AmountError
	if errors.As(err, &ae) {
		err = rules.FieldErrors{rules.FieldAmount: ae.Message(h.currency)}
	}
	if failed(&f, err) {
		return h.fineFormFailed(c, id, statusOf(err), views.PaymentFormView(f), infractionForms{pay: &f})
	}
	if err != nil {
		return notFound(err, "esa infracción")
	}
	msg := "Pago registrado: " + fines.DisplayAmount(res.Payment.AmountCents, h.currency) + "."
	if res.Replayed {
		msg = "Ese pago ya estaba registrado (misma referencia)."
	}
	flash(c, "ok", msg)
	return redirect(c, paths.Of(paths.Infraction, id))
}

// fineFormFailed answers a refused classify or payment form: the fragment
// under htmx, otherwise the infraction page with the form.
func (h *Handler) fineFormFailed(c *fiber.Ctx, id int64, status int, fragment templ.Component, forms infractionForms) error {
	return formFailed(c, status, fragment, func() error { return h.renderInfraction(c, status, id, forms) })
}

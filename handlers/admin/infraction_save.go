package admin

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"transito/paths"
	"transito/views"
)

// infractionCreate registers an infraction by hand.
func (h *Handler) infractionCreate(c *fiber.Ctx) error {
	f := h.infractionForm(c)
	readForm(c, &f)
	in, err := f.Input(h.loc, time.Now())
	var id int64
	if err == nil {
		id, err = h.store.CreateInfraction(c.UserContext(), in, actor(c))
	}
	if failed(&f, err) {
		return formFailed(c, statusOf(err), views.InfractionFormView(f), func() error {
			return h.renderInfractionList(c, statusOf(err), f)
		})
	}
	if err != nil {
		return err
	}
	flash(c, "ok", "Infracción registrada.")
	return redirect(c, paths.Of(paths.Infraction, id))
}

// infractionVoid annuls an infraction with a reason.
func (h *Handler) infractionVoid(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	f := views.NewVoidForm(paths.Of(paths.InfractionVoid, id), csrf(c))
	readForm(c, &f)
	err = h.store.VoidInfraction(c.UserContext(), id, f.Reason.Value, actor(c))
	if failed(&f, err) {
		return formFailed(c, statusOf(err), views.VoidFormView(f), func() error {
			return h.renderInfraction(c, statusOf(err), id, infractionForms{void: &f})
		})
	}
	if err != nil {
		return notFound(err, "esa infracción")
	}
	flash(c, "ok", "Infracción anulada.")
	return redirect(c, paths.Of(paths.Infraction, id))
}

package admin

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"transito/models/rules"
	"transito/paths"
	"transito/views"
)

// infractionCreate registers an infraction by hand.
func (h *Handler) infractionCreate(c *fiber.Ctx) error {
	f := formOf(c, paths.Infractions, "placa_patente", "oficial", "timestamp", "comentarios")
	in := rules.InfractionInput{Plate: f.V("placa_patente"), Badge: f.V("oficial"), Comments: f.V("comentarios")}
	var err error
	if f.V("timestamp") != "" {
		in.OccurredAt, err = rules.ParseTimestamp(f.V("timestamp"), h.loc, time.Now())
		if err != nil {
			f.Errors["timestamp"] = err.Error()
		}
	}
	var id int64
	if len(f.Errors) == 0 {
		id, err = h.store.CreateInfraction(c.UserContext(), in, actor(c))
	} else {
		err = rules.FieldErrors(f.Errors)
	}
	if failed(&f, err) {
		return formFailed(c, statusOf(err), views.InfractionForm(f), func() error {
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
	f := formOf(c, c.Path(), "motivo")
	err = h.store.VoidInfraction(c.UserContext(), id, f.V("motivo"), actor(c))
	if failed(&f, err) {
		return formFailed(c, statusOf(err), views.VoidForm(f), func() error {
			return h.renderInfraction(c, statusOf(err), id, &f)
		})
	}
	if err != nil {
		return notFound(err, "esa infracción")
	}
	flash(c, "ok", "Infracción anulada.")
	return redirect(c, paths.Of(paths.Infraction, id))
}

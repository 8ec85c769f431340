package handlers

import (
	"errors"
	"time"

	"github.com/gofiber/fiber/v2"

	"transito/models"
	"transito/views"
)

// timestampMessage is the Spanish message for a rejected infraction time.
func timestampMessage(err error) string {
	switch {
	case errors.Is(err, models.ErrTimestampFuture):
		return "no puede estar más de 5 minutos en el futuro"
	case errors.Is(err, models.ErrTimestampPast):
		return "es anterior a 1970"
	case errors.Is(err, models.ErrTimestampGap), errors.Is(err, models.ErrTimestampOffset):
		return err.Error()
	default:
		return "formato no reconocido: use AAAA-MM-DD HH:MM"
	}
}

// infractionCreate registers an infraction by hand.
func (h *adminHandler) infractionCreate(c *fiber.Ctx) error {
	f := formOf(c, "/admin/infracciones", "placa_patente", "oficial", "timestamp", "comentarios")
	// The officer's number is a look-up, like a search box: cleaned the same way.
	in := models.InfractionInput{Plate: f.V("placa_patente"), Badge: models.SearchText(f.V("oficial")), Comments: f.V("comentarios")}
	var err error
	if f.V("timestamp") != "" {
		in.OccurredAt, err = models.ParseTimestamp(f.V("timestamp"), h.loc, time.Now())
		if err != nil {
			f.Errors["timestamp"] = timestampMessage(err)
		}
	}
	var id int64
	if len(f.Errors) == 0 {
		id, err = h.store.CreateInfraction(c.UserContext(), in, actor(c))
	} else {
		err = models.FieldErrors(f.Errors)
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
	return redirect(c, "/admin/infracciones/"+itoa64(id))
}

// infractionVoid annuls an infraction with a reason.
func (h *adminHandler) infractionVoid(c *fiber.Ctx) error {
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
	return redirect(c, "/admin/infracciones/"+itoa64(id))
}

package portal

import (
	"errors"
	"io"
	"time"

	"github.com/gofiber/fiber/v2"

	"transito/handlers/web"
	"transito/models"
	"transito/models/fines"
	"transito/models/rules"
	"transito/paths"
	"transito/views"
)

// descargoView is the descargo page of i as it stands now.
func (h *Handler) descargoView(c *fiber.Ctx, i *models.InfractionDetail) (views.DescargoView, error) {
	ctx := c.UserContext()
	tariff, err := h.store.Tariff(ctx)
	if err != nil {
		return views.DescargoView{}, err
	}
	a := tariff.Assess(&i.InfractionRow, time.Now(), h.cfg.Location)
	row := h.lookupRow(&i.InfractionRow, a, h.store.Locale().Currency)
	row.ActaURL = paths.Of(paths.Acta, i.ID)
	ds, err := h.store.DisputesOf(ctx, i.ID)
	if err != nil {
		return views.DescargoView{}, err
	}
	for k := range ds {
		row.Disputes = append(row.Disputes, h.disputeView(&ds[k]))
	}
	d := views.DescargoView{Row: row, Open: a.Disputable, Email: i.PersonEmail}
	if !a.Disputable {
		d.Closed = notDisputable(a)
	}
	return d, nil
}

// notDisputable says why a fine admits no descargo now.
func notDisputable(a fines.Assessment) string {
	switch {
	case a.Status == fines.EnDescargo:
		return "La infracción ya tiene un descargo en trámite."
	case a.Status == fines.Anulada:
		return "La infracción está anulada: no hace falta un descargo."
	case a.Status == fines.Pagada:
		return "La infracción ya fue pagada: no admite descargo."
	case a.Status == fines.Prescrita:
		return "La infracción está prescrita."
	case !a.Issued:
		return "La infracción todavía no tiene importe (sin tipificar): no admite descargo."
	case a.DueDate != nil:
		return "El plazo para presentar un descargo venció el " + a.DueDate.Display() + "."
	}
	return "La infracción no admite descargo."
}

// descargoForm handles GET /infracciones/{id}/descargo: the fine, its
// descargos with their resolutions, and the form when one may be filed.
func (h *Handler) descargoForm(c *fiber.Ctx) error {
	i, _, err := h.owned(c)
	if err != nil {
		return err
	}
	v, err := h.ensureVisit(c)
	if err != nil {
		return err
	}
	d, err := h.descargoView(c, i)
	if err != nil {
		return err
	}
	return web.Render(c, fiber.StatusOK, views.DescargoPage(views.Page{Title: "Presentar descargo", CSRF: v.CSRF}, d))
}

// descargoFile handles POST /infracciones/{id}/descargo [texto, email,
// adjuntos]: files the descargo with its documents (checked by their
// content: JPEG, PNG or PDF, 5 MiB each, up to 3) in one transaction. A bad
// field answers 422 with the form and every message; a fine that admits no
// descargo, 409 with the page saying why.
func (h *Handler) descargoFile(c *fiber.Ctx) error {
	i, _, err := h.owned(c)
	if err != nil {
		return err
	}
	form, err := c.MultipartForm()
	var text, email, token string
	if err == nil {
		text, email, token = first(form.Value["texto"]), first(form.Value["email"]), first(form.Value["_csrf"])
	} else {
		text, email, token = c.FormValue("texto"), c.FormValue("email"), c.FormValue("_csrf")
	}
	if err := h.checkCSRF(c, token); err != nil {
		return err
	}
	v, _ := h.visitOf(c)
	page := views.Page{Title: "Presentar descargo", CSRF: v.CSRF}
	d, err := h.descargoView(c, i)
	if err != nil {
		return err
	}
	d.Text, d.Email = text, email
	fe := rules.FieldErrors{}
	var files []models.AttachmentInput
	if form != nil {
		hs := form.File["adjuntos"]
		for _, fh := range hs {
			if fh.Size == 0 && fh.Filename == "" {
				continue // an empty file input
			}
			if fh.Size > rules.MaxFileSize {
				fe.Add("adjuntos", "«"+fh.Filename+"» supera los 5 MiB")
				continue
			}
			f, err := fh.Open()
			if err != nil {
				return err
			}
			b, err := io.ReadAll(io.LimitReader(f, rules.MaxFileSize+1))
			f.Close()
			if err != nil {
				return err
			}
			// The declared type is not believed: the store checks the bytes.
			files = append(files, models.AttachmentInput{Bytes: b})
		}
	}
	if len(fe) == 0 {
		dispute, err := h.store.FileDispute(c.UserContext(), i.ID, rules.DisputeInput{Text: text, Email: email}, files, models.CitizenActor)
		var conflict *models.ConflictError
		switch {
		case err == nil:
			d, err = h.descargoView(c, i)
			if err != nil {
				return err
			}
			d.Filed, d.Email = dispute.Reference, dispute.ContactEmail
			return web.Render(c, fiber.StatusCreated, views.DescargoPage(page, d))
		case errors.As(err, &fe):
		case errors.As(err, &conflict):
			d.Open, d.Closed = false, conflict.Message
			return web.Render(c, fiber.StatusConflict, views.DescargoPage(page, d))
		default:
			return err
		}
	}
	d.Errors = fe
	return web.Render(c, fiber.StatusUnprocessableEntity, views.DescargoPage(page, d))
}

func first(vs []string) string {
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}

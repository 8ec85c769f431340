package portal

import (
	"errors"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"transito/handlers/web"
	"transito/models"
	"transito/models/fines"
	"transito/views"
)

// verify handles GET /verificar/{code} (public, no proof): whether the
// document is genuine and what it certifies — no more than the document
// itself shows. For a libre deuda, whether it is still valid and whether a
// fine was issued since. An unknown code is a 404 page saying so.
func (h *Handler) verify(c *fiber.Ctx) error {
	ctx := c.UserContext()
	cert, err := h.store.CertificateByCode(ctx, c.Params("code"))
	if errors.Is(err, models.ErrNotFound) {
		return web.NewProblem(fiber.StatusNotFound, "No emitimos ningún documento con ese código de verificación: el documento no es auténtico, o el código está mal escrito.")
	}
	if err != nil {
		return err
	}
	v := views.Verification{Code: cert.Code, Valid: true}
	when := func(t time.Time) string { return t.In(h.cfg.Location).Format(views.DateTimeLayout) }
	switch cert.Kind {
	case models.CertActa, models.CertRecibo:
		id, _ := strconv.ParseInt(cert.Subject, 10, 64)
		i, err := h.store.InfractionByID(ctx, id)
		if err != nil {
			return err
		}
		v.Kind = "Acta de infracción"
		v.Facts = []views.Fact{{Label: "Acta", Value: "N.º " + cert.Subject}, {Label: "Fecha y hora", Value: when(i.OccurredAt)}, {Label: "Patente", Value: i.Plate}}
		if i.Code != "" {
			v.Facts = append(v.Facts, views.Fact{Label: "Infracción", Value: i.Code + " — " + i.Description})
		}
		if cert.Kind == models.CertRecibo {
			p, err := h.store.PaymentOf(ctx, id)
			if err != nil {
				return err
			}
			v.Kind = "Recibo de pago"
			v.Facts = append(v.Facts, views.Fact{Label: "Importe pagado", Value: fines.DisplayAmount(p.AmountCents, h.store.Locale().Currency)},
				views.Fact{Label: "Fecha de pago", Value: when(p.PaidAt)}, views.Fact{Label: "Referencia", Value: p.Reference})
		}
		v.Facts = append(v.Facts, views.Fact{Label: "Código emitido", Value: when(cert.IssuedAt)})
	case models.CertLibreDeuda:
		v.Kind = "Certificado de libre deuda"
		v.Facts = []views.Fact{{Label: "Patente", Value: cert.Subject}, {Label: "Emitido", Value: when(cert.IssuedAt)}, {Label: "Válido hasta", Value: when(*cert.ExpiresAt)}}
		if !time.Now().Before(*cert.ExpiresAt) {
			v.Valid = false
			v.Warning = "El certificado venció el " + when(*cert.ExpiresAt) + ": ya no acredita libre deuda."
		}
		n, err := h.store.FinesIssuedSince(ctx, cert.Subject, cert.IssuedAt)
		if err != nil {
			return err
		}
		if n > 0 {
			w := "Después de la emisión de este certificado se emitió al menos una multa a esta patente."
			if v.Warning != "" {
				w = v.Warning + " " + w
			}
			v.Warning = w
		}
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return web.Render(c, fiber.StatusOK, views.VerifyPage(views.Page{Title: "Verificación de documento"}, v))
}

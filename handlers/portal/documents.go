package portal

import (
	"bytes"
	"errors"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"transito/handlers/web"
	"transito/models"
	"transito/models/fines"
	"transito/models/rules"
	"transito/views/pdf"
)

// document is what every PDF carries besides its data: the authority, the
// public URL its QR code points into, and its verification code.
func (h *Handler) document(code string, at time.Time) pdf.Document {
	l := h.store.Locale()
	return pdf.Document{Authority: l.Authority, PublicURL: l.PublicURL, Code: code, IssuedAt: at,
		Location: h.cfg.Location, Currency: l.Currency}
}

func sendPDF(c *fiber.Ctx, name string, body []byte) error {
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, `inline; filename="`+name+`"`)
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.Send(body)
}

// acta handles GET /comprobantes/acta/{id}.pdf: the acta of an infraction
// of the proven person, with its fine as it stands today. The acta has one
// verification code, issued with its first download.
func (h *Handler) acta(c *fiber.Ctx) error {
	i, _, err := h.owned(c)
	if err != nil {
		return err
	}
	body, err := h.actaPDF(c, i, time.Now())
	if err != nil {
		return err
	}
	return sendPDF(c, "acta-"+strconv.FormatInt(i.ID, 10)+".pdf", body)
}

// actaPDF writes the acta of i at now, recording its certificate.
func (h *Handler) actaPDF(c *fiber.Ctx, i *models.InfractionDetail, now time.Time) ([]byte, error) {
	ctx := c.UserContext()
	cert, err := h.store.DocumentCertificate(ctx, models.CertActa, i.ID)
	if err != nil {
		return nil, err
	}
	tariff, err := h.store.Tariff(ctx)
	if err != nil {
		return nil, err
	}
	owner, err := h.store.PersonByID(ctx, i.PersonID)
	if err != nil {
		return nil, err
	}
	a := tariff.Assess(&i.InfractionRow, now, h.cfg.Location)
	acta := pdf.Acta{
		InfractionID: i.ID, OccurredAt: i.OccurredAt, RecordedAt: i.RecordedAt, Plate: i.Plate, Brand: i.Brand, Color: i.Color,
		Owner: owner.Name, OwnerDocument: owner.DocumentText(), Officer: i.OfficerName, OfficerBadge: i.OfficerBadge,
		TypeCode: i.Code, TypeDescription: i.Description, LegalRef: i.LegalRef, Severity: i.Severity, Points: i.Points,
		Place: i.Place, Latitude: i.Latitude, Longitude: i.Longitude, Comments: i.Comments,
		Status: string(a.Status), AmountCents: a.AmountCents, ToPayCents: a.ToPay, DiscountUntil: a.DiscountUntil, DueDate: a.DueDate,
	}
	if a.Status == fines.Anulada {
		acta.StatusNote = i.VoidPublicReason
	}
	if a.ToPay != nil {
		acta.ToPayReason = a.Reason.String()
	}
	var buf bytes.Buffer
	buf.Grow(64 << 10)
	if err := pdf.WriteActa(&buf, h.document(cert.Code, now), acta); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// recibo handles GET /comprobantes/recibo/{id}.pdf: the receipt of the
// payment of an infraction of the proven person (404 while it is unpaid).
func (h *Handler) recibo(c *fiber.Ctx) error {
	i, _, err := h.owned(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	p, err := h.store.PaymentOf(ctx, i.ID)
	if errors.Is(err, models.ErrNotFound) {
		return web.NewProblem(fiber.StatusNotFound, "La infracción "+strconv.FormatInt(i.ID, 10)+" no tiene un pago registrado: no hay recibo.")
	}
	if err != nil {
		return err
	}
	cert, err := h.store.DocumentCertificate(ctx, models.CertRecibo, i.ID)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	err = pdf.WriteRecibo(&buf, h.document(cert.Code, time.Now()), pdf.Recibo{
		PaymentID: p.ID, InfractionID: i.ID, Plate: i.Plate, Owner: i.PersonName, TypeCode: i.Code, TypeDescription: i.Description,
		OccurredAt: i.OccurredAt, AmountCents: p.AmountCents, Method: p.Method, Reference: p.Reference, PaidAt: p.PaidAt,
	})
	if err != nil {
		return err
	}
	return sendPDF(c, "recibo-"+strconv.FormatInt(i.ID, 10)+".pdf", buf.Bytes())
}

// libreDeuda handles GET /certificados/libre-deuda.pdf?placa_patente=: the
// certificate of a vehicle of the proven person, refused (409, saying why)
// while an issued fine of it is unpaid; valid 30 days.
func (h *Handler) libreDeuda(c *fiber.Ctx) error {
	person := h.provenPerson(c)
	if person == 0 {
		return proofNeeded()
	}
	ctx := c.UserContext()
	plate := rules.NormalizePlate(c.Query(rules.FieldPlate))
	if plate == "" {
		return web.ValidationProblem(rules.FieldErrors{rules.FieldPlate: "es obligatoria: la patente del vehículo"})
	}
	vs, err := h.store.VehiclesOf(ctx, person)
	if err != nil {
		return err
	}
	var owner *models.Vehicle
	for i := range vs {
		if vs[i].Plate == plate {
			owner = &vs[i]
		}
	}
	if owner == nil {
		return proofNeeded()
	}
	now := time.Now()
	cert, v, err := h.store.LibreDeuda(ctx, plate, now)
	if err != nil {
		return err
	}
	p, err := h.store.PersonByID(ctx, person)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	err = pdf.WriteLibreDeuda(&buf, h.document(cert.Code, cert.IssuedAt), pdf.LibreDeuda{
		Plate: v.Plate, Brand: v.Brand, Color: v.Color, Owner: p.Name, ExpiresAt: *cert.ExpiresAt,
	})
	if err != nil {
		return err
	}
	return sendPDF(c, "libre-deuda-"+v.Plate+".pdf", buf.Bytes())
}

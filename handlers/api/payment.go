package api

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"transito/handlers/web"
	"transito/models"
	"transito/models/fines"
	"transito/models/rules"
)

// SignatureHeader carries the payment provider's signature:
// "t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">".
const SignatureHeader = "Transito-Firma"

// SignatureWindow is how far a signature's time may be from the server's.
const SignatureWindow = 5 * time.Minute

// providerActor is who the audit log says recorded a webhook's payment.
var providerActor = models.Actor{Kind: models.ActorProvider, Name: "pasarela de pago"}

// PaymentJSON is a recorded payment as the webhook answers it.
type PaymentJSON struct {
	ID           int64  `json:"id"`
	InfractionID int64  `json:"infraccion_id"`
	Amount       string `json:"importe"`
	Currency     string `json:"moneda"`
	Reference    string `json:"referencia"`
	PaidAt       string `json:"pagado_en"`
	Status       string `json:"estado"`
}

// requirePaymentSecret makes the webhook not exist while no secret is
// configured.
func (h *Handler) requirePaymentSecret(c *fiber.Ctx) error {
	if h.cfg.PaymentSecret == "" {
		return web.NewProblem(fiber.StatusNotFound, "No existe el recurso solicitado.")
	}
	return c.Next()
}

// payment handles POST /api/v1/pagos, the payment provider's webhook:
// {"infraccion_id", "importe", "referencia", "pagado_en"}, signed (see
// SignatureHeader). The same referencia again answers the first payment;
// a fine paid under another reference is 409; an amount that is not what
// the fine owed on pagado_en is 422 naming the expected one.
func (h *Handler) payment(c *fiber.Ctx) error {
	body := c.Body()
	if len(body) > rules.MaxAPIBody {
		return web.NewProblem(fiber.StatusRequestEntityTooLarge, fmt.Sprintf("El cuerpo supera los %d KiB permitidos.", rules.MaxAPIBody>>10))
	}
	now := time.Now()
	if msg := CheckSignature(c.Get(SignatureHeader), body, h.cfg.PaymentSecret, now); msg != "" {
		return web.NewProblem(fiber.StatusUnauthorized, msg).WithHeader(fiber.HeaderWWWAuthenticate, SignatureHeader+` realm="pagos"`)
	}
	in, err := DecodePayment(body, h.cfg.Location, now)
	if err != nil {
		return err
	}
	res, err := h.store.RecordPayment(c.UserContext(), in, providerActor)
	var ae *models.AmountError
	switch {
	case errors.Is(err, models.ErrNotFound):
		return web.NewProblem(fiber.StatusNotFound, fmt.Sprintf("No hay ninguna infracción n.º %d.", in.InfractionID))
	case errors.As(err, &ae):
		p := web.NewProblem(fiber.StatusUnprocessableEntity, fmt.Sprintf("El importe %s no es el que se debía el %s: %s %s.",
			fines.FormatAmount(in.AmountCents), ae.On.String(), fines.FormatAmount(ae.Expected), h.cfg.Currency))
		p.Errors = map[string]string{rules.FieldAmount: ae.Message(h.cfg.Currency)}
		return p
	case err != nil:
		return err
	}
	if res.Replayed {
		c.Set("Idempotent-Replayed", "true")
	}
	p := res.Payment
	return c.JSON(PaymentJSON{ID: p.ID, InfractionID: p.InfractionID, Amount: fines.FormatAmount(p.AmountCents), Currency: h.cfg.Currency,
		Reference: p.Reference, PaidAt: h.formatTime(p.PaidAt), Status: models.StatusPaid})
}

// Sign is the signature header value for body at t with secret: what a
// payment provider sends (and the tests and the README's example compute).
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac(secret, ts, body))
}

func mac(secret, ts string, body []byte) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}

// CheckSignature returns a Spanish message when header does not sign body
// with secret within SignatureWindow of now, or "" when it does. Several
// v1 values may be given (a provider rotating its secret): one must match.
func CheckSignature(header string, body []byte, secret string, now time.Time) string {
	if strings.TrimSpace(header) == "" {
		return "Falta la firma: envíe el encabezado " + SignatureHeader + ": t=<segundos Unix>,v1=<HMAC-SHA256 en hexadecimal>."
	}
	var ts string
	var sigs [][]byte
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			if b, err := hex.DecodeString(v); err == nil {
				sigs = append(sigs, b)
			}
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || len(sigs) == 0 {
		return "La firma está mal formada: se espera t=<segundos Unix>,v1=<HMAC-SHA256 en hexadecimal>."
	}
	if d := now.Unix() - sec; d > int64(SignatureWindow/time.Second) || d < -int64(SignatureWindow/time.Second) {
		return "La firma está fuera de la ventana de 5 minutos: revise el reloj del emisor."
	}
	want := mac(secret, ts, body)
	for _, s := range sigs {
		if hmac.Equal(s, want) {
			return ""
		}
	}
	return "La firma no corresponde al cuerpo enviado."
}

// paymentMembers are the members of the webhook's body.
var paymentMembers = []string{rules.FieldInfractionID, rules.FieldAmount, rules.FieldReference, rules.FieldPaidAt}

// DecodePayment reads and validates the webhook's body received at now:
// infraccion_id a positive integer, importe a decimal ("22500.00", as a
// text or a number), referencia a text, pagado_en (optional: the time of
// receipt) a time as the officer API takes them. Every problem is a 400
// naming the fields.
func DecodePayment(body []byte, loc *time.Location, now time.Time) (rules.PaymentInput, error) {
	in := rules.PaymentInput{Method: models.MethodGateway, PaidAt: now}
	fields, fe, ok := decodeMembers(body, paymentMembers)
	if !ok {
		return in, web.NewProblem(fiber.StatusBadRequest, `El cuerpo debe ser un objeto JSON: {"infraccion_id": 1, "importe": "22500.00", "referencia": "...", "pagado_en": "..."}.`)
	}
	switch raw, ok := fields[rules.FieldInfractionID]; {
	case !ok || isNull(raw):
		fe.Add(rules.FieldInfractionID, "es obligatorio")
	default:
		var n json.Number
		id, err := int64(0), json.Unmarshal(raw, &n)
		if err == nil && raw[0] != '"' {
			id, err = n.Int64()
		}
		if err != nil || raw[0] == '"' || id <= 0 {
			fe.Add(rules.FieldInfractionID, "debe ser un número entero positivo")
		}
		in.InfractionID = id
	}
	switch raw, ok := fields[rules.FieldAmount]; {
	case !ok || isNull(raw):
		fe.Add(rules.FieldAmount, "es obligatorio")
	default:
		text := string(raw)
		if raw[0] == '"' && json.Unmarshal(raw, &text) != nil {
			text = ""
		}
		cents, ok := fines.ParseDecimal(text)
		if !ok || cents == 0 {
			fe.Add(rules.FieldAmount, `debe ser un importe positivo con hasta dos decimales y punto decimal, como "22500.00"`)
		}
		in.AmountCents = cents
	}
	switch raw, ok := fields[rules.FieldReference]; {
	case !ok || isNull(raw):
		fe.Add(rules.FieldReference, "es obligatoria")
	default:
		if json.Unmarshal(raw, &in.Reference) != nil {
			fe.Add(rules.FieldReference, "debe ser un texto")
		}
	}
	if raw, ok := fields[rules.FieldPaidAt]; ok && !isNull(raw) {
		t, msg := decodeTimestamp(raw, loc, now)
		if msg != "" {
			fe.Add(rules.FieldPaidAt, msg)
		}
		in.PaidAt = t
	}
	if len(fe) == 0 {
		for k, v := range in.Clean(now) {
			fe.Add(k, v)
		}
	}
	if len(fe) > 0 {
		return in, web.ValidationProblem(fe)
	}
	return in, nil
}

package rules

import (
	"math"
	"slices"
	"strings"
	"time"

	"transito/models/fines"
)

// Limits of what a fine's inputs carry.
const (
	MaxPlaceLen      = 200
	MaxReferenceLen  = 100
	MaxDisputeLen    = 5000
	MaxResolutionLen = 5000
)

// Place is where an infraction happened: coordinates (both or neither) and
// a description, at least one of the two.
type Place struct {
	Lat, Lon    *float64
	Description string
}

// IsZero reports whether the place says nothing.
func (p Place) IsZero() bool { return p.Lat == nil && p.Lon == nil && p.Description == "" }

// PlaceRule says what ubicacion must hold.
const PlaceRule = `debe tener las coordenadas («lat» y «lon»), la descripción («descripcion») o las tres`

// CheckPlace trims the description and returns a Spanish message when the
// place breaks a rule: lat in [-90, 90], lon in [-180, 180], both or
// neither, a description of at most MaxPlaceLen characters, and something
// given.
func CheckPlace(p *Place) string {
	p.Description = strings.TrimSpace(p.Description)
	finite := func(v *float64) bool { return !math.IsNaN(*v) && !math.IsInf(*v, 0) }
	switch {
	case (p.Lat == nil) != (p.Lon == nil):
		return "las coordenadas van juntas: «lat» y «lon», o ninguna"
	case p.Lat != nil && (!finite(p.Lat) || *p.Lat < -90 || *p.Lat > 90):
		return "«lat» debe estar entre -90 y 90"
	case p.Lon != nil && (!finite(p.Lon) || *p.Lon < -180 || *p.Lon > 180):
		return "«lon» debe estar entre -180 y 180"
	case p.IsZero():
		return PlaceRule
	}
	if msg := checkText(p.Description, MaxPlaceLen, false); msg != "" {
		return "«descripcion» " + msg
	}
	return ""
}

// PaymentMethods are the ways a fine is paid, as payments.method stores them.
var PaymentMethods = []string{"efectivo", "transferencia", "tarjeta", "pasarela"}

// PaymentInput is a payment as the panel and the provider's webhook submit
// it: the amount in cents, the method, the provider's or the receipt's
// reference, and when it was paid.
type PaymentInput struct {
	InfractionID int64
	AmountCents  int64
	Method       string
	Reference    string
	PaidAt       time.Time
}

// Clean normalises the input and validates it against now (a payment is
// not in the future).
func (in *PaymentInput) Clean(now time.Time) FieldErrors {
	fe := FieldErrors{}
	in.Method = strings.ToLower(strings.TrimSpace(in.Method))
	in.Reference = strings.TrimSpace(in.Reference)
	if in.InfractionID <= 0 {
		fe.Add(FieldInfractionID, "es obligatorio")
	}
	switch {
	case in.AmountCents <= 0:
		fe.Add(FieldAmount, "debe ser mayor que cero")
	case in.AmountCents > fines.MaxCents:
		fe.Add(FieldAmount, "es demasiado grande")
	}
	if !slices.Contains(PaymentMethods, in.Method) {
		fe.Add(FieldMethod, "debe ser efectivo, transferencia, tarjeta o pasarela")
	}
	switch {
	case in.Reference == "":
		fe.Add(FieldReference, "es obligatoria: el número de recibo, de operación o de la pasarela")
	default:
		if msg := checkText(in.Reference, MaxReferenceLen, false); msg != "" {
			fe.Add(FieldReference, msg)
		}
	}
	switch {
	case in.PaidAt.IsZero():
		fe.Add(FieldPaidAt, "es obligatorio")
	case in.PaidAt.After(now.Add(MaxClockSkew)):
		fe.Add(FieldPaidAt, "no puede estar en el futuro")
	}
	return fe
}

// DisputeInput is a descargo as the portal submits it.
type DisputeInput struct {
	Text  string `json:"texto"`
	Email string `json:"email"`
}

// Clean normalises the input and validates it.
func (in *DisputeInput) Clean() FieldErrors {
	fe := FieldErrors{}
	in.Text = strings.TrimSpace(in.Text)
	in.Email = NormalizeEmail(in.Email)
	if in.Text == "" {
		fe.Add(FieldText, "es obligatorio: explique el descargo")
	} else if msg := checkText(in.Text, MaxDisputeLen, true); msg != "" {
		fe.Add(FieldText, msg)
	}
	switch {
	case in.Email == "":
		fe.Add(FieldEmail, "es obligatorio: un correo para avisarle la resolución")
	case !ValidEmail(in.Email):
		fe.Add(FieldEmail, "no es una dirección de correo válida")
	}
	return fe
}

// The decisions on a descargo.
const (
	DecisionAccept = "aceptar"
	DecisionReject = "rechazar"
)

// ResolutionInput is a supervisor's decision on a descargo, with the
// written resolution the citizen sees.
type ResolutionInput struct {
	Decision   string `json:"decision"`
	Resolution string `json:"resolucion"`
}

// Clean normalises the input and validates it.
func (in *ResolutionInput) Clean() FieldErrors {
	fe := FieldErrors{}
	in.Decision = strings.ToLower(strings.TrimSpace(in.Decision))
	in.Resolution = strings.TrimSpace(in.Resolution)
	if in.Decision != DecisionAccept && in.Decision != DecisionReject {
		fe.Add(FieldDecision, "debe ser aceptar o rechazar")
	}
	if in.Resolution == "" {
		fe.Add(FieldResolution, "es obligatoria: la resolución escrita que verá el ciudadano")
	} else if msg := checkText(in.Resolution, MaxResolutionLen, true); msg != "" {
		fe.Add(FieldResolution, msg)
	}
	return fe
}

// UnitValueInput is the value of one fixed unit from a date on.
type UnitValueInput struct {
	From  fines.Date
	Cents int64
}

// Clean validates the input.
func (in *UnitValueInput) Clean() FieldErrors {
	fe := FieldErrors{}
	if in.From.IsZero() || in.From.Year < 2000 || in.From.Year > 9999 {
		fe.Add(FieldFrom, "es obligatoria: la fecha desde la que rige (AAAA-MM-DD)")
	}
	switch {
	case in.Cents <= 0:
		fe.Add(FieldValue, "debe ser mayor que cero")
	case in.Cents > fines.MaxCents/MaxUnits:
		fe.Add(FieldValue, "es demasiado grande")
	}
	return fe
}

// Limits of attachments: an infraction's evidence photos and a descargo's
// documents, each at most MaxFileSize bytes.
const (
	MaxFileSize     = 5 << 20
	MaxPhotos       = 5
	MaxDisputeFiles = 3
)

// The file types attachments may have.
const (
	TypeJPEG = "image/jpeg"
	TypePNG  = "image/png"
	TypePDF  = "application/pdf"
)

// DetectFileType says what b is by its first bytes — TypeJPEG, TypePNG,
// TypePDF — or "" for anything else, whatever its name or declared type.
func DetectFileType(b []byte) string {
	switch {
	case len(b) >= 3 && b[0] == 0xff && b[1] == 0xd8 && b[2] == 0xff:
		return TypeJPEG
	case len(b) >= 8 && string(b[:8]) == "\x89PNG\r\n\x1a\n":
		return TypePNG
	case len(b) >= 5 && string(b[:5]) == "%PDF-":
		return TypePDF
	}
	return ""
}

// Package rules holds the registry's rules that need no database: the
// limits, normalisation and validation of what people submit (persons,
// vehicles, officers, administrators, infractions), infraction times and the
// import file format. The store, the panel, the API and the CLI all call
// them, so that each rule and each message is written once.
package rules

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on free text, in characters.
const (
	maxNameLen       = 200
	maxShortLen      = 60
	MaxCommentsLen   = 2000
	MaxRawPlateLen   = 32
	maxVoidReasonLen = 500
)

var (
	plateRE = regexp.MustCompile(`^[A-Z0-9]{2,10}$`)
	// emailRE is the HTML living standard's e-mail rule, with a dot required in
	// the domain: what a browser's type=email accepts, minus intranet names.
	emailRE = regexp.MustCompile("^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$")
)

// NormalizePlate upper-cases a plate and removes spaces and dashes (any
// Unicode space or dash, so that lookalikes collapse to one spelling), and
// maps full-width letters and digits to ASCII.
func NormalizePlate(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case unicode.IsSpace(r), unicode.Is(unicode.Pd, r), r == '\u00ad', r == '\u200b':
			continue
		case r >= '\uff01' && r <= '\uff5e':
			r -= 0xfee0
		}
		b.WriteRune(unicode.ToUpper(r))
	}
	return b.String()
}

// ValidPlate reports whether a normalised plate has the registry's shape:
// 2 to 10 letters A–Z or digits.
func ValidPlate(plate string) bool { return plateRE.MatchString(plate) }

// checkPlate validates a normalised plate of the registry.
func checkPlate(fe FieldErrors, plate string) {
	switch {
	case plate == "":
		fe.Add(FieldPlate, "es obligatoria")
	case !ValidPlate(plate):
		fe.Add(FieldPlate, "debe tener de 2 a 10 letras (A–Z) o dígitos; se ignoran espacios y guiones")
	}
}

// NormalizeBadge trims an officer's badge and upper-cases it.
func NormalizeBadge(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

// NormalizeEmail trims and lower-cases an address.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// ValidEmail reports whether a normalised address is well formed.
func ValidEmail(email string) bool {
	return len(email) <= 254 && emailRE.MatchString(email)
}

// checkText validates a free-text field: valid UTF-8, no control characters
// (newlines and tabs allowed where multiline is true), at most max characters.
// It returns a Spanish message, or "" when the text is acceptable.
func checkText(s string, max int, multiline bool) string {
	if !utf8.ValidString(s) {
		return "contiene caracteres no válidos (UTF-8 inválido)"
	}
	for _, r := range s {
		if r == '\n' || r == '\r' || r == '\t' {
			if multiline {
				continue
			}
			return "no puede contener saltos de línea ni tabulaciones"
		}
		if unicode.IsControl(r) {
			return "contiene caracteres de control no permitidos"
		}
	}
	if n := utf8.RuneCountInString(s); n > max {
		return TooLong(max)
	}
	return ""
}

// TooLong is the message for a text over max characters.
func TooLong(max int) string { return "no puede superar los " + strconv.Itoa(max) + " caracteres" }

func requiredText(fe FieldErrors, field, value string, max int) {
	if value == "" {
		fe.Add(field, "es obligatorio")
		return
	}
	if msg := checkText(value, max, false); msg != "" {
		fe.Add(field, msg)
	}
}

// PersonInput is a person as the panel, the import and the CLI submit it.
// Document is optional.
type PersonInput struct {
	Name     string `json:"nombre"`
	Email    string `json:"email"`
	Document string `json:"documento"`
}

// Clean normalises the input and validates it.
func (in *PersonInput) Clean() FieldErrors {
	fe := FieldErrors{}
	in.Name = strings.TrimSpace(in.Name)
	in.Email = NormalizeEmail(in.Email)
	in.Document = NormalizeDocument(in.Document)
	requiredText(fe, FieldName, in.Name, maxNameLen)
	switch {
	case in.Email == "":
		fe.Add(FieldEmail, "es obligatorio")
	case !ValidEmail(in.Email):
		fe.Add(FieldEmail, "no es una dirección de correo válida")
	}
	if in.Document != "" && !ValidDocument(in.Document) {
		fe.Add(FieldDocument, DocumentRule)
	}
	return fe
}

var documentRE = regexp.MustCompile(`^[A-Z0-9]{6,20}$`)

// DocumentRule says what a document looks like, for the form's hint and
// the error beside it.
const DocumentRule = "debe tener de 6 a 20 letras (A–Z) o dígitos; se ignoran puntos, espacios y guiones"

// NormalizeDocument writes an identity document (DNI, CUIT, passport) one
// way: upper case, without dots, spaces or dashes ("20.123.456" and
// "20 123 456" are "20123456"; "20-12345678-9" is "20123456789").
func NormalizeDocument(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '.', unicode.IsSpace(r), unicode.Is(unicode.Pd, r), r == '\u00ad', r == '\u200b':
			continue
		case r >= '\uff01' && r <= '\uff5e':
			r -= 0xfee0
		}
		b.WriteRune(unicode.ToUpper(r))
	}
	return b.String()
}

// ValidDocument reports whether a normalised document has the registry's
// shape: 6 to 20 letters A–Z or digits.
func ValidDocument(doc string) bool { return documentRE.MatchString(doc) }

// VehicleInput is a vehicle as the panel and the import submit it.
type VehicleInput struct {
	Plate    string `json:"placa_patente"`
	Brand    string `json:"marca"`
	Color    string `json:"color"`
	PersonID int64  `json:"persona_id"`
}

// Clean normalises the input and validates it. The owner is checked only for
// presence; whether the person exists is the store's concern.
func (in *VehicleInput) Clean() FieldErrors {
	fe := FieldErrors{}
	in.Plate = NormalizePlate(in.Plate)
	in.Brand = strings.TrimSpace(in.Brand)
	in.Color = strings.TrimSpace(in.Color)
	checkPlate(fe, in.Plate)
	// Brand and colour may be unknown (an import with blank cells).
	if msg := checkText(in.Brand, maxShortLen, false); msg != "" {
		fe.Add(FieldBrand, msg)
	}
	if msg := checkText(in.Color, maxShortLen, false); msg != "" {
		fe.Add(FieldColor, msg)
	}
	if in.PersonID <= 0 {
		fe.Add(FieldOwner, "es obligatorio: elija el titular")
	}
	return fe
}

// OfficerInput is an officer as the panel and the CLI submit it.
type OfficerInput struct {
	Name   string `json:"nombre"`
	Badge  string `json:"numero"`
	Active bool   `json:"activo"`
}

var badgeRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._/-]{0,39}$`)

// Clean normalises the input and validates it.
func (in *OfficerInput) Clean() FieldErrors {
	fe := FieldErrors{}
	in.Name = strings.TrimSpace(in.Name)
	in.Badge = NormalizeBadge(in.Badge)
	requiredText(fe, FieldName, in.Name, maxNameLen)
	switch {
	case in.Badge == "":
		fe.Add(FieldBadge, "es obligatorio")
	case !badgeRE.MatchString(in.Badge):
		fe.Add(FieldBadge, "debe tener de 1 a 40 letras, dígitos o los signos . _ / - (sin espacios)")
	}
	return fe
}

// CheckComments validates an infraction's comments.
func CheckComments(s string) string { return checkText(s, MaxCommentsLen, true) }

package views

import (
	"strconv"
	"strings"

	"transito/models"
	"transito/models/fines"
)

// FineView is the fine of an infraction as its panel page shows it: the
// assessment today, its payment and descargos, the forms that classify and
// pay it, and the catalogue's active types to classify with.
type FineView struct {
	Assessment fines.Assessment
	Payment    *models.Payment
	Disputes   []models.Dispute
	Types      []models.InfractionType
	Classify   ClassifyForm
	Pay        PaymentForm
	Currency   string
	// IssuedAt, PaidAt and the disputes' times, in the display zone.
	IssuedAt, PaidAt string
	DisputeTimes     []string
}

// Money writes cents for people in the view's currency.
func (v FineView) Money(cents int64) string { return fines.DisplayAmount(cents, v.Currency) }

// Status is the effective status today, sin_tipificar for an infraction
// in force without a type.
func (v FineView) Status() string {
	if !v.Assessment.Issued && v.Assessment.Status == fines.Vigente {
		return models.FilterUnclassified
	}
	return string(v.Assessment.Status)
}

// ToPay is a_pagar today with its reason, "—" when nothing is owed.
func (v FineView) ToPay() string {
	if v.Assessment.ToPay == nil {
		return "— (" + v.Assessment.Reason.String() + ")"
	}
	return v.Money(*v.Assessment.ToPay) + " (" + v.Assessment.Reason.String() + ")"
}

// Payable says whether the payment form is shown: something is owed today
// and no descargo is pending.
func (v FineView) Payable() bool {
	return v.Assessment.ToPay != nil && v.Assessment.Status == fines.Vigente && v.Payment == nil
}

// Classifiable says whether the classify form is shown: sin tipificar and
// not annulled.
func (v FineView) Classifiable(i *models.InfractionDetail) bool {
	return !v.Assessment.Issued && i.Status == models.StatusValid
}

// TypeOptions are the active types, for the classify form's select.
func (v FineView) TypeOptions() []Option {
	opts := []Option{{"", "Elija un tipo…"}}
	for _, t := range v.Types {
		if t.Active {
			opts = append(opts, Option{t.Code, t.Code + " — " + t.Description + " (" + SeverityLabel(t.Severity) + ", " + strconv.Itoa(t.Units) + " UF)"})
		}
	}
	return opts
}

// PaymentMethodOptions are the ways a payment is recorded.
func PaymentMethodOptions() []Option {
	return []Option{{"efectivo", "Efectivo"}, {"transferencia", "Transferencia"}, {"tarjeta", "Tarjeta"}, {"pasarela", "Pasarela de pago"}}
}

var severityLabels = map[string]string{"leve": "Leve", "grave": "Grave", "gravisima": "Gravísima"}

// SeverityLabel names a severity for people.
func SeverityLabel(s string) string {
	if l, ok := severityLabels[s]; ok {
		return l
	}
	return s
}

// SeverityOptions are the severities, for forms; first is the label of the
// empty choice ("" for none).
func SeverityOptions(first string) []Option {
	var opts []Option
	if first != "" {
		opts = append(opts, Option{"", first})
	}
	return append(opts, Option{"leve", "Leve"}, Option{"grave", "Grave"}, Option{"gravisima", "Gravísima"})
}

// DisputeLabel names a descargo's status for people.
func DisputeLabel(s string) string {
	switch s {
	case "pendiente":
		return "Pendiente"
	case "aceptado":
		return "Aceptado"
	case "rechazado":
		return "Rechazado"
	}
	return s
}

// OSMLink is the OpenStreetMap page of a point: a plain link, nothing is
// loaded from outside.
func OSMLink(lat, lon float64) string {
	la, lo := coord(lat), coord(lon)
	return "https://www.openstreetmap.org/?mlat=" + la + "&mlon=" + lo + "#map=18/" + la + "/" + lo
}

// Coordinates writes a point for people.
func Coordinates(lat, lon float64) string { return coord(lat) + ", " + coord(lon) }

func coord(f float64) string {
	s := strconv.FormatFloat(f, 'f', 6, 64)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// DateOrDash writes a deadline, "—" when there is none.
func DateOrDash(d *fines.Date) string {
	if d == nil {
		return "—"
	}
	return d.Display()
}

// SettingNames are the settings of "Tarifas y plazos" in the order the form
// shows them.
var SettingNames = []string{
	fines.SettingDiscountPct, fines.SettingDiscountDays, fines.SettingDueDays, fines.SettingSurchargePct,
	fines.SettingDisputeEndsDiscount, fines.SettingDisputeExtensionDays,
	fines.SettingPrescriptionLeve, fines.SettingPrescriptionGrave, fines.SettingPrescriptionGravisima,
}

var settingLabels = map[string][2]string{
	fines.SettingDiscountPct:           {"Descuento por pago temprano (%)", "Se descuenta del importe hasta «descuento hasta»."},
	fines.SettingDiscountDays:          {"Días con descuento", "Desde la fecha de emisión; el último día cuenta."},
	fines.SettingDueDays:               {"Días hasta el vencimiento", "Desde la fecha de emisión; luego rige el recargo."},
	fines.SettingSurchargePct:          {"Recargo después del vencimiento (%)", ""},
	fines.SettingDisputeEndsDiscount:   {"Un descargo hace perder el descuento", ""},
	fines.SettingDisputeExtensionDays:  {"Prórroga tras un descargo rechazado (días)", "El vencimiento pasa a ser al menos la fecha del rechazo más estos días."},
	fines.SettingPrescriptionLeve:      {"Prescripción de las leves (años)", "Desde la fecha de la infracción."},
	fines.SettingPrescriptionGrave:     {"Prescripción de las graves (años)", ""},
	fines.SettingPrescriptionGravisima: {"Prescripción de las gravísimas (años)", ""},
}

// SettingLabel and SettingHint describe a setting for people.
func SettingLabel(name string) string { return settingLabels[name][0] }

// SettingHint is the help text under a setting's input.
func SettingHint(name string) string { return settingLabels[name][1] }

// infractionStatusOptions are the infraction list's estado filter: every
// status as a person sees it, and sin tipificar.
func infractionStatusOptions() []Option {
	opts := []Option{{"", "Todos"}}
	for _, s := range models.InfractionStatusFilters {
		opts = append(opts, Option{s, StatusLabel(s)})
	}
	return opts
}

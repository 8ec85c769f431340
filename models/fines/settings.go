package fines

import "strconv"

// The names of the settings, as the panel form "Tarifas y plazos" names its
// fields and as Validate keys its messages.
const (
	SettingDiscountPct           = "descuento_pct"
	SettingDiscountDays          = "descuento_dias"
	SettingDueDays               = "vencimiento_dias"
	SettingSurchargePct          = "recargo_pct"
	SettingDisputeEndsDiscount   = "descargo_pierde_descuento"
	SettingDisputeExtensionDays  = "descargo_prorroga_dias"
	SettingPrescriptionLeve      = "prescripcion_anios_leve"
	SettingPrescriptionGrave     = "prescripcion_anios_grave"
	SettingPrescriptionGravisima = "prescripcion_anios_gravisima"
)

// Limits of the settings, inclusive.
const (
	MaxDiscountPct   = 99   // 100 % would make the fine free: that is an annulment
	MaxSurchargePct  = 1000 // ten times the amount
	MaxDueDays       = 3650 // ten years
	MaxExtensionDays = 365
	MaxPrescription  = 30 // years
)

// Settings are the deadlines and percentages of "Tarifas y plazos".
// Percentages are whole percents (50 means 50 %); days are calendar days.
type Settings struct {
	DiscountPct          int  // descuento_pct: the discount while paying early
	DiscountDays         int  // descuento_dias: descuento_hasta = issue date + this
	DueDays              int  // vencimiento_dias: vencimiento = issue date + this
	SurchargePct         int  // recargo_pct: the surcharge from the day after vencimiento
	DisputeEndsDiscount  bool // descargo_pierde_descuento: filing a descargo ends the discount
	DisputeExtensionDays int  // descargo_prorroga_dias: a rejection moves vencimiento to at least the rejection date + this

	PrescriptionLeve      int // prescripcion_anios_leve: years from the infraction's date
	PrescriptionGrave     int // prescripcion_anios_grave
	PrescriptionGravisima int // prescripcion_anios_gravisima
}

// DefaultSettings returns the settings DESIGN.md gives: 50 % off for 20
// days, due in 60, 20 % surcharge after, a descargo ends the discount and a
// rejection gives 15 more days, prescription after 2, 5 and 5 years.
func DefaultSettings() Settings {
	return Settings{
		DiscountPct:           50,
		DiscountDays:          20,
		DueDays:               60,
		SurchargePct:          20,
		DisputeEndsDiscount:   true,
		DisputeExtensionDays:  15,
		PrescriptionLeve:      2,
		PrescriptionGrave:     5,
		PrescriptionGravisima: 5,
	}
}

// PrescriptionYears returns the prescription term of a severity, or 0 for
// an unknown one (which then never prescribes).
func (s Settings) PrescriptionYears(sev Severity) int {
	switch sev {
	case Leve:
		return s.PrescriptionLeve
	case Grave:
		return s.PrescriptionGrave
	case Gravisima:
		return s.PrescriptionGravisima
	}
	return 0
}

// Validate checks every setting and returns a Spanish message per setting
// name that is out of range (all of them at once); an empty map means the
// settings are valid. The map converts to models.FieldErrors.
func (s Settings) Validate() map[string]string {
	fe := map[string]string{}
	between := func(name string, v, lo, hi int, unit string) {
		if v < lo || v > hi {
			fe[name] = "debe estar entre " + strconv.Itoa(lo) + " y " + strconv.Itoa(hi) + unit
		}
	}
	between(SettingDiscountPct, s.DiscountPct, 0, MaxDiscountPct, " %")
	between(SettingSurchargePct, s.SurchargePct, 0, MaxSurchargePct, " %")
	between(SettingDueDays, s.DueDays, 1, MaxDueDays, " días")
	between(SettingDiscountDays, s.DiscountDays, 0, MaxDueDays, " días")
	if _, bad := fe[SettingDiscountDays]; !bad && s.DiscountDays > s.DueDays && s.DueDays >= 1 {
		fe[SettingDiscountDays] = "no puede superar el plazo de vencimiento (" + strconv.Itoa(s.DueDays) + " días)"
	}
	between(SettingDisputeExtensionDays, s.DisputeExtensionDays, 0, MaxExtensionDays, " días")
	between(SettingPrescriptionLeve, s.PrescriptionLeve, 1, MaxPrescription, " años")
	between(SettingPrescriptionGrave, s.PrescriptionGrave, 1, MaxPrescription, " años")
	between(SettingPrescriptionGravisima, s.PrescriptionGravisima, 1, MaxPrescription, " años")
	return fe
}

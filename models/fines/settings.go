package fines

import (
	"strconv"
	"strings"
)

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

// settingFields pairs each setting's name with its place in Settings.
func (s *Settings) settingFields() (ints map[string]*int, bools map[string]*bool) {
	return map[string]*int{
			SettingDiscountPct:           &s.DiscountPct,
			SettingDiscountDays:          &s.DiscountDays,
			SettingDueDays:               &s.DueDays,
			SettingSurchargePct:          &s.SurchargePct,
			SettingDisputeExtensionDays:  &s.DisputeExtensionDays,
			SettingPrescriptionLeve:      &s.PrescriptionLeve,
			SettingPrescriptionGrave:     &s.PrescriptionGrave,
			SettingPrescriptionGravisima: &s.PrescriptionGravisima,
		}, map[string]*bool{
			SettingDisputeEndsDiscount: &s.DisputeEndsDiscount,
		}
}

// Values writes the settings by name, as the database stores them and the
// form shows them: whole numbers, and "1" or "0" for a yes or no.
func (s Settings) Values() map[string]string {
	ints, bools := s.settingFields()
	out := make(map[string]string, len(ints)+len(bools))
	for name, p := range ints {
		out[name] = strconv.Itoa(*p)
	}
	for name, p := range bools {
		out[name] = "0"
		if *p {
			out[name] = "1"
		}
	}
	return out
}

// ParseSettings reads settings by name (Values' form; a yes or no may also
// be true/false, sí/no) over base: a name that values lacks keeps base's
// setting, and a name that is not a setting is ignored. It returns the
// settings and, by name, a Spanish message for each value that is not a
// whole number or a yes or no, and each setting Validate refuses.
func ParseSettings(base Settings, values map[string]string) (Settings, map[string]string) {
	s := base
	fe := map[string]string{}
	ints, bools := s.settingFields()
	for name, p := range ints {
		v, ok := values[name]
		if !ok {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			fe[name] = "debe ser un número entero"
			continue
		}
		*p = n
	}
	for name, p := range bools {
		v, ok := values[name]
		if !ok {
			continue
		}
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "1", "true", "sí", "si", "on", "yes":
			*p = true
		case "0", "false", "no", "off", "":
			*p = false
		default:
			fe[name] = "debe ser sí o no"
		}
	}
	for name, msg := range s.Validate() {
		if _, bad := fe[name]; !bad {
			fe[name] = msg
		}
	}
	return s, fe
}

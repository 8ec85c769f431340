package fines

import "testing"

func TestSettingsValuesRoundTrip(t *testing.T) {
	s := DefaultSettings()
	s.DisputeEndsDiscount = false
	s.PrescriptionGrave = 7
	v := s.Values()
	if len(v) != 9 || v[SettingDisputeEndsDiscount] != "0" || v[SettingPrescriptionGrave] != "7" || v[SettingDiscountPct] != "50" {
		t.Fatalf("Values() = %v", v)
	}
	got, fe := ParseSettings(Settings{}, v)
	if len(fe) != 0 || got != s {
		t.Errorf("ParseSettings(Values()) = %+v, %v; want %+v", got, fe, s)
	}
}

func TestParseSettings(t *testing.T) {
	base := DefaultSettings()
	for _, tt := range []struct {
		name   string
		values map[string]string
		want   func(*Settings)
		errs   []string
	}{
		{"nothing keeps the base", nil, func(*Settings) {}, nil},
		{"one number", map[string]string{SettingDueDays: " 90 "}, func(s *Settings) { s.DueDays = 90 }, nil},
		{"yes and no", map[string]string{SettingDisputeEndsDiscount: "no"}, func(s *Settings) { s.DisputeEndsDiscount = false }, nil},
		{"an unchecked box", map[string]string{SettingDisputeEndsDiscount: ""}, func(s *Settings) { s.DisputeEndsDiscount = false }, nil},
		{"unknown names ignored", map[string]string{"otra": "x"}, func(*Settings) {}, nil},
		{"not numbers", map[string]string{SettingDiscountPct: "50%", SettingDisputeEndsDiscount: "quizás"}, func(*Settings) {},
			[]string{SettingDiscountPct, SettingDisputeEndsDiscount}},
		{"out of range", map[string]string{SettingDiscountPct: "100", SettingPrescriptionLeve: "0"},
			func(s *Settings) { s.DiscountPct, s.PrescriptionLeve = 100, 0 }, []string{SettingDiscountPct, SettingPrescriptionLeve}},
		{"discount longer than the due date", map[string]string{SettingDiscountDays: "61"},
			func(s *Settings) { s.DiscountDays = 61 }, []string{SettingDiscountDays}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			want := base
			tt.want(&want)
			got, fe := ParseSettings(base, tt.values)
			if got != want {
				t.Errorf("settings %+v, want %+v", got, want)
			}
			if len(fe) != len(tt.errs) {
				t.Errorf("errors %v, want on %v", fe, tt.errs)
			}
			for _, name := range tt.errs {
				if fe[name] == "" {
					t.Errorf("no error on %s: %v", name, fe)
				}
			}
		})
	}
}

package fines

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestFormatAmount(t *testing.T) {
	tests := []struct {
		cents   int64
		json    string
		display string
		eur     string
	}{
		{4500000, "45000.00", "$ 45.000,00", "45.000,00 EUR"},
		{0, "0.00", "$ 0,00", "0,00 EUR"},
		{5, "0.05", "$ 0,05", "0,05 EUR"},
		{99, "0.99", "$ 0,99", "0,99 EUR"},
		{100, "1.00", "$ 1,00", "1,00 EUR"},
		{123456789, "1234567.89", "$ 1.234.567,89", "1.234.567,89 EUR"},
		{-50, "-0.50", "-$ 0,50", "-0,50 EUR"},
		{-4500050, "-45000.50", "-$ 45.000,50", "-45.000,50 EUR"},
		{math.MaxInt64, "92233720368547758.07", "$ 92.233.720.368.547.758,07", ""},
		{math.MinInt64, "-92233720368547758.08", "-$ 92.233.720.368.547.758,08", ""},
	}
	for _, tt := range tests {
		if got := FormatAmount(tt.cents); got != tt.json {
			t.Errorf("FormatAmount(%d) = %q, want %q", tt.cents, got, tt.json)
		}
		if got := DisplayAmount(tt.cents, "ARS"); got != tt.display {
			t.Errorf("DisplayAmount(%d, ARS) = %q, want %q", tt.cents, got, tt.display)
		}
		if got := DisplayAmount(tt.cents, ""); got != tt.display {
			t.Errorf("DisplayAmount(%d, \"\") = %q, want %q", tt.cents, got, tt.display)
		}
		if got := DisplayAmount(tt.cents, "EUR"); tt.eur != "" && got != tt.eur {
			t.Errorf("DisplayAmount(%d, EUR) = %q, want %q", tt.cents, got, tt.eur)
		}
	}
}

func TestParseAmount(t *testing.T) {
	tests := []struct {
		in    string
		cents int64
		err   string
	}{
		{"45000", 4500000, ""},
		{"45000,50", 4500050, ""},
		{"45000,5", 4500050, ""},
		{"45.000,50", 4500050, ""},
		{"45000.50", 4500050, ""},
		{"45000.5", 4500050, ""},
		{"45,000.50", 4500050, ""},
		{"45.000", 4500000, ""},
		{"45,000", 4500000, ""},
		{"1.234.567", 123456700, ""},
		{"1.234.567,89", 123456789, ""},
		{"1,234,567.89", 123456789, ""},
		{"  $ 45.000,00 ", 4500000, ""},
		{"$45000", 4500000, ""},
		{"+12", 1200, ""},
		{"0", 0, ""},
		{"0,01", 1, ""},
		{"007", 700, ""},
		{"9999999999999,99", 999999999999999, ""},
		{"", 0, "es obligatorio"},
		{"   ", 0, "es obligatorio"},
		{"$", 0, "es obligatorio"},
		{"-5", 0, "no puede ser negativo"},
		{"-$5", 0, "no puede ser negativo"},
		{"10000000000000", 0, "es demasiado grande"},
		{"45000,505", 0, "admite como máximo dos decimales"},
		{"45000.1234", 0, "admite como máximo dos decimales"},
		{"abc", 0, "no es un importe válido"},
		{"45 000", 0, "no es un importe válido"},
		{"45.00.00", 0, "no es un importe válido"},
		{"4.5000", 0, "admite como máximo dos decimales"},
		{"45000.", 0, "no es un importe válido"},
		{",50", 0, "no es un importe válido"},
		{"1234.567", 0, "admite como máximo dos decimales"},
		{"45,000,50", 0, "no es un importe válido"},
		{"45,000.000,5", 0, "no es un importe válido"},
		{"45.000.50", 0, "no es un importe válido"},
		{"45,5.000", 0, "admite como máximo dos decimales"},
		{"1e5", 0, "no es un importe válido"},
		{"0x10", 0, "no es un importe válido"},
		{"45000,5O", 0, "no es un importe válido"},
		{"٤٥", 0, "no es un importe válido"},
		{"++5", 0, "no es un importe válido"},
	}
	for _, tt := range tests {
		got, err := ParseAmount(tt.in)
		switch {
		case tt.err == "" && (err != nil || got != tt.cents):
			t.Errorf("ParseAmount(%q) = %d, %v; want %d", tt.in, got, err, tt.cents)
		case tt.err != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.err)):
			t.Errorf("ParseAmount(%q) = %d, %v; want error %q", tt.in, got, err, tt.err)
		}
	}
}

// FuzzParseAmount: whatever is typed, the parser answers a Spanish error or
// an amount in range, and what it accepts reads back the same from both
// printed forms.
func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"45000", "45000,50", "45.000,50", "45000.50", "45,000.50", "$ 1.234.567,89", "-1", "0,5", "1e3", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseAmount(s)
		if err != nil {
			if msg := err.Error(); msg == "" || strings.Contains(msg, "strconv") {
				t.Fatalf("ParseAmount(%q): error %q is not a Spanish message", s, msg)
			}
			return
		}
		if c < 0 || c > MaxCents {
			t.Fatalf("ParseAmount(%q) = %d, out of range", s, c)
		}
		for _, printed := range []string{FormatAmount(c), DisplayAmount(c, "ARS")} {
			back, err := ParseAmount(printed)
			if err != nil || back != c {
				t.Fatalf("ParseAmount(%q) = %d; printed %q reads back %d, %v", s, c, printed, back, err)
			}
		}
	})
}

func TestDates(t *testing.T) {
	if got := day("2026-03-01").AddDays(-1); got.String() != "2026-02-28" {
		t.Errorf("2026-03-01 - 1 = %s", got)
	}
	if got := day("2028-02-28").AddDays(1); got.String() != "2028-02-29" {
		t.Errorf("2028-02-28 + 1 = %s", got)
	}
	if got := day("2026-12-31").AddDays(1); got.String() != "2027-01-01" {
		t.Errorf("2026-12-31 + 1 = %s", got)
	}
	years := []struct{ from, want string }{
		{"2024-02-29", "2025-02-28"}, {"2024-02-29", "2028-02-29"}, {"2024-02-28", "2025-02-28"}, {"2023-03-01", "2024-03-01"},
	}
	for i, tt := range years {
		n := map[int]int{0: 1, 1: 4, 2: 1, 3: 1}[i]
		if got := day(tt.from).AddYears(n); got.String() != tt.want {
			t.Errorf("%s + %d years = %s, want %s", tt.from, n, got, tt.want)
		}
	}
	if got := day("2028-02-29").AddYears(-1); got.String() != "2027-02-28" {
		t.Errorf("2028-02-29 - 1 year = %s", got)
	}

	d := day("2026-03-05")
	if d.Display() != "05/03/2026" || d.String() != "2026-03-05" {
		t.Errorf("formats: %s %s", d.Display(), d)
	}
	if b, _ := d.MarshalText(); string(b) != "2026-03-05" {
		t.Errorf("MarshalText = %s", b)
	}
	if !d.Before(day("2026-03-06")) || !d.After(day("2026-02-28")) || d.Compare(day("2026-03-05")) != 0 || d.Before(d) {
		t.Error("comparisons")
	}
	if !(Date{}).IsZero() || d.IsZero() {
		t.Error("IsZero")
	}
	if NewDate(2026, 2, 30) != day("2026-03-02") {
		t.Error("NewDate does not normalise")
	}

	for _, in := range []string{"2026-03-05", "05/03/2026", "5/3/2026"} {
		if got, err := ParseDate(in); err != nil || got != d {
			t.Errorf("ParseDate(%q) = %s, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "2026-02-30", "30/02/2026", "2026/03/05", "05-03-2026", "mañana"} {
		if _, err := ParseDate(in); err == nil || !strings.HasPrefix(err.Error(), "no es una fecha válida") {
			t.Errorf("ParseDate(%q): %v", in, err)
		}
	}
	var u Date
	if err := u.UnmarshalText([]byte("05/03/2026")); err == nil {
		t.Error("UnmarshalText accepts a display date")
	}
}

func TestDateStartAndDateOf(t *testing.T) {
	ba := mustZone(t, "America/Argentina/Buenos_Aires")
	scl := mustZone(t, "America/Santiago")
	if got := DateOf(time.Date(2026, 3, 1, 2, 30, 0, 0, time.UTC), ba); got.String() != "2026-02-28" {
		t.Errorf("02:30Z in Buenos Aires is %s, want 2026-02-28", got)
	}
	if got := DateOf(time.Date(2026, 3, 1, 2, 30, 0, 0, time.UTC), nil); got.String() != "2026-03-01" {
		t.Errorf("nil zone: %s", got)
	}
	tests := []struct {
		d    string
		loc  *time.Location
		want time.Time
	}{
		{"2026-03-01", ba, time.Date(2026, 3, 1, 3, 0, 0, 0, time.UTC)},
		{"2026-03-01", nil, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)},
		// No midnight on 2026-09-06 in Santiago: the day starts at 01:00 −03.
		{"2026-09-06", scl, time.Date(2026, 9, 6, 4, 0, 0, 0, time.UTC)},
		{"2026-09-05", scl, time.Date(2026, 9, 5, 4, 0, 0, 0, time.UTC)},
		// 2026-04-05: midnight (−03) turns back to 23:00 (−04) of Apr 4; Apr 5 starts at 00:00 −04.
		{"2026-04-05", scl, time.Date(2026, 4, 5, 4, 0, 0, 0, time.UTC)},
		{"2026-04-04", scl, time.Date(2026, 4, 4, 3, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		got := day(tt.d).Start(tt.loc)
		if !got.Equal(tt.want) {
			t.Errorf("Start(%s, %v) = %s, want %s", tt.d, tt.loc, got.UTC(), tt.want)
		}
		if DateOf(got.Add(-time.Nanosecond), tt.loc) == day(tt.d) {
			t.Errorf("Start(%s, %v) is not the first instant", tt.d, tt.loc)
		}
	}
}

func TestParseDecimal(t *testing.T) {
	for _, tt := range []struct {
		in    string
		cents int64
		ok    bool
	}{
		{"45000.00", 4500000, true},
		{"45000.5", 4500050, true},
		{"45000", 4500000, true},
		{"0.01", 1, true},
		{"007.10", 710, true},
		{"45.000", 0, false},
		{"45,00", 0, false},
		{"-1.00", 0, false},
		{"+1.00", 0, false},
		{" 1.00", 0, false},
		{"1.", 0, false},
		{".50", 0, false},
		{"1e3", 0, false},
		{"", 0, false},
		{"10000000000000.00", 0, false},
		{"9999999999999.99", 999999999999999, true},
	} {
		got, ok := ParseDecimal(tt.in)
		if got != tt.cents || ok != tt.ok {
			t.Errorf("ParseDecimal(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.cents, tt.ok)
		}
		if ok && FormatAmount(got) != tt.in && !strings.HasPrefix(tt.in, "0") && strings.Count(tt.in, ".") == 1 && len(tt.in)-strings.Index(tt.in, ".") == 3 {
			t.Errorf("FormatAmount(ParseDecimal(%q)) = %q", tt.in, FormatAmount(got))
		}
	}
}

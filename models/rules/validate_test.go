package rules

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestNormalizePlate(t *testing.T) {
	tests := map[string]string{
		"abc123":      "ABC123",
		"AB 123 CD":   "AB123CD",
		"ab-123-cd":   "AB123CD",
		" ab–123—cd ": "AB123CD", // en and em dashes
		"ＡＢＣ１２３":      "ABC123",  // full-width
		"ab\u00a0123": "AB123",   // no-break space
		"ab\u200b123": "AB123",   // zero-width space
	}
	for in, want := range tests {
		if got := NormalizePlate(in); got != want {
			t.Errorf("NormalizePlate(%q) = %q, want %q", in, got, want)
		}
	}
	for _, bad := range []string{"A", "ABCDEFGHIJK", "AB.123", "АВС123" /* Cyrillic */, ""} {
		if ValidPlate(NormalizePlate(bad)) {
			t.Errorf("ValidPlate(%q) = true, want false", bad)
		}
	}
}

func TestParseTimestamp(t *testing.T) {
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	ba, err := time.LoadLocation("America/Argentina/Buenos_Aires")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		in   string
		want time.Time
		err  error
	}{
		{"2024-05-01T14:30:00-03:00", time.Date(2024, 5, 1, 17, 30, 0, 0, time.UTC), nil},
		{"2024-05-01T17:30:00Z", time.Date(2024, 5, 1, 17, 30, 0, 0, time.UTC), nil},
		{"2024-05-01T17:30:00.123456789Z", time.Date(2024, 5, 1, 17, 30, 0, 123456000, time.UTC), nil},
		{"2024-05-01 14:30:00-03:00", time.Date(2024, 5, 1, 17, 30, 0, 0, time.UTC), nil},
		{"2024-05-01 14:30", time.Date(2024, 5, 1, 17, 30, 0, 0, time.UTC), nil},
		{"2024-05-01 14:30:15", time.Date(2024, 5, 1, 17, 30, 15, 0, time.UTC), nil},
		{"1714584600", time.Date(2024, 5, 1, 17, 30, 0, 0, time.UTC), nil},
		{"2025-06-01T12:04:59Z", time.Date(2025, 6, 1, 12, 4, 59, 0, time.UTC), nil},
		{"2025-06-01T12:05:01Z", time.Time{}, ErrTimestampFuture},
		{"1969-12-31T23:59:59Z", time.Time{}, ErrTimestampPast},
		{"01/05/2024", time.Time{}, ErrTimestampFormat},
		{"2024-13-01 10:00", time.Time{}, ErrTimestampFormat},
		{"", time.Time{}, ErrTimestampFormat},
		{"99999999999999999999", time.Time{}, ErrTimestampFormat},
	}
	for _, tt := range tests {
		got, err := ParseTimestamp(tt.in, ba, now)
		if !errors.Is(err, tt.err) || !got.Equal(tt.want) {
			t.Errorf("ParseTimestamp(%q) = %v, %v; want %v, %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestInputsAreCleaned(t *testing.T) {
	p := PersonInput{Name: "  Ana  ", Email: " ANA@Example.COM "}
	if fe := p.Clean(); len(fe) != 0 || p.Name != "Ana" || p.Email != "ana@example.com" {
		t.Fatalf("person %+v, errors %v", p, fe)
	}
	for _, bad := range []PersonInput{{Name: "", Email: "a@example.com"}, {Name: "Ana", Email: "ana@"}, {Name: "Ana\x00", Email: "a@example.com"},
		{Name: strings.Repeat("a", 201), Email: "a@example.com"}, {Name: "Ana", Email: "a@localhost"}} {
		if fe := bad.Clean(); len(fe) == 0 {
			t.Errorf("%+v accepted", bad)
		}
	}
	if msg := CheckComments("línea 1\nlínea 2 🚗 مرحبا"); msg != "" {
		t.Errorf("multiline unicode comments refused: %s", msg)
	}
	if msg := CheckComments("a\x00b"); msg == "" {
		t.Error("NUL in comments accepted")
	}
	if msg := CheckComments(string([]byte{0xff, 0xfe})); msg == "" {
		t.Error("invalid UTF-8 in comments accepted")
	}
}

func TestDocumentIsNormalised(t *testing.T) {
	for _, tt := range []struct {
		in, want string
		field    string // the error expected, "" for none
	}{
		{"20.123.456", "20123456", ""},
		{" 20 123 456 ", "20123456", ""},
		{"20-12345678-9", "20123456789", ""},
		{"aab123456", "AAB123456", ""},
		{"ＡＢ１２３４５６", "AB123456", ""},
		{"", "", ""},
		{"12345", "12345", FieldDocument},
		{"20/123456", "20/123456", FieldDocument},
		{"ñandú12345", "ÑANDÚ12345", FieldDocument},
		{strings.Repeat("1", 21), strings.Repeat("1", 21), FieldDocument},
	} {
		in := PersonInput{Name: "Ana", Email: "ana@example.com", Document: tt.in}
		fe := in.Clean()
		if in.Document != tt.want {
			t.Errorf("%q normalised to %q, want %q", tt.in, in.Document, tt.want)
		}
		if _, bad := fe[FieldDocument]; bad != (tt.field != "") {
			t.Errorf("%q: errors %v", tt.in, fe)
		}
	}
}

func FuzzNormalizePlate(f *testing.F) {
	for _, s := range []string{"abc123", "AB 123 CD", "ab-123", "ＡＢＣ", "ß", "\xff", "А1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p := NormalizePlate(s)
		if NormalizePlate(p) != p {
			t.Fatalf("not idempotent: %q → %q → %q", s, p, NormalizePlate(p))
		}
		if strings.ContainsAny(p, " -\t\n") {
			t.Fatalf("%q → %q keeps spaces or dashes", s, p)
		}
		if ValidPlate(p) && (len(p) < 2 || len(p) > 10 || !utf8.ValidString(p)) {
			t.Fatalf("%q accepted as a plate", p)
		}
	})
}

func FuzzParseTimestamp(f *testing.F) {
	for _, s := range []string{"2024-05-01T14:30:00-03:00", "2024-05-01 14:30", "1714584600", "", "2024-02-30 10:00", "+0", "9999-12-31T23:59:59Z"} {
		f.Add(s)
	}
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseTimestamp(s, time.UTC, now)
		if err != nil {
			if !errors.Is(err, ErrTimestampFormat) && !errors.Is(err, ErrTimestampFuture) && !errors.Is(err, ErrTimestampPast) {
				t.Fatalf("ParseTimestamp(%q): unexpected error %v", s, err)
			}
			return
		}
		if got.After(now.Add(MaxClockSkew)) || got.Before(minTimestamp) || got.Location() != time.UTC {
			t.Fatalf("ParseTimestamp(%q) = %v out of range", s, got)
		}
	})
}

package fines

import (
	"testing"
	"time"
)

func mustZone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("zone %s: %v", name, err)
	}
	return loc
}

// at reads "2006-01-02 15:04" in loc.
func at(t testing.TB, loc *time.Location, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func day(s string) Date {
	var d Date
	if err := d.UnmarshalText([]byte(s)); err != nil {
		panic(err)
	}
	return d
}

func cents(v int64) *int64 { return &v }

func dateStr(d *Date) string {
	if d == nil {
		return "nil"
	}
	return d.String()
}

func centsStr(c *int64) string {
	if c == nil {
		return "nil"
	}
	return FormatAmount(*c)
}

type want struct {
	status        Status
	toPay         *int64
	discountUntil string // "nil" when absent
	due           string
	reason        string
}

func check(t *testing.T, got Assessment, w want) {
	t.Helper()
	if got.Status != w.status {
		t.Errorf("status = %s, want %s", got.Status, w.status)
	}
	if centsStr(got.ToPay) != centsStr(w.toPay) {
		t.Errorf("a_pagar = %s, want %s", centsStr(got.ToPay), centsStr(w.toPay))
	}
	if w.discountUntil != "" && dateStr(got.DiscountUntil) != w.discountUntil {
		t.Errorf("descuento_hasta = %s, want %s", dateStr(got.DiscountUntil), w.discountUntil)
	}
	if w.due != "" && dateStr(got.DueDate) != w.due {
		t.Errorf("vencimiento = %s, want %s", dateStr(got.DueDate), w.due)
	}
	if w.reason != "" && got.Reason.String() != w.reason {
		t.Errorf("reason = %q, want %q", got.Reason.String(), w.reason)
	}
}

// A fine of $ 45.000,00 issued on 2026-03-01 with the default settings:
// 50 % off until 2026-03-21, due 2026-04-30, 20 % more from 2026-05-01.
func TestAssessDeadlines(t *testing.T) {
	ba := mustZone(t, "America/Argentina/Buenos_Aires")
	s := DefaultSettings()
	f := Fine{OccurredAt: at(t, ba, "2026-03-01 09:00"), IssuedAt: at(t, ba, "2026-03-01 09:05"),
		AmountCents: 4500000, Severity: Grave, Status: Vigente}
	tests := []struct {
		name string
		now  string
		want want
	}{
		{"issue day", "2026-03-01 09:05", want{Vigente, cents(2250000), "2026-03-21", "2026-04-30", "con 50 % de descuento hasta el 21/03/2026"}},
		{"last minute of the discount", "2026-03-21 23:59", want{Vigente, cents(2250000), "2026-03-21", "2026-04-30", ""}},
		{"first day after the discount", "2026-03-22 00:00", want{Vigente, cents(4500000), "2026-03-21", "2026-04-30", "sin descuento; vence el 30/04/2026"}},
		{"day before vencimiento", "2026-04-29 12:00", want{Vigente, cents(4500000), "", "", ""}},
		{"last minute of vencimiento", "2026-04-30 23:59", want{Vigente, cents(4500000), "", "", ""}},
		{"day after vencimiento", "2026-05-01 00:00", want{Vigente, cents(5400000), "2026-03-21", "2026-04-30", "con 20 % de recargo desde el 01/05/2026"}},
		{"a year later", "2027-03-01 00:00", want{Vigente, cents(5400000), "", "", ""}},
		{"last day before prescription", "2031-03-01 23:59", want{Vigente, cents(5400000), "", "", ""}},
		{"prescribed", "2031-03-02 00:00", want{Prescrita, nil, "2026-03-21", "2026-04-30", "prescrita desde el 02/03/2031"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			check(t, Assess(f, s, at(t, ba, tt.now), ba), tt.want)
		})
	}
}

// Issued at 02:30 UTC on Mar 1 is Feb 28 in Buenos Aires (UTC−3): the
// deadlines count from Feb 28 there, and from Mar 1 in UTC.
func TestAssessZoneWhereMidnightDiffersFromUTC(t *testing.T) {
	ba := mustZone(t, "America/Argentina/Buenos_Aires")
	issued := time.Date(2026, 3, 1, 2, 30, 0, 0, time.UTC)
	f := Fine{OccurredAt: issued, IssuedAt: issued, AmountCents: 100000, Severity: Leve}
	s := DefaultSettings()
	tests := []struct {
		name string
		loc  *time.Location
		now  time.Time
		want want
	}{
		{"Buenos Aires: Mar 20 23:30 local, last discount day", ba, time.Date(2026, 3, 21, 2, 30, 0, 0, time.UTC), want{Vigente, cents(50000), "2026-03-20", "2026-04-29", ""}},
		{"Buenos Aires: Mar 21 00:00 local, full", ba, time.Date(2026, 3, 21, 3, 0, 0, 0, time.UTC), want{Vigente, cents(100000), "2026-03-20", "2026-04-29", ""}},
		{"Buenos Aires: Apr 30 00:00 local, surcharge", ba, time.Date(2026, 4, 30, 3, 0, 0, 0, time.UTC), want{Vigente, cents(120000), "", "", "con 20 % de recargo desde el 30/04/2026"}},
		{"UTC: Mar 21, still discounted", time.UTC, time.Date(2026, 3, 21, 3, 0, 0, 0, time.UTC), want{Vigente, cents(50000), "2026-03-21", "2026-04-30", ""}},
		{"UTC: Apr 30, still full", time.UTC, time.Date(2026, 4, 30, 3, 0, 0, 0, time.UTC), want{Vigente, cents(100000), "", "", ""}},
		{"nil location is UTC", nil, time.Date(2026, 3, 21, 3, 0, 0, 0, time.UTC), want{Vigente, cents(50000), "2026-03-21", "2026-04-30", ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { check(t, Assess(f, s, tt.now, tt.loc), tt.want) })
	}
}

// Chile moves its clocks at midnight: on 2026-09-06 00:00 becomes 01:00 and
// on 2026-04-05 00:00 (−03) becomes 2026-04-04 23:00 (−04). Days are
// calendar days, not 24-hour periods.
func TestAssessDSTZone(t *testing.T) {
	scl := mustZone(t, "America/Santiago")
	s := DefaultSettings()
	f := Fine{OccurredAt: at(t, scl, "2026-08-17 10:00"), IssuedAt: at(t, scl, "2026-08-17 10:00"), AmountCents: 1000, Severity: Leve}
	gapDay := time.Date(2026, 9, 6, 4, 0, 0, 0, time.UTC) // 01:00 −03, the first instant of Sep 6
	tests := []struct {
		name string
		now  time.Time
		want want
	}{
		{"last discount day is the day without midnight", gapDay, want{Vigente, cents(500), "2026-09-06", "2026-10-16", ""}},
		{"its last second", gapDay.Add(23*time.Hour - time.Second), want{Vigente, cents(500), "", "", ""}},
		{"the next day", gapDay.Add(23 * time.Hour), want{Vigente, cents(1000), "", "", ""}},
		{"vencimiento", at(t, scl, "2026-10-16 23:59"), want{Vigente, cents(1000), "", "2026-10-16", ""}},
		{"day after vencimiento", at(t, scl, "2026-10-17 00:00"), want{Vigente, cents(1200), "", "", "con 20 % de recargo desde el 17/10/2026"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { check(t, Assess(f, s, tt.now, scl), tt.want) })
	}

	// Issued in the repeated hour at the end of DST: both 23:30s are Apr 4.
	first := time.Date(2026, 4, 5, 2, 30, 0, 0, time.UTC)  // 23:30 −03
	second := time.Date(2026, 4, 5, 3, 30, 0, 0, time.UTC) // 23:30 −04
	for _, issued := range []time.Time{first, second} {
		g := Assess(Fine{OccurredAt: issued, IssuedAt: issued, AmountCents: 1000, Severity: Leve}, s, issued, scl)
		if dateStr(g.DiscountUntil) != "2026-04-24" || dateStr(g.DueDate) != "2026-06-03" {
			t.Errorf("issued %s: descuento_hasta %s, vencimiento %s; want 2026-04-24, 2026-06-03",
				issued.In(scl), dateStr(g.DiscountUntil), dateStr(g.DueDate))
		}
	}
}

func TestAssessLeapYears(t *testing.T) {
	s := DefaultSettings()
	issued := time.Date(2028, 2, 29, 15, 0, 0, 0, time.UTC)
	f := Fine{OccurredAt: issued, IssuedAt: issued, AmountCents: 999, Severity: Leve}
	check(t, Assess(f, s, issued, time.UTC), want{Vigente, cents(500), "2028-03-20", "2028-04-29", ""})

	issued = time.Date(2027, 2, 28, 15, 0, 0, 0, time.UTC) // no Feb 29 in 2027: Feb 28 + 20 is Mar 20
	f = Fine{OccurredAt: issued, IssuedAt: issued, AmountCents: 999, Severity: Leve}
	check(t, Assess(f, s, issued, time.UTC), want{Vigente, cents(500), "2027-03-20", "2027-04-29", ""})
	issued = time.Date(2028, 2, 28, 15, 0, 0, 0, time.UTC) // 2028 has one: Mar 19
	f = Fine{OccurredAt: issued, IssuedAt: issued, AmountCents: 999, Severity: Leve}
	check(t, Assess(f, s, issued, time.UTC), want{Vigente, cents(500), "2028-03-19", "2028-04-28", ""})
}

// Prescription counts years from the infraction's date, by severity; an
// infraction of Feb 29 prescribes after Feb 28 in a year without one.
func TestAssessPrescription(t *testing.T) {
	s := DefaultSettings()
	occurred := time.Date(2024, 2, 29, 10, 0, 0, 0, time.UTC)
	issued := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		sev    Severity
		now    time.Time
		status Status
	}{
		{Leve, time.Date(2026, 2, 28, 23, 59, 0, 0, time.UTC), Vigente},
		{Leve, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), Prescrita},
		{Grave, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), Vigente},
		{Grave, time.Date(2029, 2, 28, 23, 59, 0, 0, time.UTC), Vigente},
		{Grave, time.Date(2029, 3, 1, 0, 0, 0, 0, time.UTC), Prescrita},
		{Gravisima, time.Date(2029, 2, 28, 12, 0, 0, 0, time.UTC), Vigente},
		{Gravisima, time.Date(2029, 3, 1, 0, 0, 0, 0, time.UTC), Prescrita},
		{Severity("otra"), time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC), Vigente},
	}
	for _, tt := range tests {
		t.Run(string(tt.sev)+" "+tt.now.Format(time.DateTime), func(t *testing.T) {
			got := Assess(Fine{OccurredAt: occurred, IssuedAt: issued, AmountCents: 100, Severity: tt.sev}, s, tt.now, time.UTC)
			if got.Status != tt.status {
				t.Fatalf("status = %s, want %s", got.Status, tt.status)
			}
			if (got.ToPay == nil) != (tt.status == Prescrita) {
				t.Errorf("a_pagar = %s with status %s", centsStr(got.ToPay), got.Status)
			}
		})
	}

	// Leap day to leap day: 2024-02-29 + 4 years is 2028-02-29.
	s.PrescriptionLeve = 4
	f := Fine{OccurredAt: occurred, IssuedAt: issued, AmountCents: 100, Severity: Leve}
	if got := Assess(f, s, time.Date(2028, 2, 29, 12, 0, 0, 0, time.UTC), time.UTC); got.Status != Vigente {
		t.Errorf("2028-02-29: %s, want vigente", got.Status)
	}
	if got := Assess(f, s, time.Date(2028, 3, 1, 0, 0, 0, 0, time.UTC), time.UTC); got.Status != Prescrita || got.Reason.String() != "prescrita desde el 01/03/2028" {
		t.Errorf("2028-03-01: %s %q, want prescrita desde el 01/03/2028", got.Status, got.Reason)
	}
}

// The descargo effects, on a fine of $ 1.000,00 issued 2026-03-01 (discount
// until 03-21, due 04-30).
func TestAssessDescargo(t *testing.T) {
	ba := mustZone(t, "America/Argentina/Buenos_Aires")
	keep := DefaultSettings()
	keep.DisputeEndsDiscount = false
	ends := DefaultSettings()
	base := Fine{OccurredAt: at(t, ba, "2026-03-01 10:00"), IssuedAt: at(t, ba, "2026-03-01 10:00"), AmountCents: 100000, Severity: Grave}
	with := func(ds ...Dispute) Fine { f := base; f.Disputes = ds; return f }
	pending := func(filed string) Dispute { return Dispute{Status: DisputePending, FiledAt: at(t, ba, filed)} }
	resolved := func(st DisputeStatus, filed, res string) Dispute {
		return Dispute{Status: st, FiledAt: at(t, ba, filed), ResolvedAt: at(t, ba, res)}
	}
	tests := []struct {
		name string
		f    Fine
		s    Settings
		now  string
		want want
	}{
		{"pending in the discount window, discount ends", with(pending("2026-03-10 12:00")), ends, "2026-03-10 12:00",
			want{EnDescargo, cents(100000), "nil", "2026-04-30", "descargo en trámite desde el 10/03/2026: el importe queda congelado"}},
		{"pending: no surcharge after vencimiento", with(pending("2026-03-10 12:00")), ends, "2026-06-01 12:00",
			want{EnDescargo, cents(100000), "nil", "2026-04-30", ""}},
		{"pending in the window, discount kept: frozen discounted", with(pending("2026-03-10 12:00")), keep, "2026-06-01 12:00",
			want{EnDescargo, cents(50000), "2026-03-21", "2026-04-30", ""}},
		{"pending filed on the last discount day, discount kept", with(pending("2026-03-21 23:00")), keep, "2026-04-10 12:00",
			want{EnDescargo, cents(50000), "", "", ""}},
		{"pending filed after the window", with(pending("2026-04-20 12:00")), keep, "2026-07-01 12:00",
			want{EnDescargo, cents(100000), "2026-03-21", "2026-04-30", ""}},
		{"filed after the day assessed: not yet pending", with(pending("2026-03-10 12:00")), ends, "2026-03-09 12:00",
			want{Vigente, cents(50000), "2026-03-21", "2026-04-30", ""}},
		{"rejected late: vencimiento moves to rejection + 15", with(resolved(DisputeRejected, "2026-03-10 12:00", "2026-04-25 12:00")), ends, "2026-05-10 23:00",
			want{Vigente, cents(100000), "nil", "2026-05-10", "sin descuento; vence el 10/05/2026"}},
		{"rejected late: surcharge the day after the new vencimiento", with(resolved(DisputeRejected, "2026-03-10 12:00", "2026-04-25 12:00")), ends, "2026-05-11 00:00",
			want{Vigente, cents(120000), "nil", "2026-05-10", "con 20 % de recargo desde el 11/05/2026"}},
		{"rejected: before the rejection it was pending", with(resolved(DisputeRejected, "2026-03-10 12:00", "2026-04-25 12:00")), ends, "2026-04-24 12:00",
			want{EnDescargo, cents(100000), "nil", "2026-04-30", ""}},
		{"rejected early: the original vencimiento is later", with(resolved(DisputeRejected, "2026-03-05 12:00", "2026-03-08 12:00")), ends, "2026-04-30 12:00",
			want{Vigente, cents(100000), "nil", "2026-04-30", ""}},
		{"rejected early: surcharge from May 1", with(resolved(DisputeRejected, "2026-03-05 12:00", "2026-03-08 12:00")), ends, "2026-05-01 00:00",
			want{Vigente, cents(120000), "nil", "2026-04-30", ""}},
		{"rejected early, discount ends: full in the window", with(resolved(DisputeRejected, "2026-03-05 12:00", "2026-03-08 12:00")), ends, "2026-03-15 12:00",
			want{Vigente, cents(100000), "nil", "", ""}},
		{"rejected early, discount kept: discounted in the window", with(resolved(DisputeRejected, "2026-03-05 12:00", "2026-03-08 12:00")), keep, "2026-03-15 12:00",
			want{Vigente, cents(50000), "2026-03-21", "2026-04-30", ""}},
		{"rejected on vencimiento day", with(resolved(DisputeRejected, "2026-04-01 12:00", "2026-04-30 12:00")), ends, "2026-05-15 12:00",
			want{Vigente, cents(100000), "nil", "2026-05-15", ""}},
		{"rejected, then a second one pending", with(resolved(DisputeRejected, "2026-03-05 12:00", "2026-04-25 12:00"), pending("2026-05-02 12:00")), ends, "2026-06-20 12:00",
			want{EnDescargo, cents(100000), "nil", "2026-05-10", "descargo en trámite desde el 02/05/2026: el importe queda congelado"}},
		{"accepted: anulada", with(resolved(DisputeAccepted, "2026-03-05 12:00", "2026-03-20 12:00")), ends, "2026-03-21 12:00",
			want{Anulada, nil, "", "", "anulada"}},
		{"accepted later than the day assessed: pending then", with(resolved(DisputeAccepted, "2026-03-05 12:00", "2026-03-20 12:00")), ends, "2026-03-19 12:00",
			want{EnDescargo, cents(100000), "", "", ""}},
		{"prescription wins over a pending descargo", with(pending("2026-03-10 12:00")), ends, "2031-03-02 00:00",
			want{Prescrita, nil, "", "", ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { check(t, Assess(tt.f, tt.s, at(t, ba, tt.now), ba), tt.want) })
	}
}

// A descargo may be filed for a vigente, issued fine until its vencimiento,
// again after a rejection while the new one lasts, never while one is
// pending.
func TestDisputable(t *testing.T) {
	ba := mustZone(t, "America/Argentina/Buenos_Aires")
	s := DefaultSettings()
	base := Fine{OccurredAt: at(t, ba, "2026-03-01 10:00"), IssuedAt: at(t, ba, "2026-03-01 10:00"), AmountCents: 100000, Severity: Grave}
	rejected := base
	rejected.Disputes = []Dispute{{Status: DisputeRejected, FiledAt: at(t, ba, "2026-04-20 10:00"), ResolvedAt: at(t, ba, "2026-04-28 10:00")}}
	pending := base
	pending.Disputes = []Dispute{{Status: DisputePending, FiledAt: at(t, ba, "2026-04-20 10:00")}}
	paid := base
	paid.Status = Pagada
	tests := []struct {
		name string
		f    Fine
		now  string
		want bool
	}{
		{"issue day", base, "2026-03-01 10:00", true},
		{"vencimiento", base, "2026-04-30 23:59", true},
		{"day after vencimiento", base, "2026-05-01 00:00", false},
		{"after a rejection, within the extension", rejected, "2026-05-13 12:00", true},
		{"after a rejection, past the extension", rejected, "2026-05-14 00:00", false},
		{"one pending", pending, "2026-04-21 10:00", false},
		{"pagada", paid, "2026-03-02 10:00", false},
		{"sin tipificar", Fine{OccurredAt: base.OccurredAt}, "2026-03-02 10:00", false},
	}
	for _, tt := range tests {
		if got := Assess(tt.f, s, at(t, ba, tt.now), ba).Disputable; got != tt.want {
			t.Errorf("%s: disputable %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestAssessStatuses(t *testing.T) {
	s := DefaultSettings()
	occurred := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	now := time.Date(2026, 3, 5, 10, 0, 0, 0, time.UTC)
	issued := Fine{OccurredAt: occurred, IssuedAt: occurred, AmountCents: 100000, Severity: Leve}
	paid, annulled, stored := issued, issued, issued
	paid.Status, annulled.Status, stored.Status = Pagada, Anulada, EnDescargo
	unclassified := Fine{OccurredAt: occurred}
	tests := []struct {
		name string
		f    Fine
		now  time.Time
		want want
	}{
		{"sin tipificar", unclassified, now, want{Vigente, nil, "nil", "nil", "sin tipificar: todavía no tiene importe"}},
		{"sin tipificar never prescribes", unclassified, now.AddDate(20, 0, 0), want{Vigente, nil, "nil", "nil", ""}},
		{"pagada", paid, now, want{Pagada, nil, "2026-03-21", "2026-04-30", "pagada"}},
		{"pagada does not prescribe", paid, now.AddDate(20, 0, 0), want{Pagada, nil, "", "", ""}},
		{"anulada", annulled, now, want{Anulada, nil, "", "", "anulada"}},
		{"stored en_descargo without a pending dispute", stored, now, want{Vigente, cents(50000), "", "", ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Assess(tt.f, s, tt.now, time.UTC)
			check(t, got, tt.want)
			if got.Issued != !tt.f.IssuedAt.IsZero() || (got.Issued && got.AmountCents != 100000) || (!got.Issued && got.AmountCents != 0) {
				t.Errorf("issued %v, importe %d", got.Issued, got.AmountCents)
			}
		})
	}
}

func TestAssessSettings(t *testing.T) {
	issued := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	f := Fine{OccurredAt: issued, IssuedAt: issued, AmountCents: 100000, Severity: Leve}
	noDiscount := DefaultSettings()
	noDiscount.DiscountPct = 0
	check(t, Assess(f, noDiscount, issued, time.UTC), want{Vigente, cents(100000), "nil", "2026-04-30", "sin descuento; vence el 30/04/2026"})

	noSurcharge := DefaultSettings()
	noSurcharge.SurchargePct = 0
	check(t, Assess(f, noSurcharge, issued.AddDate(0, 3, 0), time.UTC), want{Vigente, cents(100000), "", "", "vencida desde el 01/05/2026"})

	sameDay := DefaultSettings()
	sameDay.DiscountDays, sameDay.DueDays, sameDay.DiscountPct, sameDay.SurchargePct = 0, 1, 10, 100
	check(t, Assess(f, sameDay, issued.Add(13*time.Hour+59*time.Minute), time.UTC), want{Vigente, cents(90000), "2026-03-01", "2026-03-02", ""})
	check(t, Assess(f, sameDay, issued.Add(14*time.Hour), time.UTC), want{Vigente, cents(100000), "", "", ""})
	check(t, Assess(f, sameDay, issued.Add(38*time.Hour), time.UTC), want{Vigente, cents(200000), "", "", "con 100 % de recargo desde el 03/03/2026"})
}

// Rounding to the cent, half away from zero, on amounts that are not
// multiples of the percentage's step.
func TestRounding(t *testing.T) {
	tests := []struct {
		cents int64
		pct   int
		want  int64
	}{
		{3, 50, 2}, {5, 50, 3}, {1, 50, 1}, {2, 50, 1}, {7, 50, 4},
		{5, 10, 1}, {15, 90, 14}, {25, 90, 23}, {45, 90, 41},
		{1, 120, 1}, {13, 120, 16}, {10, 120, 12}, {99999, 120, 119999},
		{-3, 50, -2}, {-5, 10, -1}, {-1, 49, 0},
		{MaxCents, 1100, 11 * MaxCents}, {0, 50, 0},
	}
	for _, tt := range tests {
		if got := percentOf(tt.cents, tt.pct); got != tt.want {
			t.Errorf("%d × %d %% = %d, want %d", tt.cents, tt.pct, got, tt.want)
		}
	}
	// Through Assess: 50 % of $ 0,03 is $ 0,02, and 20 % more on $ 0,13 is $ 0,16.
	issued := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	s := DefaultSettings()
	if got := Assess(Fine{OccurredAt: issued, IssuedAt: issued, AmountCents: 3, Severity: Leve}, s, issued, time.UTC); centsStr(got.ToPay) != "0.02" {
		t.Errorf("discounted 0.03 = %s, want 0.02", centsStr(got.ToPay))
	}
	if got := Assess(Fine{OccurredAt: issued, IssuedAt: issued, AmountCents: 13, Severity: Grave}, s, issued.AddDate(0, 2, 0), time.UTC); centsStr(got.ToPay) != "0.16" {
		t.Errorf("surcharged 0.13 = %s, want 0.16", centsStr(got.ToPay))
	}
}

// PrescribedBefore agrees with Assess on every occurred date around the
// boundary, for days around leap days, in a zone behind UTC.
func TestPrescribedBefore(t *testing.T) {
	ba := mustZone(t, "America/Argentina/Buenos_Aires")
	s := DefaultSettings()
	s.PrescriptionLeve = 4
	todays := []Date{day("2026-02-28"), day("2026-03-01"), day("2026-03-02"), day("2028-02-29"), day("2028-03-01"),
		day("2029-03-01"), day("2030-01-01"), day("2027-07-15")}
	for _, sev := range []Severity{Leve, Grave} {
		for _, today := range todays {
			now := today.Start(ba).Add(15 * time.Hour)
			cutoff, ok := s.PrescribedBefore(sev, now, ba)
			if !ok {
				t.Fatal("no cutoff")
			}
			years := s.PrescriptionYears(sev)
			for d := today.AddYears(-years).AddDays(-3); d.Before(today.AddYears(-years).AddDays(3)); d = d.AddDays(1) {
				for _, occurred := range []time.Time{d.Start(ba), d.AddDays(1).Start(ba).Add(-time.Second)} {
					f := Fine{OccurredAt: occurred, IssuedAt: occurred, AmountCents: 100, Severity: sev}
					prescribed := Assess(f, s, now, ba).Status == Prescrita
					if prescribed != occurred.Before(cutoff) {
						t.Errorf("%s on %s, occurred %s: Assess prescrita=%v, cutoff %s", sev, today, occurred.In(ba), prescribed, cutoff.In(ba))
					}
				}
			}
		}
	}
	if _, ok := s.PrescribedBefore("otra", time.Now(), ba); ok {
		t.Error("unknown severity has a cutoff")
	}
}

func TestValidate(t *testing.T) {
	if fe := DefaultSettings().Validate(); len(fe) != 0 {
		t.Fatalf("defaults invalid: %v", fe)
	}
	bad := Settings{DiscountPct: 100, DiscountDays: 61, DueDays: 60, SurchargePct: -1, DisputeExtensionDays: 366,
		PrescriptionLeve: 0, PrescriptionGrave: 31, PrescriptionGravisima: 5}
	want := map[string]string{
		SettingDiscountPct:          "debe estar entre 0 y 99 %",
		SettingDiscountDays:         "no puede superar el plazo de vencimiento (60 días)",
		SettingSurchargePct:         "debe estar entre 0 y 1000 %",
		SettingDisputeExtensionDays: "debe estar entre 0 y 365 días",
		SettingPrescriptionLeve:     "debe estar entre 1 y 30 años",
		SettingPrescriptionGrave:    "debe estar entre 1 y 30 años",
	}
	got := bad.Validate()
	if len(got) != len(want) {
		t.Errorf("got %d messages, want %d: %v", len(got), len(want), got)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %q, want %q", k, got[k], v)
		}
	}
	zero := Settings{}.Validate()
	for _, k := range []string{SettingDueDays, SettingPrescriptionLeve, SettingPrescriptionGrave, SettingPrescriptionGravisima} {
		if zero[k] == "" {
			t.Errorf("zero settings: no message for %s", k)
		}
	}
	if _, ok := zero[SettingDiscountDays]; ok {
		t.Errorf("descuento_dias 0 with vencimiento_dias 0: only vencimiento_dias is wrong, got %q", zero[SettingDiscountDays])
	}
}

func TestUnitValues(t *testing.T) {
	history := []UnitValue{
		{From: day("2026-01-01"), Cents: 150000},
		{From: day("2025-01-01"), Cents: 100000},
		{From: day("2026-07-01"), Cents: 200000},
	}
	tests := []struct {
		on    string
		cents int64
		ok    bool
	}{
		{"2024-12-31", 0, false},
		{"2025-01-01", 100000, true},
		{"2025-12-31", 100000, true},
		{"2026-01-01", 150000, true},
		{"2026-06-30", 150000, true},
		{"2026-07-01", 200000, true},
		{"2030-01-01", 200000, true},
	}
	for _, tt := range tests {
		got, ok := UnitValueOn(history, day(tt.on))
		if got != tt.cents || ok != tt.ok {
			t.Errorf("%s: %d %v, want %d %v", tt.on, got, ok, tt.cents, tt.ok)
		}
	}
	if _, ok := UnitValueOn(nil, day("2026-01-01")); ok {
		t.Error("empty history has a value")
	}

	on := day("2026-01-15")
	amount, err := Amount(300, history, on)
	if err != nil || amount != 45000000 {
		t.Errorf("300 × 1500.00 = %d %v, want 45000000", amount, err)
	}
	odd := []UnitValue{{From: day("2026-01-01"), Cents: 150075}}
	if amount, err := Amount(3, odd, on); err != nil || amount != 450225 {
		t.Errorf("3 × 1500.75 = %d %v, want 450225", amount, err)
	}
	if _, err := Amount(10, history, day("2024-06-01")); err != ErrNoUnitValue {
		t.Errorf("before any unit value: %v", err)
	}
	huge := []UnitValue{{From: day("2026-01-01"), Cents: MaxCents / 1000}}
	if _, err := Amount(1001, huge, on); err != ErrAmountOverflow {
		t.Errorf("overflow: %v", err)
	}
	if got, err := Amount(1000, huge, on); err != nil || got != MaxCents {
		t.Errorf("at the maximum: %d %v", got, err)
	}
	if _, err := Amount(0, history, on); err == nil {
		t.Error("0 units accepted")
	}
	if _, err := Amount(5, []UnitValue{{From: day("2026-01-01"), Cents: 0}}, on); err != ErrNoUnitValue {
		t.Errorf("unit value 0: %v", err)
	}
}

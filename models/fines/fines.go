// Package fines is the arithmetic of a fine: its amount at issue, what is
// owed on a given day (early-payment discount, full amount, surcharge), its
// deadlines, the effects of a descargo, prescription, and the money and date
// forms the API and the pages show. It needs no database: the store, the
// panel, the API, the portal and the CLI all call it with what they read.
//
// Money is int64 cents; percentages are whole percents; rounding is to the
// cent, half away from zero, in integer arithmetic. Deadlines are calendar
// days in the configured zone, and each deadline date is the last day it
// applies.
package fines

import (
	"strconv"
	"time"
)

// Severity is the gravity of an infraction type, which sets its
// prescription term.
type Severity string

// The severities of the catalogue.
const (
	Leve      Severity = "leve"
	Grave     Severity = "grave"
	Gravisima Severity = "gravisima"
)

// Valid reports whether s is one of the three severities.
func (s Severity) Valid() bool { return s == Leve || s == Grave || s == Gravisima }

// Status is an infraction's estado. The store keeps vigente, en_descargo,
// pagada and anulada; prescrita is only ever derived.
type Status string

// The statuses of an infraction.
const (
	Vigente    Status = "vigente"
	EnDescargo Status = "en_descargo"
	Pagada     Status = "pagada"
	Anulada    Status = "anulada"
	Prescrita  Status = "prescrita"
)

// DisputeStatus is the state of a descargo, as the disputes table stores it.
type DisputeStatus string

// The states of a descargo.
const (
	DisputePending  DisputeStatus = "pendiente"
	DisputeAccepted DisputeStatus = "aceptado"
	DisputeRejected DisputeStatus = "rechazado"
)

// Dispute is one descargo of a fine.
type Dispute struct {
	Status     DisputeStatus
	FiledAt    time.Time
	ResolvedAt time.Time // when accepted or rejected; zero while pending
}

// Fine is what the arithmetic needs to know about one infraction.
type Fine struct {
	OccurredAt  time.Time // when it happened: prescription counts from its date
	IssuedAt    time.Time // when a type was set; zero while sin tipificar
	AmountCents int64     // frozen at issue (units × unit value)
	Severity    Severity  // of its type
	// Status is the stored status. Pagada and anulada are final; vigente and
	// en_descargo are treated alike, since Disputes decide whether one is
	// pending.
	Status   Status
	Disputes []Dispute // every descargo, in any order
}

// Assessment is a fine as it stands on one day.
type Assessment struct {
	Status        Status
	Issued        bool   // false while sin tipificar
	AmountCents   int64  // importe: the amount at issue; 0 when not issued
	ToPay         *int64 // a_pagar: nil when nothing is owed (sin tipificar, pagada, anulada, prescrita)
	DiscountUntil *Date  // descuento_hasta: nil when not issued, without discount, or when a descargo ended it
	DueDate       *Date  // vencimiento, after any extension: nil when not issued
	Reason        Reason // why ToPay is what it is, for people
	// Disputable says whether a descargo may be filed that day: the fine is
	// vigente (none pending), issued, and not past its vencimiento.
	Disputable bool
}

// Assess returns fine f as it stands at now, with the settings s, counting
// days in loc (UTC when nil). To check a payment, pass the payment's time.
//
// Without a descargo, ToPay is the amount less DiscountPct until
// DiscountUntil (issue date + DiscountDays), the amount until DueDate (issue
// date + DueDays), and the amount plus SurchargePct from the day after. A
// descargo pending today freezes ToPay at what was owed on the day it was
// filed (no surcharge accrues); with DisputeEndsDiscount, filing one ends the
// discount, so the frozen amount is the full one. A rejected descargo moves
// DueDate to the later of the current one and the rejection date +
// DisputeExtensionDays. An accepted descargo annuls the fine. An issued,
// unpaid fine is prescrita from the day after its infraction date plus the
// prescription years of its severity; a pending descargo does not stop that.
func Assess(f Fine, s Settings, now time.Time, loc *time.Location) Assessment {
	if loc == nil {
		loc = time.UTC
	}
	today := DateOf(now, loc)
	tl := newTimeline(f, s, loc, today)
	a := Assessment{Status: Vigente}
	if tl.pending != nil {
		a.Status = EnDescargo
	}
	if !f.IssuedAt.IsZero() {
		a.Issued = true
		a.AmountCents = f.AmountCents
		discount, due := tl.terms(today)
		a.DiscountUntil, a.DueDate = discount, &due
	}
	switch {
	case f.Status == Anulada || tl.accepted:
		a.Status, a.Reason = Anulada, Reason{Kind: Annulled}
		return a
	case f.Status == Pagada:
		a.Status, a.Reason = Pagada, Reason{Kind: Paid}
		return a
	case !a.Issued:
		a.Reason = Reason{Kind: Unclassified}
		return a
	}
	if years := s.PrescriptionYears(f.Severity); years > 0 {
		last := DateOf(f.OccurredAt, loc).AddYears(years)
		if today.After(last) {
			a.Status, a.Reason = Prescrita, Reason{Kind: Prescribed, Date: last.AddDays(1)}
			return a
		}
	}
	var owed int64
	if tl.pending != nil {
		owed, _ = tl.price(tl.pending.filed)
		a.Reason = Reason{Kind: Frozen, Date: tl.pending.filed}
	} else {
		owed, a.Reason = tl.price(today)
		a.Disputable = !today.After(*a.DueDate)
	}
	a.ToPay = &owed
	return a
}

// ReasonKind says which rule set what is owed.
type ReasonKind int

// The reasons behind an Assessment's ToPay.
const (
	Unclassified ReasonKind = iota // sin tipificar: no amount yet
	Discounted                     // Pct off until Date (the last day)
	FullAmount                     // the amount, due on Date
	Surcharged                     // Pct more since Date (the day after vencimiento)
	Frozen                         // a descargo pending since Date froze the amount
	Paid                           // pagada
	Annulled                       // anulada
	Prescribed                     // prescrita since Date
)

// Reason is why a fine owes what it owes, with the date a person needs.
type Reason struct {
	Kind ReasonKind
	Pct  int  // the discount or surcharge percentage, for Discounted and Surcharged
	Date Date // see ReasonKind
}

// String says the reason in Spanish, for the portal and the panel:
// "con 50 % de descuento hasta el 21/12/2026".
func (r Reason) String() string {
	d := r.Date.Display()
	switch r.Kind {
	case Discounted:
		return "con " + strconv.Itoa(r.Pct) + " % de descuento hasta el " + d
	case FullAmount:
		return "sin descuento; vence el " + d
	case Surcharged:
		if r.Pct == 0 {
			return "vencida desde el " + d
		}
		return "con " + strconv.Itoa(r.Pct) + " % de recargo desde el " + d
	case Frozen:
		return "descargo en trámite desde el " + d + ": el importe queda congelado"
	case Paid:
		return "pagada"
	case Annulled:
		return "anulada"
	case Prescribed:
		return "prescrita desde el " + d
	}
	return "sin tipificar: todavía no tiene importe"
}

// PrescribedBefore returns the instant before which an issued, unpaid fine
// of severity sev must have occurred to be prescrita at now, for queries
// that filter by status (occurred_at < the instant). ok is false for an
// unknown severity, which never prescribes.
func (s Settings) PrescribedBefore(sev Severity, now time.Time, loc *time.Location) (cutoff time.Time, ok bool) {
	years := s.PrescriptionYears(sev)
	if years <= 0 {
		return time.Time{}, false
	}
	// Prescrita when occurred.AddYears(years) < today, that is ≤ x.
	x := DateOf(now, loc).AddDays(-1)
	last := x.AddYears(-years)
	if x.Month == time.February && x.Day == 28 && !isLeap(x.Year) && isLeap(last.Year) {
		last.Day = 29 // Feb 29 + years ends on Feb 28 too
	}
	return last.AddDays(1).Start(loc), true
}

// span is one descargo in local dates.
type span struct {
	filed, resolved Date
	rejected        bool
}

// timeline holds the dates that decide a fine's terms.
type timeline struct {
	s        Settings
	amount   int64
	issue    Date
	filed    []span // descargos filed by today
	pending  *span  // the one pending today, if any
	accepted bool
}

func newTimeline(f Fine, s Settings, loc *time.Location, today Date) timeline {
	tl := timeline{s: s, amount: f.AmountCents, issue: DateOf(f.IssuedAt, loc)}
	for _, d := range f.Disputes {
		sp := span{filed: DateOf(d.FiledAt, loc)}
		if sp.filed.After(today) {
			continue
		}
		open := d.Status == DisputePending || d.ResolvedAt.IsZero()
		if !open {
			sp.resolved = DateOf(d.ResolvedAt, loc)
			open = sp.resolved.After(today)
		}
		switch {
		case open:
			if tl.pending == nil || sp.filed.Before(tl.pending.filed) {
				p := sp
				tl.pending = &p
			}
		case d.Status == DisputeAccepted:
			tl.accepted = true
		case d.Status == DisputeRejected:
			sp.rejected = true
		}
		tl.filed = append(tl.filed, sp)
	}
	return tl
}

// terms returns the discount's last day (nil when there is none) and the
// due date in force on day.
func (tl timeline) terms(day Date) (discountUntil *Date, due Date) {
	due = tl.issue.AddDays(tl.s.DueDays)
	lost := false
	for _, sp := range tl.filed {
		if !sp.filed.After(day) && tl.s.DisputeEndsDiscount {
			lost = true
		}
		if sp.rejected && !sp.resolved.After(day) {
			if ext := sp.resolved.AddDays(tl.s.DisputeExtensionDays); ext.After(due) {
				due = ext
			}
		}
	}
	if tl.s.DiscountPct > 0 && !lost {
		d := tl.issue.AddDays(tl.s.DiscountDays)
		discountUntil = &d
	}
	return discountUntil, due
}

// price returns what is owed on day, ignoring freezes, and why.
func (tl timeline) price(day Date) (int64, Reason) {
	discountUntil, due := tl.terms(day)
	switch {
	case discountUntil != nil && !day.After(*discountUntil):
		return percentOf(tl.amount, 100-tl.s.DiscountPct),
			Reason{Kind: Discounted, Pct: tl.s.DiscountPct, Date: *discountUntil}
	case !day.After(due):
		return tl.amount, Reason{Kind: FullAmount, Date: due}
	}
	return percentOf(tl.amount, 100+tl.s.SurchargePct),
		Reason{Kind: Surcharged, Pct: tl.s.SurchargePct, Date: due.AddDays(1)}
}

package fines

import (
	"errors"
	"fmt"
	"time"
)

// Date is a calendar date without a time of day or a zone: the unit in which
// every deadline of a fine is counted.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the calendar date of t in loc (UTC when loc is nil).
func DateOf(t time.Time, loc *time.Location) Date {
	if loc == nil {
		loc = time.UTC
	}
	y, m, d := t.In(loc).Date()
	return Date{y, m, d}
}

// NewDate returns the date y-m-d, normalised as time.Date does (Feb 30 is
// Mar 2 or Mar 1).
func NewDate(y int, m time.Month, d int) Date {
	return DateOf(time.Date(y, m, d, 0, 0, 0, 0, time.UTC), time.UTC)
}

// IsZero reports whether d is the zero Date, which stands for "no date".
func (d Date) IsZero() bool { return d == Date{} }

// AddDays returns the date n calendar days after d (before it when n < 0).
func (d Date) AddDays(n int) Date { return NewDate(d.Year, d.Month, d.Day+n) }

// AddYears returns the date n years after d. A term that starts on Feb 29
// ends on Feb 28 in a year without one: the last day of the month, as the
// Argentine civil code (art. 6) counts years, not Mar 1 as time.AddDate would.
func (d Date) AddYears(n int) Date {
	y := d.Year + n
	if d.Month == time.February && d.Day == 29 && !isLeap(y) {
		return Date{y, time.February, 28}
	}
	return Date{y, d.Month, d.Day}
}

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	switch {
	case d.Year != e.Year:
		return cmpInt(d.Year, e.Year)
	case d.Month != e.Month:
		return cmpInt(int(d.Month), int(e.Month))
	default:
		return cmpInt(d.Day, e.Day)
	}
}

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// Start returns the instant at which d begins in loc (UTC when loc is nil).
// When midnight does not exist there (a DST gap), it is the first instant of
// the day.
func (d Date) Start(loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	t := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
	if DateOf(t, loc) != d {
		// time.Date moved a non-existent midnight back into the previous day.
		t = t.Add(time.Hour)
	}
	return t
}

// String returns the date as YYYY-MM-DD, the form JSON and forms use.
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// Display returns the date as DD/MM/YYYY, the form pages and documents show.
func (d Date) Display() string {
	return fmt.Sprintf("%02d/%02d/%04d", d.Day, int(d.Month), d.Year)
}

// MarshalText writes the date as YYYY-MM-DD (so JSON has "2026-03-01").
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads a date written as YYYY-MM-DD.
func (d *Date) UnmarshalText(b []byte) error {
	t, err := time.Parse(time.DateOnly, string(b))
	if err != nil {
		return fmt.Errorf("fines: date %q: want YYYY-MM-DD", b)
	}
	*d = DateOf(t, time.UTC)
	return nil
}

// errDate is the Spanish message for a date a person typed wrong.
var errDate = errors.New("no es una fecha válida: use AAAA-MM-DD o DD/MM/AAAA")

// ParseDate reads a date typed in a form: YYYY-MM-DD (what <input
// type="date"> sends) or DD/MM/YYYY. A day that does not exist (2026-02-30)
// is refused. The error is a Spanish message to show beside the field.
func ParseDate(s string) (Date, error) {
	for _, layout := range []string{time.DateOnly, "02/01/2006", "2/1/2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return DateOf(t, time.UTC), nil
		}
	}
	return Date{}, errDate
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

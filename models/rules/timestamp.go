package rules

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// MaxClockSkew is how far in the future an infraction's time may be: the
// officer's phone clock may run a little ahead.
const MaxClockSkew = 5 * time.Minute

var (
	zonedLayouts = []string{time.RFC3339, "2006-01-02 15:04:05Z07:00"}
	localLayouts = []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04:05", "2006-01-02T15:04"}
	minTimestamp = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
)

// Timestamp errors, as Spanish messages for the "timestamp" field.
var (
	ErrTimestampFormat = errors.New("formato no reconocido: use RFC 3339 (2024-05-01T14:30:00-03:00), «AAAA-MM-DD HH:MM[:SS]» o segundos Unix")
	ErrTimestampFuture = errors.New("no puede estar más de 5 minutos en el futuro")
	ErrTimestampPast   = errors.New("es anterior a 1970")
	ErrTimestampGap    = errors.New("esa hora no existe en la zona horaria: ese día los relojes se adelantan por el cambio de horario")
	ErrTimestampOffset = errors.New("el desfase horario no puede superar ±23:59")
)

// ParseTimestamp reads an infraction time written as RFC 3339, as
// "YYYY-MM-DD HH:MM[:SS]" in loc, or as Unix seconds, and checks it against
// now. Fractions of a second are kept to the microsecond.
func ParseTimestamp(s string, loc *time.Location, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	t, err := parseTime(s, loc)
	if err != nil {
		return time.Time{}, err
	}
	return CheckTimestamp(t, now)
}

// UnixTimestamp turns Unix seconds into a time and checks it against now.
func UnixTimestamp(sec int64, now time.Time) (time.Time, error) {
	if sec < 0 || sec > 253402300799 {
		return time.Time{}, ErrTimestampFormat
	}
	return CheckTimestamp(time.Unix(sec, 0), now)
}

// CheckTimestamp refuses a time before 1970 or more than MaxClockSkew after now.
func CheckTimestamp(t, now time.Time) (time.Time, error) {
	t = t.UTC().Truncate(time.Microsecond)
	switch {
	case t.Before(minTimestamp):
		return time.Time{}, ErrTimestampPast
	case t.After(now.Add(MaxClockSkew)):
		return time.Time{}, ErrTimestampFuture
	}
	return t, nil
}

func parseTime(s string, loc *time.Location) (time.Time, error) {
	if s == "" {
		return time.Time{}, ErrTimestampFormat
	}
	if isDigits(s) {
		sec, err := strconv.ParseInt(s, 10, 64)
		if err != nil || sec > 253402300799 {
			return time.Time{}, ErrTimestampFormat
		}
		return time.Unix(sec, 0), nil
	}
	for _, layout := range zonedLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			if _, off := t.Zone(); off <= -24*3600 || off >= 24*3600 {
				return time.Time{}, ErrTimestampOffset
			}
			return t, nil
		}
	}
	for _, layout := range localLayouts {
		if wall, err := time.Parse(layout, s); err == nil {
			return localInstant(wall, loc)
		}
	}
	return time.Time{}, ErrTimestampFormat
}

// localInstant is the instant at which the clocks in loc show wall (a
// wall-clock reading parsed as if in UTC). In the hour the clocks repeat it
// is the earlier of the two instants; a reading the clocks skip is
// ErrTimestampGap.
func localInstant(wall time.Time, loc *time.Location) (time.Time, error) {
	var at time.Time
	found := false
	for _, probe := range []time.Duration{-24 * time.Hour, -12 * time.Hour, 0, 12 * time.Hour, 24 * time.Hour} {
		_, off := wall.Add(probe).In(loc).Zone()
		u := wall.Add(-time.Duration(off) * time.Second)
		if _, o := u.In(loc).Zone(); o == off && (!found || u.Before(at)) {
			at, found = u, true
		}
	}
	if !found {
		return time.Time{}, fmt.Errorf("%w (%s)", ErrTimestampGap, loc)
	}
	return at.In(loc), nil
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// dateLayout is how a date without time is written (filters, date inputs).
const dateLayout = "2006-01-02"

// ParseDate reads a date written as dateLayout: midnight of that day in loc.
func ParseDate(s string, loc *time.Location) (time.Time, error) {
	return time.ParseInLocation(dateLayout, s, loc)
}

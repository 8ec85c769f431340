package fines

import (
	"errors"
	"strconv"
	"strings"
)

// MaxCents is the largest amount the registry accepts anywhere (ten
// trillion units of currency): far above any fine, far below the int64
// limit, so that percentages of it never overflow.
const MaxCents int64 = 1_000_000_000_000_000

// FormatAmount writes cents as the JSON form of money: a decimal string with
// two decimals and a dot ("45000.00", "-0.50"), no grouping.
func FormatAmount(cents int64) string {
	neg, whole, frac := split(cents)
	s := strconv.FormatUint(whole, 10) + "." + frac
	if neg {
		return "-" + s
	}
	return s
}

// DisplayAmount writes cents for people, Spanish style: dots group thousands
// and a comma separates the cents. For ARS (or no currency) it is
// "$ 45.000,00"; for another ISO 4217 code the code follows the number
// ("45.000,00 EUR"). A negative amount starts with "-".
func DisplayAmount(cents int64, currency string) string {
	neg, whole, frac := split(cents)
	digits := strconv.FormatUint(whole, 10)
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	if currency == "" || currency == "ARS" {
		b.WriteString("$ ")
	}
	for i, c := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	b.WriteByte(',')
	b.WriteString(frac)
	if currency != "" && currency != "ARS" {
		b.WriteString(" " + currency)
	}
	return b.String()
}

func split(cents int64) (neg bool, whole uint64, frac string) {
	u := uint64(cents)
	if cents < 0 {
		neg, u = true, -u // two's complement: right for math.MinInt64 too
	}
	f := u % 100
	return neg, u / 100, string([]byte{byte('0' + f/10), byte('0' + f%10)})
}

// Spanish messages of ParseAmount, to show beside the field.
var (
	errAmountEmpty    = errors.New("es obligatorio")
	errAmountFormat   = errors.New("no es un importe válido: escríbalo como 45000, 45000,50 o 45.000,50")
	errAmountDecimals = errors.New("admite como máximo dos decimales")
	errAmountNegative = errors.New("no puede ser negativo")
	errAmountTooLarge = errors.New("es demasiado grande")
)

// ParseAmount reads an amount typed in a form into cents. It accepts a
// comma or a dot as the decimal separator and the other one (or the same
// one, when followed by exactly three digits) to group thousands: "45000",
// "45000,50", "45000.5", "45.000,50", "45,000.50" and "45.000" (forty-five
// thousand) all work; a leading "$" and surrounding spaces are ignored. A
// separator followed by three digits is always grouping, so "45,000" is
// 45000.00, never 45.00; more than two decimals, a negative amount or one
// above MaxCents is refused. The error is a Spanish message for the field.
func ParseAmount(s string) (int64, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimSpace(strings.TrimPrefix(s, "$"))
	if s == "" {
		return 0, errAmountEmpty
	}
	if s[0] == '-' {
		return 0, errAmountNegative
	}
	s = strings.TrimPrefix(s, "+")
	intPart, frac, err := splitDecimal(s)
	if err != nil {
		return 0, err
	}
	digits, err := ungroup(intPart)
	if err != nil {
		return 0, err
	}
	if len(frac) == 1 {
		frac += "0"
	}
	if frac == "" {
		frac = "00"
	}
	digits = strings.TrimLeft(digits, "0")
	if len(digits) > 13 {
		return 0, errAmountTooLarge
	}
	n, err := strconv.ParseInt(digits+frac, 10, 64)
	if err != nil {
		return 0, errAmountFormat
	}
	if n > MaxCents {
		return 0, errAmountTooLarge
	}
	return n, nil
}

// splitDecimal finds the decimal separator, if any, and returns the integer
// part (still grouped) and the fraction digits.
func splitDecimal(s string) (intPart, frac string, err error) {
	last := strings.LastIndexAny(s, ".,")
	if last < 0 {
		return s, "", nil
	}
	sep := s[last]
	other := byte(',')
	if sep == ',' {
		other = '.'
	}
	tail := s[last+1:]
	switch {
	case strings.IndexByte(s, other) >= 0:
		// Both kinds: the last one is the decimal separator, and it occurs once.
		if strings.IndexByte(s, sep) != last || strings.LastIndexByte(s, other) > last {
			return "", "", errAmountFormat
		}
	case strings.IndexByte(s, sep) != last:
		// One kind, repeated: it groups thousands.
		return s, "", nil
	case len(tail) == 3:
		// Once, followed by three digits: it groups thousands, unless what
		// comes before is too long for a group (then it meant decimals).
		if last > 3 {
			return "", "", errAmountDecimals
		}
		return s, "", nil
	}
	if !allDigits(tail) || tail == "" {
		return "", "", errAmountFormat
	}
	if len(tail) > 2 {
		return "", "", errAmountDecimals
	}
	return s[:last], tail, nil
}

// ungroup removes one kind of thousands separator from s, checking that
// the groups are well formed (1 to 3 digits, then groups of exactly 3).
func ungroup(s string) (string, error) {
	i := strings.IndexAny(s, ".,")
	if i < 0 {
		if s == "" || !allDigits(s) {
			return "", errAmountFormat
		}
		return s, nil
	}
	groups := strings.Split(s, s[i:i+1])
	if len(groups[0]) < 1 || len(groups[0]) > 3 || !allDigits(groups[0]) {
		return "", errAmountFormat
	}
	for _, g := range groups[1:] {
		if len(g) != 3 || !allDigits(g) {
			return "", errAmountFormat
		}
	}
	return strings.Join(groups, ""), nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// percentOf returns cents × pct / 100, rounded to the cent, half away from
// zero, in integer arithmetic. Callers keep |cents| ≤ MaxCents and
// 0 ≤ pct ≤ 1100, so the product fits in an int64.
func percentOf(cents int64, pct int) int64 {
	n := cents * int64(pct)
	q, r := n/100, n%100
	switch {
	case r >= 50:
		q++
	case r <= -50:
		q--
	}
	return q
}

// ParseDecimal reads money in the JSON form FormatAmount writes: digits, and
// optionally a dot and one or two decimals ("45000.00", "45000.5",
// "45000"), with no sign, grouping or spaces — a machine's amount, where
// "45.000" is forty-five, not forty-five thousand. ok is false otherwise or
// above MaxCents.
func ParseDecimal(s string) (cents int64, ok bool) {
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" || len(whole) > 13 || !allDigits(whole) || (dot && (frac == "" || len(frac) > 2 || !allDigits(frac))) {
		return 0, false
	}
	frac = (frac + "00")[:2]
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil || n > MaxCents {
		return 0, false
	}
	return n, true
}

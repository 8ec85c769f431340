package fines

import (
	"errors"
	"fmt"
)

// UnitValue is the money value of one fixed unit ("unidad fija") from a date
// on, until the next entry of the history takes over.
type UnitValue struct {
	From  Date
	Cents int64
}

// UnitValueOn returns the unit value in force on day: the entry with the
// latest From not after day. The history may be in any order. ok is false
// when no entry had started by then.
func UnitValueOn(history []UnitValue, day Date) (cents int64, ok bool) {
	var best Date
	for _, v := range history {
		if !v.From.After(day) && (!ok || !v.From.Before(best)) {
			best, cents, ok = v.From, v.Cents, true
		}
	}
	return cents, ok
}

// ErrAmountOverflow is returned by Amount when units × unit value is above
// MaxCents.
var ErrAmountOverflow = errors.New("fines: amount above the maximum")

// Amount returns the amount of a fine at issue: units × the unit value, in
// cents. Units are whole numbers, as in the Buenos Aires and national
// catalogues; both factors must be positive.
func Amount(units int, unitCents int64) (int64, error) {
	if units <= 0 || unitCents <= 0 {
		return 0, fmt.Errorf("fines: amount of %d units at %d cents: both must be positive", units, unitCents)
	}
	if unitCents > MaxCents/int64(units) {
		return 0, ErrAmountOverflow
	}
	return int64(units) * unitCents, nil
}

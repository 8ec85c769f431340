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

// Errors of Amount, with Spanish messages for the panel and the API.
var (
	ErrNoUnitValue    = errors.New("no hay un valor de la unidad fija vigente en la fecha de emisión")
	ErrAmountOverflow = errors.New("el importe supera el máximo admitido")
)

// Amount returns the amount of a fine issued on day: units × the unit value
// in force that day, in cents. Units are whole numbers, as in the Buenos
// Aires and national catalogues, and must be positive.
func Amount(units int, history []UnitValue, day Date) (int64, error) {
	if units <= 0 {
		return 0, fmt.Errorf("fines: amount of %d units: units must be positive", units)
	}
	unit, ok := UnitValueOn(history, day)
	if !ok || unit <= 0 {
		return 0, ErrNoUnitValue
	}
	if unit > MaxCents/int64(units) {
		return 0, ErrAmountOverflow
	}
	return int64(units) * unit, nil
}

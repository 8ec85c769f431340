package models

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"transito/models/fines"
	"transito/models/rules"
)

// AmountError means a payment's amount is not what the fine owed on the
// payment's date: Expected is what it owed then.
type AmountError struct {
	Expected int64
	On       fines.Date
}

func (e *AmountError) Error() string {
	return "models: payment amount: want " + fines.FormatAmount(e.Expected) + " on " + e.On.String()
}

// Message says it in Spanish for the importe field, in the currency given.
func (e *AmountError) Message(currency string) string {
	return "debe ser exactamente lo que se debía el " + e.On.Display() + ": " + fines.DisplayAmount(e.Expected, currency) +
		" (" + fines.FormatAmount(e.Expected) + ")"
}

// PaymentResult is a recorded payment; Replayed says it had been recorded
// before with the same method and reference (the request was a retry).
type PaymentResult struct {
	Payment  Payment
	Replayed bool
}

// RecordPayment records the payment of a fine: it must be issued, neither
// paid, annulled, prescribed nor under a pending descargo, and the amount
// must be what it owed on the payment's date in the configured zone
// (*AmountError otherwise). The fine becomes pagada and its owner is
// notified, in the same transaction. The same method and reference again
// answers the first payment (Replayed); a fine already paid under another
// reference, or a reference used for another fine, is a *ConflictError.
// Concurrent payments of one fine, from any process, record one.
func (s *Store) RecordPayment(ctx context.Context, in rules.PaymentInput, actor Actor) (*PaymentResult, error) {
	if err := in.Clean(time.Now()).Err(); err != nil {
		return nil, err
	}
	in.PaidAt = in.PaidAt.UTC().Truncate(time.Microsecond)
	t, err := s.Tariff(ctx)
	if err != nil {
		return nil, err
	}
	res, err := s.recordPayment(ctx, in, t, actor)
	if isUniqueViolation(err) {
		// Another transaction committed a payment with this reference (for
		// another fine) meanwhile: answer as the database now stands.
		res, err = s.recordPayment(ctx, in, t, actor)
	}
	return res, err
}

func (s *Store) recordPayment(ctx context.Context, in rules.PaymentInput, t *Tariff, actor Actor) (*PaymentResult, error) {
	res := &PaymentResult{}
	loc := s.Locale().Location
	err := s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := s.dialect.lockRow(ctx, tx, "infractions", in.InfractionID); err != nil {
			return err
		}
		var same []Payment
		if err := tx.NewSelect().Model(&same).Where("method = ?", in.Method).Where("reference = ?", in.Reference).Scan(ctx); err != nil && !isNoRows(err) {
			return fmt.Errorf("models: payment by reference: %w", err)
		}
		if len(same) == 1 {
			if same[0].InfractionID != in.InfractionID {
				return &ConflictError{Field: rules.FieldReference, Message: fmt.Sprintf("la referencia %s ya se usó para pagar la infracción %d", in.Reference, same[0].InfractionID)}
			}
			res.Payment, res.Replayed = same[0], true
			return nil
		}
		i, err := infractionByID(ctx, tx, in.InfractionID)
		if err != nil {
			return err
		}
		var paid []Payment
		if err := tx.NewSelect().Model(&paid).Where("infraction_id = ?", i.ID).Scan(ctx); err != nil && !isNoRows(err) {
			return fmt.Errorf("models: payment of infraction: %w", err)
		}
		if len(paid) > 0 {
			return &ConflictError{Message: fmt.Sprintf("La infracción %d ya fue pagada (referencia %s, %s).", i.ID, paid[0].Reference,
				paid[0].PaidAt.In(loc).Format("02/01/2006 15:04"))}
		}
		// Compared to the minute, as the message says it and as the panel's
		// form and many providers give the time: a fine issued at 10:00:42
		// may be paid "at 10:00" or "at 10:00:00".
		if i.IssuedAt != nil && in.PaidAt.Before(i.IssuedAt.Truncate(time.Minute)) {
			return rules.FieldErrors{rules.FieldPaidAt: "no puede ser anterior a la emisión de la multa (" + i.IssuedAt.In(loc).Format("02/01/2006 15:04") + ")"}
		}
		a := t.Assess(&i.InfractionRow, in.PaidAt, loc)
		if msg := unpayable(i, a); msg != "" {
			return &ConflictError{Message: msg}
		}
		if *a.ToPay != in.AmountCents {
			return &AmountError{Expected: *a.ToPay, On: fines.DateOf(in.PaidAt, loc)}
		}
		ts := now()
		p := Payment{InfractionID: i.ID, AmountCents: in.AmountCents, Method: in.Method, Reference: in.Reference,
			PaidAt: in.PaidAt, Actor: actor.Kind + ":" + actor.Name, CreatedAt: ts, UpdatedAt: ts}
		if _, err := tx.NewInsert().Model(&p).Exec(ctx); err != nil {
			return fmt.Errorf("models: insert payment: %w", err) // a unique violation: see RecordPayment
		}
		if _, err := tx.NewUpdate().Table("infractions").Set("status = ?", StatusPaid).Set("updated_at = ?", ts).
			Where("id = ?", i.ID).Exec(ctx); err != nil {
			return fmt.Errorf("models: infraction paid: %w", err)
		}
		if err := insertNotification(ctx, tx, s.Locale().paid(&i.InfractionRow, i.PersonName, &p), i.PersonEmail, i.ID); err != nil {
			return err
		}
		res.Payment = p
		return audit(ctx, tx, actor, "payment", "infraction", i.ID, map[string]any{
			"importe": fines.FormatAmount(p.AmountCents), "metodo": p.Method, "referencia": p.Reference, "pagado_en": p.PaidAt,
		})
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// unpayable says why a fine cannot be paid as it stands (a), or "".
func unpayable(i *InfractionDetail, a fines.Assessment) string {
	switch {
	case a.Status == fines.Anulada:
		return fmt.Sprintf("La infracción %d está anulada: no se paga.", i.ID)
	case a.Status == fines.Pagada:
		return fmt.Sprintf("La infracción %d ya fue pagada.", i.ID)
	case !a.Issued:
		return fmt.Sprintf("La infracción %d está sin tipificar: todavía no tiene importe.", i.ID)
	case a.Status == fines.Prescrita:
		return fmt.Sprintf("La infracción %d está prescrita: no se paga.", i.ID)
	case a.Status == fines.EnDescargo:
		return fmt.Sprintf("La infracción %d tiene un descargo en trámite: se podrá pagar cuando se resuelva.", i.ID)
	case a.ToPay == nil:
		return fmt.Sprintf("La infracción %d no tiene nada que pagar.", i.ID)
	}
	return ""
}

// PaymentOf returns the payment of an infraction; ErrNotFound when it has
// none.
func (s *Store) PaymentOf(ctx context.Context, infractionID int64) (*Payment, error) {
	p := new(Payment)
	err := s.readers.NewSelect().Model(p).Where("infraction_id = ?", infractionID).Scan(ctx)
	if isNoRows(err) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("models: payment: %w", err)
	}
	return p, nil
}

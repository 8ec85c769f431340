package models

import (
	"context"
	"crypto/rand"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"transito/models/fines"
	"transito/models/rules"
)

// referenceAlphabet spells a descargo's public reference: no 0/O, 1/I/L,
// so that it can be read over the phone.
const referenceAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// newReference is a short public code such as "D-7KQ2-M9XA" (40 bits).
func newReference() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	out := []byte("D-XXXX-XXXX")
	for i, k := 0, 2; i < 8; i, k = i+1, k+1 {
		if k == 6 {
			k++
		}
		out[k] = referenceAlphabet[int(b[i])%len(referenceAlphabet)]
	}
	return string(out)
}

// FileDispute files a citizen's descargo of a fine, with up to
// rules.MaxDisputeFiles documents (JPEG, PNG or PDF, checked by content),
// in one transaction: the fine must be disputable (vigente, issued, not
// past its vencimiento, no descargo pending: fines.Assessment.Disputable),
// else a *ConflictError saying why. The fine becomes en_descargo; the
// answer carries the public Reference, which a mail to the contact address
// (in the same transaction) repeats.
func (s *Store) FileDispute(ctx context.Context, infractionID int64, in rules.DisputeInput, files []AttachmentInput, actor Actor) (*Dispute, error) {
	return s.fileDisputeAt(ctx, infractionID, in, files, now(), actor)
}

func (s *Store) fileDisputeAt(ctx context.Context, infractionID int64, in rules.DisputeInput, files []AttachmentInput, at time.Time, actor Actor) (*Dispute, error) {
	fe := in.Clean()
	if len(files) > rules.MaxDisputeFiles {
		fe.Add("adjuntos", fmt.Sprintf("se admiten hasta %d archivos", rules.MaxDisputeFiles))
	}
	for _, f := range files {
		if msg := checkFile(f.Bytes, f.ContentType, true); msg != "" {
			fe.Add("adjuntos", msg)
		}
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	t, err := s.Tariff(ctx)
	if err != nil {
		return nil, err
	}
	d := &Dispute{InfractionID: infractionID, Text: in.Text, ContactEmail: in.Email, Status: string(fines.DisputePending),
		Reference: newReference(), CreatedAt: at, UpdatedAt: at}
	err = s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := s.dialect.lockRow(ctx, tx, "infractions", infractionID); err != nil {
			return err
		}
		i, err := infractionByID(ctx, tx, infractionID)
		if err != nil {
			return err
		}
		a := t.Assess(&i.InfractionRow, at, s.Locale().Location)
		if !a.Disputable {
			return &ConflictError{Message: notDisputable(i, a)}
		}
		if _, err := tx.NewInsert().Model(d).Exec(ctx); err != nil {
			if isUniqueViolation(err) {
				return &ConflictError{Message: "La infracción ya tiene un descargo en trámite."}
			}
			return fmt.Errorf("models: insert dispute: %w", err)
		}
		for _, f := range files {
			f.DisputeID, f.InfractionID, f.Source = d.ID, 0, SourceCitizen
			if _, _, err := addAttachment(ctx, tx, s.dialect, f, at); err != nil {
				return err
			}
		}
		if err := insertNotification(ctx, tx, s.Locale().filed(&i.InfractionRow, i.PersonName, d), d.ContactEmail, i.ID); err != nil {
			return err
		}
		if _, err := tx.NewUpdate().Table("infractions").Set("status = ?", StatusDisputed).Set("updated_at = ?", now()).
			Where("id = ?", infractionID).Exec(ctx); err != nil {
			return fmt.Errorf("models: infraction disputed: %w", err)
		}
		return audit(ctx, tx, actor, "dispute", "infraction", infractionID, map[string]any{
			"referencia": d.Reference, "email": d.ContactEmail, "adjuntos": len(files),
		})
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// notDisputable says why a descargo cannot be filed for a fine as it
// stands (a).
func notDisputable(i *InfractionDetail, a fines.Assessment) string {
	switch {
	case a.Status == fines.EnDescargo:
		return "La infracción ya tiene un descargo en trámite."
	case a.Status == fines.Anulada:
		return "La infracción está anulada."
	case a.Status == fines.Pagada:
		return "La infracción ya fue pagada."
	case a.Status == fines.Prescrita:
		return "La infracción está prescrita."
	case !a.Issued:
		return "La infracción todavía no tiene importe (sin tipificar): no admite descargo."
	case a.DueDate != nil:
		return "El plazo para presentar un descargo venció el " + a.DueDate.Display() + "."
	}
	return fmt.Sprintf("La infracción %d no admite descargo.", i.ID)
}

// ResolveDispute decides a pending descargo with a written resolution:
// accepted, the fine is annulled with the resolution as its reason;
// rejected, it is vigente again with its vencimiento moved (see
// fines.Assess). The owner — and the descargo's contact, when it is another
// address — is notified in the same transaction. A *ConflictError when the
// descargo is not pending.
func (s *Store) ResolveDispute(ctx context.Context, disputeID int64, in rules.ResolutionInput, actor Actor) (*Dispute, error) {
	return s.resolveDisputeAt(ctx, disputeID, in, now(), actor)
}

func (s *Store) resolveDisputeAt(ctx context.Context, disputeID int64, in rules.ResolutionInput, at time.Time, actor Actor) (*Dispute, error) {
	if err := in.Clean().Err(); err != nil {
		return nil, err
	}
	t, err := s.Tariff(ctx)
	if err != nil {
		return nil, err
	}
	d := new(Dispute)
	err = s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := tx.NewSelect().Model(d).Where("id = ?", disputeID).Scan(ctx); err != nil {
			if isNoRows(err) {
				return ErrNotFound
			}
			return fmt.Errorf("models: dispute: %w", err)
		}
		if err := s.dialect.lockRow(ctx, tx, "infractions", d.InfractionID); err != nil {
			return err
		}
		if err := tx.NewSelect().Model(d).Where("id = ?", disputeID).Scan(ctx); err != nil {
			return fmt.Errorf("models: dispute: %w", err)
		}
		if d.Status != string(fines.DisputePending) {
			return &ConflictError{Message: "El descargo " + d.Reference + " ya fue resuelto."}
		}
		status, infStatus, reason := fines.DisputeRejected, StatusValid, ""
		if in.Decision == rules.DecisionAccept {
			status, infStatus, reason = fines.DisputeAccepted, StatusVoided, in.Resolution
		}
		d.Status, d.Resolution, d.ResolvedAt, d.UpdatedAt = string(status), in.Resolution, &at, now()
		if actor.Kind == ActorAdmin && actor.ID != 0 {
			id := actor.ID
			d.ResolvedBy = &id
		}
		if _, err := tx.NewUpdate().Model(d).Column("status", "resolution", "resolved_at", "resolved_by", "updated_at").WherePK().Exec(ctx); err != nil {
			return fmt.Errorf("models: resolve dispute: %w", err)
		}
		q := tx.NewUpdate().Table("infractions").Set("status = ?", infStatus).Set("updated_at = ?", now()).Where("id = ?", d.InfractionID)
		if reason != "" {
			// The resolution is told to the citizen: it is the public reason too.
			q = q.Set("void_reason = ?", reason).Set("void_public_reason = ?", reason)
		}
		if _, err := q.Exec(ctx); err != nil {
			return fmt.Errorf("models: infraction after descargo: %w", err)
		}
		i, err := infractionByID(ctx, tx, d.InfractionID)
		if err != nil {
			return err
		}
		l := s.Locale()
		a := t.Assess(&i.InfractionRow, at, l.Location)
		to := []struct{ email, name string }{{i.PersonEmail, i.PersonName}}
		if d.ContactEmail != "" && d.ContactEmail != i.PersonEmail {
			to = append(to, struct{ email, name string }{d.ContactEmail, i.PersonName})
		}
		for _, r := range to {
			if err := insertNotification(ctx, tx, l.decided(&i.InfractionRow, r.name, d, a), r.email, i.ID); err != nil {
				return err
			}
		}
		return audit(ctx, tx, actor, "resolve", "dispute", d.ID, map[string]any{
			"infraccion_id": d.InfractionID, "referencia": d.Reference, "decision": in.Decision, "resolucion": in.Resolution,
		})
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// DisputesOf returns the descargos of an infraction, oldest first.
func (s *Store) DisputesOf(ctx context.Context, infractionID int64) ([]Dispute, error) {
	var ds []Dispute
	if err := s.readers.NewSelect().Model(&ds).Where("infraction_id = ?", infractionID).OrderExpr("id").Scan(ctx); err != nil && !isNoRows(err) {
		return nil, fmt.Errorf("models: disputes: %w", err)
	}
	return ds, nil
}

// DisputeByID returns one descargo.
func (s *Store) DisputeByID(ctx context.Context, id int64) (*Dispute, error) {
	return s.disputeWhere(ctx, "id = ?", id)
}

// DisputeByReference returns the descargo with that public reference.
func (s *Store) DisputeByReference(ctx context.Context, ref string) (*Dispute, error) {
	return s.disputeWhere(ctx, "reference = ?", ref)
}

func (s *Store) disputeWhere(ctx context.Context, where string, arg any) (*Dispute, error) {
	d := new(Dispute)
	err := s.readers.NewSelect().Model(d).Where(where, arg).Scan(ctx)
	if isNoRows(err) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("models: dispute: %w", err)
	}
	return d, nil
}

// ListDisputes returns one page of descargos, pending first then newest;
// the estado filter is pendiente, aceptado or rechazado.
func (s *Store) ListDisputes(ctx context.Context, q ListQuery) (*Paged[Dispute], error) {
	lq := &q
	filter := func(q *bun.SelectQuery) *bun.SelectQuery {
		switch st := lq.Filter("estado"); fines.DisputeStatus(st) {
		case fines.DisputePending, fines.DisputeAccepted, fines.DisputeRejected:
			q = q.Where("d.status = ?", st)
		}
		return q
	}
	count := filter(s.readers.NewSelect().TableExpr("disputes AS d"))
	var rows []Dispute
	list := filter(s.readers.NewSelect().Model(&rows).ModelTableExpr("disputes AS d").ColumnExpr("d.*")).
		OrderExpr("d.status = 'pendiente' DESC, d.created_at DESC, d.id DESC")
	total, err := s.paginate(ctx, count, list, lq, &rows)
	if err != nil {
		return nil, err
	}
	return pageOf(rows, total, lq), nil
}

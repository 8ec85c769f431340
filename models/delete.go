package models

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
)

// deletion is how one kind of record is deleted: in one transaction, only
// when nothing depends on it, with its audit entry. Every Delete method of
// the store runs one.
type deletion[T any] struct {
	// entity names the kind in the audit log and in error strings.
	entity string
	// lock, when not nil, runs first in the transaction: it makes the
	// writes that change what dependents reads take turns (nil when the
	// database's own locks suffice).
	lock func(ctx context.Context, s *Store, tx bun.Tx) error
	// dependents explains what keeps the record from being deleted, ""
	// when nothing does (the panel shows it before asking).
	dependents func(ctx context.Context, idb bun.IDB, id int64) (string, error)
	// cascade deletes what goes with the record (an officer's tokens); nil
	// when nothing does.
	cascade func(ctx context.Context, tx bun.Tx, id int64) error
	// restricted is the message when a foreign key refuses all the same.
	restricted string
	// detail is the audit detail: what the deleted record was.
	detail func(*T) any
}

// run deletes the record id: ErrNotFound when there is none, a
// *ConflictError naming what blocks it when something depends on it.
func (d deletion[T]) run(ctx context.Context, s *Store, id int64, actor Actor) error {
	return s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if d.lock != nil {
			if err := d.lock(ctx, s, tx); err != nil {
				return err
			}
		}
		rec := new(T)
		if err := tx.NewSelect().Model(rec).Where("id = ?", id).Scan(ctx); err != nil {
			if isNoRows(err) {
				return ErrNotFound
			}
			return fmt.Errorf("models: %s: %w", d.entity, err)
		}
		why, err := d.dependents(ctx, tx, id)
		if err != nil {
			return err
		}
		if why != "" {
			return &ConflictError{Message: why}
		}
		if d.cascade != nil {
			if err := d.cascade(ctx, tx, id); err != nil {
				return err
			}
		}
		if _, err := tx.NewDelete().Model(rec).WherePK().Exec(ctx); err != nil {
			if isForeignKeyViolation(err) {
				return &ConflictError{Message: d.restricted}
			}
			return fmt.Errorf("models: delete %s: %w", d.entity, err)
		}
		return audit(ctx, tx, actor, "delete", d.entity, id, d.detail(rec))
	})
}

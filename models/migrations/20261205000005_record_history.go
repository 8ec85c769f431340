package migrations

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/migrate"
)

// recordHistory adds what the panel's second pass reads: the annulment's
// public reason (void_public_reason, shown to the citizen; void_reason stays
// the internal one) and an index of the audit log by record, newest first,
// so that every detail page and the audit log filtered by one record read a
// few index entries instead of every entry of that kind. It costs each
// audited write one more index entry, the price of a record's history.
func recordHistory(m *migrate.Migrations) {
	m.MustRegister(inTx(func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.ExecContext(ctx, "ALTER TABLE infractions ADD COLUMN void_public_reason VARCHAR NOT NULL DEFAULT ''"); err != nil {
			return fmt.Errorf("add void_public_reason: %w", err)
		}
		q := tx.NewCreateIndex().Model((*auditEntry0001)(nil)).Index("audit_log_record_idx").
			ColumnExpr("entity").ColumnExpr("entity_id").ColumnExpr("at DESC").ColumnExpr("id DESC")
		if _, err := q.Exec(ctx); err != nil {
			return fmt.Errorf("create index audit_log_record_idx: %w", err)
		}
		return nil
	}), inTx(func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewDropIndex().Index("audit_log_record_idx").IfExists().Exec(ctx); err != nil {
			return fmt.Errorf("drop index audit_log_record_idx: %w", err)
		}
		_, err := tx.ExecContext(ctx, "ALTER TABLE infractions DROP COLUMN void_public_reason")
		return err
	}))
}

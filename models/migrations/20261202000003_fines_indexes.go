package migrations

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/migrate"
)

// finesIndexes serves the fines' queries at a million infractions: the
// infraction list filtered by code or severity (the type, newest first),
// and the dashboard's sums of the month — what was issued (a partial index
// of the issued fines, by issue time, covering status and amount) and what
// was collected (payments by time, covering the amount). The status
// filters, prescrita included, read infractions_status_time_idx. Issue
// times only grow and API types are few, so the writer inserts into the
// right-most pages of both new infraction indexes.
func finesIndexes(m *migrate.Migrations) {
	indexes := []struct {
		model   any
		name    string
		columns []string
		where   string
	}{
		{(*infraction0001)(nil), "infractions_type_time_idx", []string{"type_id", "occurred_at DESC", "id DESC"}, ""},
		{(*infraction0001)(nil), "infractions_issued_idx", []string{"issued_at", "status", "amount_cents"}, "issued_at IS NOT NULL"},
		{(*payment0004)(nil), "payments_paid_idx", []string{"paid_at", "amount_cents"}, ""},
	}
	m.MustRegister(inTx(func(ctx context.Context, tx bun.Tx) error {
		for _, ix := range indexes {
			q := tx.NewCreateIndex().Model(ix.model).Index(ix.name)
			for _, c := range ix.columns {
				q = q.ColumnExpr(c)
			}
			if ix.where != "" {
				q = q.Where(ix.where)
			}
			if _, err := q.Exec(ctx); err != nil {
				return fmt.Errorf("create index %s: %w", ix.name, err)
			}
		}
		return nil
	}), inTx(func(ctx context.Context, tx bun.Tx) error {
		for _, ix := range indexes {
			if _, err := tx.NewDropIndex().Index(ix.name).IfExists().Exec(ctx); err != nil {
				return fmt.Errorf("drop index %s: %w", ix.name, err)
			}
		}
		return nil
	}))
}

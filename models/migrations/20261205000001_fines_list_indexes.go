package migrations

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/migrate"
)

// finesListIndexes keeps the dashboard and the infraction list's fines
// filters to index entries at a million infractions, where reading each
// matching row costs seconds:
//   - infractions_issued_idx (issue time, status, amount) gives way to one
//     that also covers the type and the infraction's date, which say whether
//     an open fine is prescribed: the month's issued and owed sums read one
//     range of it;
//   - infractions_type_time_idx gains the status, so a code filter with an
//     estado, and the sin tipificar filter (type_id IS NULL), walk and count
//     their matches from the index.
func finesListIndexes(m *migrate.Migrations) {
	type index struct {
		name    string
		columns []string
		where   string
	}
	up := []index{
		{"infractions_issued_month_idx", []string{"issued_at", "status", "type_id", "occurred_at", "amount_cents"}, "issued_at IS NOT NULL"},
		{"infractions_type_status_time_idx", []string{"type_id", "occurred_at DESC", "id DESC", "status"}, ""},
	}
	down := []index{
		{"infractions_issued_idx", []string{"issued_at", "status", "amount_cents"}, "issued_at IS NOT NULL"},
		{"infractions_type_time_idx", []string{"type_id", "occurred_at DESC", "id DESC"}, ""},
	}
	apply := func(ctx context.Context, tx bun.Tx, drop []string, create []index) error {
		for _, name := range drop {
			if _, err := tx.NewDropIndex().Index(name).IfExists().Exec(ctx); err != nil {
				return fmt.Errorf("drop index %s: %w", name, err)
			}
		}
		for _, ix := range create {
			q := tx.NewCreateIndex().Model((*infraction0001)(nil)).Index(ix.name)
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
	}
	m.MustRegister(inTx(func(ctx context.Context, tx bun.Tx) error {
		return apply(ctx, tx, []string{"infractions_issued_idx", "infractions_type_time_idx"}, up)
	}), inTx(func(ctx context.Context, tx bun.Tx) error {
		return apply(ctx, tx, []string{"infractions_issued_month_idx", "infractions_type_status_time_idx"}, down)
	}))
}

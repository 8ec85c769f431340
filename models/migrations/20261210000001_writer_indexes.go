package migrations

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/migrate"
)

// writerIndexes lightens what every API infraction writes:
//   - audit_log_entity_idx (entity, entity_id) is dropped: every query it
//     served (a record's history, the audit log filtered by entity and
//     record) reads audit_log_record_idx, of which it is a prefix;
//   - the indexes keyed by time alone or after one equality column
//     (infractions by time and by officer and time, the audit log by entity
//     and time) are rebuilt ascending. Their queries order one way (newest
//     first), which both databases read backwards from an ascending index;
//     a descending one takes each new, newest entry at the left end of its
//     range, where B-tree splits leave pages half full and touch more pages
//     per commit. The indexes whose queries mix directions (the status sort:
//     status ascending, time descending) stay as they are.
func writerIndexes(m *migrate.Migrations) {
	rebuilt := func(dir string) []index0001 {
		return []index0001{
			{(*infraction0001)(nil), "infractions_time_idx", []string{"occurred_at" + dir, "id" + dir}, false},
			{(*infraction0001)(nil), "infractions_officer_time_id_idx", []string{"officer_id", "occurred_at" + dir, "id" + dir}, false},
			{(*auditEntry0001)(nil), "audit_log_entity_at_idx", []string{"entity", "at" + dir, "id" + dir}, false},
		}
	}
	drop := func(ctx context.Context, tx bun.Tx, names ...string) error {
		for _, name := range names {
			if _, err := tx.NewDropIndex().Index(name).IfExists().Exec(ctx); err != nil {
				return fmt.Errorf("drop index %s: %w", name, err)
			}
		}
		return nil
	}
	names := func(ixs []index0001) []string {
		out := make([]string, len(ixs))
		for i, ix := range ixs {
			out[i] = ix.name
		}
		return out
	}
	m.MustRegister(inTx(func(ctx context.Context, tx bun.Tx) error {
		if err := drop(ctx, tx, append(names(rebuilt("")), "audit_log_entity_idx")...); err != nil {
			return err
		}
		return createIndexes(ctx, tx, rebuilt(""))
	}), inTx(func(ctx context.Context, tx bun.Tx) error {
		if err := drop(ctx, tx, names(rebuilt(""))...); err != nil {
			return err
		}
		return createIndexes(ctx, tx, append(rebuilt(" DESC"),
			index0001{(*auditEntry0001)(nil), "audit_log_entity_idx", []string{"entity", "entity_id"}, false}))
	}))
}

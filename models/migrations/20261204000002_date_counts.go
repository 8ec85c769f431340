package migrations

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
	"github.com/uptrace/bun/migrate"
)

// dateCounts adds date_counts: how many infractions (by occurred_at) and
// audit entries (by at) fall in each quarter of an hour (UTC; every time
// zone's offset is a whole number of quarters, so a day, month or year in
// any zone is a sum of whole buckets). The lists' date drill-down adds
// these up instead of counting a million rows. The store adds to it in the
// transaction that writes the rows, a batch at a time; shard spreads the
// API writers of several replicas over different rows so that they never
// wait for each other's lock. The rows already there are counted here.
func dateCounts(m *migrate.Migrations) {
	m.MustRegister(inTx(func(ctx context.Context, tx bun.Tx) error {
		// On SQLite the rows live in their primary key (WITHOUT ROWID), so
		// that a year's sum reads one contiguous run of the b-tree.
		clustered := " WITHOUT ROWID"
		if tx.Dialect().Name() == dialect.PG {
			clustered = ""
		}
		if _, err := tx.ExecContext(ctx, `CREATE TABLE date_counts (
			kind VARCHAR NOT NULL, bucket BIGINT NOT NULL, shard INTEGER NOT NULL, n BIGINT NOT NULL,
			PRIMARY KEY (kind, bucket, shard))`+clustered); err != nil {
			return fmt.Errorf("create date_counts: %w", err)
		}
		bucket := func(col string) string { return "unixepoch(" + col + ") / 900" }
		if tx.Dialect().Name() == dialect.PG {
			bucket = func(col string) string { return "floor(extract(epoch FROM " + col + ") / 900)::bigint" }
		}
		for kind, src := range map[string][2]string{"infractions": {"infractions", "occurred_at"}, "audit": {"audit_log", "at"}} {
			q := "INSERT INTO date_counts (kind, bucket, shard, n) SELECT ?, b, 0, count(*) FROM (SELECT " +
				bucket(src[1]) + " AS b FROM " + src[0] + ") AS t GROUP BY b"
			if _, err := tx.ExecContext(ctx, q, kind); err != nil {
				return fmt.Errorf("count %s: %w", kind, err)
			}
		}
		return nil
	}), inTx(func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, "DROP TABLE IF EXISTS date_counts")
		return err
	}))
}

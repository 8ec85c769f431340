package migrations

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/migrate"
)

// adminIndexes serves the admin panel's lists at a million infractions: the
// sorts by plate, officer and status, deep pages read from covering indexes,
// the vehicle filters (case-insensitive brand and colour) and the audit
// log's filter by kind of record; the person search (a substring of the
// name or the e-mail) counts its matches reading a covering index. Three narrower indexes that the new ones
// cover are dropped, so that the API's inserts maintain no more indexes
// than they need.
func adminIndexes(m *migrate.Migrations) {
	up := []struct {
		model   any
		name    string
		columns []string
	}{
		{(*infraction0001)(nil), "infractions_vehicle_time_id_idx", []string{"vehicle_id", "occurred_at DESC", "id DESC"}},
		{(*infraction0001)(nil), "infractions_officer_time_id_idx", []string{"officer_id", "occurred_at DESC", "id DESC"}},
		{(*infraction0001)(nil), "infractions_status_time_idx", []string{"status", "occurred_at DESC", "id DESC"}},
		{(*vehicle0001)(nil), "vehicles_person_plate_idx", []string{"person_id", "plate"}},
		{(*vehicle0001)(nil), "vehicles_brand_color_ci_idx", []string{"lower(brand)", "lower(color)"}},
		{(*vehicle0001)(nil), "vehicles_color_ci_idx", []string{"lower(color)"}},
		{(*auditEntry0001)(nil), "audit_log_entity_at_idx", []string{"entity", "at DESC", "id DESC"}},
		{(*person0001)(nil), "persons_search_idx", []string{"lower(name)", "email"}},
	}
	dropped := []struct {
		model   any
		name    string
		columns []string
	}{
		{(*infraction0001)(nil), "infractions_vehicle_time_idx", []string{"vehicle_id", "occurred_at DESC"}},
		{(*infraction0001)(nil), "infractions_officer_time_idx", []string{"officer_id", "occurred_at DESC"}},
		{(*vehicle0001)(nil), "vehicles_person_idx", []string{"person_id"}},
	}
	create := func(ctx context.Context, tx bun.Tx, model any, name string, columns []string) error {
		q := tx.NewCreateIndex().Model(model).Index(name).IfNotExists()
		for _, c := range columns {
			q = q.ColumnExpr(c)
		}
		if _, err := q.Exec(ctx); err != nil {
			return fmt.Errorf("create index %s: %w", name, err)
		}
		return nil
	}
	m.MustRegister(inTx(func(ctx context.Context, tx bun.Tx) error {
		for _, ix := range up {
			if err := create(ctx, tx, ix.model, ix.name, ix.columns); err != nil {
				return err
			}
		}
		for _, ix := range dropped {
			if _, err := tx.NewDropIndex().Index(ix.name).IfExists().Exec(ctx); err != nil {
				return fmt.Errorf("drop index %s: %w", ix.name, err)
			}
		}
		return nil
	}), inTx(func(ctx context.Context, tx bun.Tx) error {
		for _, ix := range dropped {
			if err := create(ctx, tx, ix.model, ix.name, ix.columns); err != nil {
				return err
			}
		}
		for _, ix := range up {
			if _, err := tx.NewDropIndex().Index(ix.name).IfExists().Exec(ctx); err != nil {
				return fmt.Errorf("drop index %s: %w", ix.name, err)
			}
		}
		return nil
	}))
}

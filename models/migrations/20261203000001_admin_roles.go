package migrations

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/migrate"
)

// adminRoles gives every account of the panel a role (administrador,
// supervisor or operador) and an active flag. The accounts that exist were
// all-powerful until now: they become administradores. New rows always name
// their role; the column's default only fills the existing ones.
func adminRoles(m *migrate.Migrations) {
	m.MustRegister(inTx(func(ctx context.Context, tx bun.Tx) error {
		for _, col := range []string{
			"role VARCHAR NOT NULL DEFAULT 'operador' CHECK (role IN ('administrador', 'supervisor', 'operador'))",
			"active BOOLEAN NOT NULL DEFAULT TRUE",
		} {
			if _, err := tx.NewAddColumn().Model((*admin0001)(nil)).ColumnExpr(col).Exec(ctx); err != nil {
				return fmt.Errorf("add column admins.%s: %w", col, err)
			}
		}
		if _, err := tx.NewUpdate().Model((*admin0001)(nil)).Set("role = ?", "administrador").Where("1 = 1").Exec(ctx); err != nil {
			return fmt.Errorf("existing admins become administradores: %w", err)
		}
		return nil
	}), inTx(func(ctx context.Context, tx bun.Tx) error {
		for _, col := range []string{"active", "role"} {
			if _, err := tx.NewDropColumn().Model((*admin0001)(nil)).Column(col).Exec(ctx); err != nil {
				return fmt.Errorf("drop column admins.%s: %w", col, err)
			}
		}
		return nil
	}))
}

package migrations

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/migrate"
)

type adminSession0003 struct {
	bun.BaseModel `bun:"table:admin_sessions"`
	ID            int64      `bun:",pk,autoincrement"`
	IDHash        string     `bun:",notnull"`
	AdminID       int64      `bun:",notnull"`
	CreatedAt     time.Time  `bun:",notnull"`
	LastSeenAt    time.Time  `bun:",notnull"`
	RevokedAt     *time.Time `bun:""`
	UpdatedAt     time.Time  `bun:",notnull"`
}

// adminSessions adds the server side of panel sessions: the cookie carries
// a random id, the table its SHA-256, so that logout, a password change or
// the session's maximum age end a session on every replica.
func adminSessions(m *migrate.Migrations) {
	m.MustRegister(inTx(func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewCreateTable().Model((*adminSession0003)(nil)).
			ForeignKey(`("admin_id") REFERENCES "admins" ("id") ON DELETE RESTRICT`).Exec(ctx); err != nil {
			return fmt.Errorf("create table admin_sessions: %w", err)
		}
		return createIndexes(ctx, tx, []index0001{
			{(*adminSession0003)(nil), "admin_sessions_hash_key", []string{"id_hash"}, true},
			{(*adminSession0003)(nil), "admin_sessions_admin_idx", []string{"admin_id"}, false},
		})
	}), inTx(func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, "DROP TABLE IF EXISTS admin_sessions")
		return err
	}))
}

package migrations

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/migrate"
)

// certificate0010 is what a document's QR code points to: a random code,
// the kind of document and its subject (an infraction id for an acta or a
// recibo, a plate for a libre deuda).
type certificate0010 struct {
	bun.BaseModel `bun:"table:certificates"`
	ID            int64      `bun:",pk,autoincrement"`
	Code          string     `bun:",notnull"`
	Kind          string     `bun:",notnull"`
	Subject       string     `bun:",notnull"`
	IssuedAt      time.Time  `bun:",notnull"`
	ExpiresAt     *time.Time `bun:"expires_at"`
	CreatedAt     time.Time  `bun:",notnull"`
	UpdatedAt     time.Time  `bun:",notnull"`
}

// accessLink0010 is a one-time link to the citizen portal; only the
// SHA-256 of its token is stored.
type accessLink0010 struct {
	bun.BaseModel `bun:"table:access_links"`
	ID            int64      `bun:",pk,autoincrement"`
	TokenHash     string     `bun:",notnull"`
	Email         string     `bun:",notnull"`
	ExpiresAt     time.Time  `bun:",notnull"`
	UsedAt        *time.Time `bun:"used_at"`
	CreatedAt     time.Time  `bun:",notnull"`
	UpdatedAt     time.Time  `bun:",notnull"`
}

// portal adds the documents' certificates and the portal's one-time links.
// An acta and a recibo have one code each (a partial unique index on the
// subject); a plate may have one libre deuda after another.
func portal(m *migrate.Migrations) {
	m.MustRegister(inTx(func(ctx context.Context, tx bun.Tx) error {
		for _, model := range []any{(*certificate0010)(nil), (*accessLink0010)(nil)} {
			if _, err := tx.NewCreateTable().Model(model).Exec(ctx); err != nil {
				return fmt.Errorf("create table: %w", err)
			}
		}
		if err := createIndexes(ctx, tx, []index0001{
			{(*certificate0010)(nil), "certificates_code_key", []string{"code"}, true},
			{(*certificate0010)(nil), "certificates_subject_idx", []string{"kind", "subject", "issued_at"}, false},
			{(*accessLink0010)(nil), "access_links_token_key", []string{"token_hash"}, true},
			{(*accessLink0010)(nil), "access_links_email_idx", []string{"email", "created_at"}, false},
		}); err != nil {
			return err
		}
		_, err := tx.NewCreateIndex().Model((*certificate0010)(nil)).Index("certificates_document_key").Unique().
			ColumnExpr("kind").ColumnExpr("subject").Where("kind IN ('acta', 'recibo')").Exec(ctx)
		if err != nil {
			return fmt.Errorf("create index certificates_document_key: %w", err)
		}
		return nil
	}), inTx(func(ctx context.Context, tx bun.Tx) error {
		for _, table := range []string{"access_links", "certificates"} {
			if _, err := tx.ExecContext(ctx, "DROP TABLE IF EXISTS "+table); err != nil {
				return err
			}
		}
		return nil
	}))
}

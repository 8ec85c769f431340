package migrations

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/migrate"
)

// dispute0005 is a citizen's descargo. CreatedAt is when it was filed.
type dispute0005 struct {
	bun.BaseModel `bun:"table:disputes"`
	ID            int64      `bun:",pk,autoincrement"`
	InfractionID  int64      `bun:",notnull"`
	Text          string     `bun:",notnull"`
	ContactEmail  string     `bun:",notnull"`
	Status        string     `bun:",notnull"`
	Resolution    string     `bun:",notnull"`
	ResolvedBy    *int64     `bun:"resolved_by"`
	ResolvedAt    *time.Time `bun:"resolved_at"`
	Reference     string     `bun:",notnull"`
	CreatedAt     time.Time  `bun:",notnull"`
	UpdatedAt     time.Time  `bun:",notnull"`
}

// attachment0005 is an evidence photo or a descargo's document, stored in
// the database so that every replica has it; it belongs to an infraction or
// to a dispute, never both (the store sees to it).
type attachment0005 struct {
	bun.BaseModel `bun:"table:attachments"`
	ID            int64     `bun:",pk,autoincrement"`
	InfractionID  *int64    `bun:"infraction_id"`
	DisputeID     *int64    `bun:"dispute_id"`
	SHA256        string    `bun:"sha256,notnull"`
	ContentType   string    `bun:",notnull"`
	Bytes         []byte    `bun:",notnull"`
	Size          int64     `bun:",notnull"`
	Source        string    `bun:",notnull"`
	CreatedAt     time.Time `bun:",notnull"`
	UpdatedAt     time.Time `bun:",notnull"`
}

// notification0005 is one mail of the transactional outbox, written in the
// transaction of the event it tells about and sent later by the mailer.
type notification0005 struct {
	bun.BaseModel `bun:"table:notifications"`
	ID            int64      `bun:",pk,identity"`
	ToEmail       string     `bun:",notnull"`
	Kind          string     `bun:",notnull"`
	InfractionID  *int64     `bun:"infraction_id"`
	Subject       string     `bun:",notnull"`
	Body          string     `bun:",notnull"`
	MessageID     string     `bun:",notnull"`
	SentAt        *time.Time `bun:"sent_at"`
	Attempts      int64      `bun:",notnull"`
	NextAttemptAt time.Time  `bun:",notnull"`
	LastError     string     `bun:",notnull"`
	CreatedAt     time.Time  `bun:",notnull"`
	UpdatedAt     time.Time  `bun:",notnull"`
}

// outbox adds descargos, attachments and the notifications outbox. The
// outbox is written with every fine the API issues, so it keeps one small
// index: the pending mails (a partial index, which sent mails leave).
func outbox(m *migrate.Migrations) {
	m.MustRegister(inTx(func(ctx context.Context, tx bun.Tx) error {
		tables := []struct {
			model any
			fks   []string
		}{
			{(*dispute0005)(nil), []string{
				`("infraction_id") REFERENCES "infractions" ("id") ON DELETE RESTRICT`,
				`("resolved_by") REFERENCES "admins" ("id") ON DELETE RESTRICT`,
			}},
			{(*attachment0005)(nil), []string{
				`("infraction_id") REFERENCES "infractions" ("id") ON DELETE RESTRICT`,
				`("dispute_id") REFERENCES "disputes" ("id") ON DELETE RESTRICT`,
			}},
			{(*notification0005)(nil), []string{`("infraction_id") REFERENCES "infractions" ("id") ON DELETE RESTRICT`}},
		}
		for _, t := range tables {
			q := tx.NewCreateTable().Model(t.model)
			for _, fk := range t.fks {
				q = q.ForeignKey(fk)
			}
			if _, err := q.Exec(ctx); err != nil {
				return fmt.Errorf("create table: %w", err)
			}
		}
		if err := createIndexes(ctx, tx, []index0001{
			{(*dispute0005)(nil), "disputes_infraction_idx", []string{"infraction_id"}, false},
			{(*dispute0005)(nil), "disputes_reference_key", []string{"reference"}, true},
			{(*dispute0005)(nil), "disputes_status_idx", []string{"status", "created_at"}, false},
			{(*attachment0005)(nil), "attachments_infraction_key", []string{"infraction_id", "sha256"}, true},
			{(*attachment0005)(nil), "attachments_dispute_key", []string{"dispute_id", "sha256"}, true},
		}); err != nil {
			return err
		}
		partial := []struct {
			model   any
			name    string
			columns []string
			unique  bool
			where   string
		}{
			// At most one pending descargo per infraction.
			{(*dispute0005)(nil), "disputes_pending_key", []string{"infraction_id"}, true, "status = 'pendiente'"},
			{(*notification0005)(nil), "notifications_pending_idx", []string{"next_attempt_at", "id"}, false, "sent_at IS NULL"},
		}
		for _, ix := range partial {
			q := tx.NewCreateIndex().Model(ix.model).Index(ix.name).Where(ix.where)
			for _, c := range ix.columns {
				q = q.ColumnExpr(c)
			}
			if ix.unique {
				q = q.Unique()
			}
			if _, err := q.Exec(ctx); err != nil {
				return fmt.Errorf("create index %s: %w", ix.name, err)
			}
		}
		return nil
	}), inTx(func(ctx context.Context, tx bun.Tx) error {
		for _, table := range []string{"notifications", "attachments", "disputes"} {
			if _, err := tx.ExecContext(ctx, "DROP TABLE IF EXISTS "+table); err != nil {
				return err
			}
		}
		return nil
	}))
}

package migrations

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/migrate"
)

type person0001 struct {
	bun.BaseModel `bun:"table:persons"`
	ID            int64     `bun:",pk,autoincrement"`
	Name          string    `bun:",notnull"`
	Email         string    `bun:",notnull"`
	CreatedAt     time.Time `bun:",notnull"`
	UpdatedAt     time.Time `bun:",notnull"`
}

type vehicle0001 struct {
	bun.BaseModel `bun:"table:vehicles"`
	ID            int64     `bun:",pk,autoincrement"`
	Plate         string    `bun:",notnull"`
	Brand         string    `bun:",notnull"`
	Color         string    `bun:",notnull"`
	PersonID      int64     `bun:",notnull"`
	CreatedAt     time.Time `bun:",notnull"`
	UpdatedAt     time.Time `bun:",notnull"`
}

type officer0001 struct {
	bun.BaseModel `bun:"table:officers"`
	ID            int64     `bun:",pk,autoincrement"`
	Name          string    `bun:",notnull"`
	Badge         string    `bun:",notnull"`
	Active        bool      `bun:",notnull"`
	CreatedAt     time.Time `bun:",notnull"`
	UpdatedAt     time.Time `bun:",notnull"`
}

type officerToken0001 struct {
	bun.BaseModel `bun:"table:officer_tokens"`
	ID            int64      `bun:",pk,autoincrement"`
	OfficerID     int64      `bun:",notnull"`
	TokenHash     string     `bun:",notnull"`
	Prefix        string     `bun:",notnull"`
	LastUsedAt    *time.Time `bun:""`
	RevokedAt     *time.Time `bun:""`
	CreatedAt     time.Time  `bun:",notnull"`
	UpdatedAt     time.Time  `bun:",notnull"`
}

type infraction0001 struct {
	bun.BaseModel  `bun:"table:infractions"`
	ID             int64     `bun:",pk,autoincrement"`
	VehicleID      int64     `bun:",notnull"`
	OfficerID      int64     `bun:",notnull"`
	PersonID       int64     `bun:",notnull"`
	OccurredAt     time.Time `bun:",notnull"`
	RecordedAt     time.Time `bun:",notnull"`
	Comments       string    `bun:",notnull"`
	IdempotencyKey *string   `bun:""`
	Status         string    `bun:",notnull"`
	VoidReason     string    `bun:",notnull"`
	CreatedAt      time.Time `bun:",notnull"`
	UpdatedAt      time.Time `bun:",notnull"`
}

type admin0001 struct {
	bun.BaseModel `bun:"table:admins"`
	ID            int64      `bun:",pk,autoincrement"`
	Username      string     `bun:",notnull"`
	PasswordHash  string     `bun:",notnull"`
	LastLoginAt   *time.Time `bun:""`
	CreatedAt     time.Time  `bun:",notnull"`
	UpdatedAt     time.Time  `bun:",notnull"`
}

type auditEntry0001 struct {
	bun.BaseModel `bun:"table:audit_log"`
	ID            int64     `bun:",pk,autoincrement"`
	At            time.Time `bun:",notnull"`
	ActorKind     string    `bun:",notnull"`
	ActorID       *int64    `bun:""`
	ActorName     string    `bun:",notnull"`
	Action        string    `bun:",notnull"`
	Entity        string    `bun:",notnull"`
	EntityID      *int64    `bun:""`
	Detail        string    `bun:",notnull"`
	CreatedAt     time.Time `bun:",notnull"`
	UpdatedAt     time.Time `bun:",notnull"`
}

type setting0001 struct {
	bun.BaseModel `bun:"table:settings"`
	Key           string    `bun:",pk"`
	Value         string    `bun:",notnull"`
	CreatedAt     time.Time `bun:",notnull"`
	UpdatedAt     time.Time `bun:",notnull"`
}

type loginFailure0001 struct {
	bun.BaseModel `bun:"table:login_failures"`
	ID            int64     `bun:",pk,autoincrement"`
	Username      string    `bun:",notnull"`
	Client        string    `bun:",notnull"`
	At            time.Time `bun:",notnull"`
	CreatedAt     time.Time `bun:",notnull"`
	UpdatedAt     time.Time `bun:",notnull"`
}

type index0001 struct {
	model   any
	name    string
	columns []string
	unique  bool
}

func initialSchema(m *migrate.Migrations) {
	m.MustRegister(inTx(func(ctx context.Context, tx bun.Tx) error {
		tables := []struct {
			model any
			fks   []string
		}{
			{(*person0001)(nil), nil},
			{(*vehicle0001)(nil), []string{`("person_id") REFERENCES "persons" ("id") ON DELETE RESTRICT`}},
			{(*officer0001)(nil), nil},
			{(*officerToken0001)(nil), []string{`("officer_id") REFERENCES "officers" ("id") ON DELETE RESTRICT`}},
			{(*infraction0001)(nil), []string{
				`("vehicle_id") REFERENCES "vehicles" ("id") ON DELETE RESTRICT`,
				`("officer_id") REFERENCES "officers" ("id") ON DELETE RESTRICT`,
				`("person_id") REFERENCES "persons" ("id") ON DELETE RESTRICT`,
			}},
			{(*admin0001)(nil), nil},
			{(*auditEntry0001)(nil), nil},
			{(*setting0001)(nil), nil},
			{(*loginFailure0001)(nil), nil},
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
		// Every index on infractions and audit_log costs the API a random page
		// write per row: keep only those a query needs. The idempotency index
		// (officer_id first) also serves officer_id's foreign key, and the
		// audit log is read newest first by id.
		indexes := []index0001{
			{(*person0001)(nil), "persons_email_key", []string{"email"}, true},
			{(*person0001)(nil), "persons_name_idx", []string{"name"}, false},
			{(*vehicle0001)(nil), "vehicles_plate_key", []string{"plate"}, true},
			{(*vehicle0001)(nil), "vehicles_person_idx", []string{"person_id"}, false},
			{(*vehicle0001)(nil), "vehicles_brand_idx", []string{"brand"}, false},
			{(*officer0001)(nil), "officers_badge_key", []string{"badge"}, true},
			{(*officer0001)(nil), "officers_name_idx", []string{"name"}, false},
			{(*officerToken0001)(nil), "officer_tokens_hash_key", []string{"token_hash"}, true},
			{(*officerToken0001)(nil), "officer_tokens_officer_idx", []string{"officer_id"}, false},
			{(*infraction0001)(nil), "infractions_person_time_idx", []string{"person_id", "occurred_at DESC", "id DESC"}, false},
			{(*infraction0001)(nil), "infractions_vehicle_time_idx", []string{"vehicle_id", "occurred_at DESC"}, false},
			{(*infraction0001)(nil), "infractions_time_idx", []string{"occurred_at DESC", "id DESC"}, false},
			{(*infraction0001)(nil), "infractions_idempotency_key", []string{"officer_id", "idempotency_key"}, true},
			{(*admin0001)(nil), "admins_username_key", []string{"username"}, true},
			{(*auditEntry0001)(nil), "audit_log_entity_idx", []string{"entity", "entity_id"}, false},
			{(*loginFailure0001)(nil), "login_failures_key_idx", []string{"username", "client", "at"}, false},
		}
		for _, ix := range indexes {
			q := tx.NewCreateIndex().Model(ix.model).Index(ix.name)
			for _, col := range ix.columns {
				q = q.ColumnExpr(col)
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
		for _, table := range []string{"login_failures", "settings", "audit_log", "admins", "infractions", "officer_tokens", "officers", "vehicles", "persons"} {
			if _, err := tx.ExecContext(ctx, "DROP TABLE IF EXISTS "+table); err != nil {
				return err
			}
		}
		return nil
	}))
}

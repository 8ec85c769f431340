package migrations

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/migrate"
)

type infractionType0004 struct {
	bun.BaseModel `bun:"table:infraction_types"`
	ID            int64     `bun:",pk,autoincrement"`
	Code          string    `bun:",notnull"`
	Description   string    `bun:",notnull"`
	LegalRef      string    `bun:",notnull"`
	Severity      string    `bun:",notnull"`
	Units         int64     `bun:",notnull"`
	Points        int64     `bun:",notnull"`
	Active        bool      `bun:",notnull"`
	CreatedAt     time.Time `bun:",notnull"`
	UpdatedAt     time.Time `bun:",notnull"`
}

// unitValue0004 is the value of one fixed unit from ValidFrom (YYYY-MM-DD,
// a calendar date: it sorts as text in both databases) on.
type unitValue0004 struct {
	bun.BaseModel `bun:"table:unit_values"`
	ID            int64     `bun:",pk,autoincrement"`
	ValidFrom     string    `bun:",notnull"`
	Cents         int64     `bun:",notnull"`
	CreatedAt     time.Time `bun:",notnull"`
	UpdatedAt     time.Time `bun:",notnull"`
}

type payment0004 struct {
	bun.BaseModel `bun:"table:payments"`
	ID            int64     `bun:",pk,autoincrement"`
	InfractionID  int64     `bun:",notnull"`
	AmountCents   int64     `bun:",notnull"`
	Method        string    `bun:",notnull"`
	Reference     string    `bun:",notnull"`
	PaidAt        time.Time `bun:",notnull"`
	Actor         string    `bun:",notnull"`
	CreatedAt     time.Time `bun:",notnull"`
	UpdatedAt     time.Time `bun:",notnull"`
}

// infractionFines0004 are the columns a fine adds to infractions: the type
// and the copies taken from it at issue, and the place. Every existing row
// is sin tipificar (no type, no issue time, no amount).
type infractionFines0004 struct {
	bun.BaseModel `bun:"table:infractions"`
	TypeID        *int64     `bun:"type_id"`
	Units         int64      `bun:",notnull,default:0"`
	AmountCents   int64      `bun:",notnull,default:0"`
	Points        int64      `bun:",notnull,default:0"`
	IssuedAt      *time.Time `bun:"issued_at"`
	Latitude      *float64   `bun:"latitude"`
	Longitude     *float64   `bun:"longitude"`
	Place         string     `bun:",notnull,default:''"`
}

// personDocument0004 is the person's identity document (DNI, CUIT,
// passport), normalised; NULL when unknown, so that the unique index only
// binds the persons who have one.
type personDocument0004 struct {
	bun.BaseModel `bun:"table:persons"`
	Document      *string `bun:"document"`
}

// addColumns adds every field of model (a snapshot struct) to its table,
// with the SQL type Bun gives that field on this database; references maps
// a column to the REFERENCES clause of its foreign key.
func addColumns(ctx context.Context, tx bun.Tx, model any, references map[string]string) error {
	table := tx.Dialect().Tables().Get(reflect.TypeOf(model).Elem())
	for _, f := range table.Fields {
		def := []string{string(f.SQLName), f.CreateTableSQLType}
		if f.NotNull {
			def = append(def, "NOT NULL")
		}
		if f.SQLDefault != "" {
			def = append(def, "DEFAULT "+f.SQLDefault)
		}
		if ref, ok := references[f.Name]; ok {
			def = append(def, ref)
		}
		if _, err := tx.NewAddColumn().Model(model).ColumnExpr(strings.Join(def, " ")).Exec(ctx); err != nil {
			return fmt.Errorf("add column %s.%s: %w", table.Name, f.Name, err)
		}
	}
	return nil
}

// fines adds the legal catalogue, the unit value's history, payments, the
// fine's columns of an infraction and the person's document.
func fines(m *migrate.Migrations) {
	m.MustRegister(inTx(func(ctx context.Context, tx bun.Tx) error {
		tables := []struct {
			model any
			fks   []string
		}{
			{(*infractionType0004)(nil), nil},
			{(*unitValue0004)(nil), nil},
			{(*payment0004)(nil), []string{`("infraction_id") REFERENCES "infractions" ("id") ON DELETE RESTRICT`}},
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
		if err := addColumns(ctx, tx, (*infractionFines0004)(nil), map[string]string{
			"type_id": `REFERENCES "infraction_types" ("id") ON DELETE RESTRICT`,
		}); err != nil {
			return err
		}
		if err := addColumns(ctx, tx, (*personDocument0004)(nil), nil); err != nil {
			return err
		}
		return createIndexes(ctx, tx, []index0001{
			{(*infractionType0004)(nil), "infraction_types_code_key", []string{"code"}, true},
			{(*unitValue0004)(nil), "unit_values_from_key", []string{"valid_from"}, true},
			{(*payment0004)(nil), "payments_infraction_key", []string{"infraction_id"}, true},
			{(*payment0004)(nil), "payments_reference_key", []string{"method", "reference"}, true},
			{(*personDocument0004)(nil), "persons_document_key", []string{"document"}, true},
		})
	}), inTx(func(ctx context.Context, tx bun.Tx) error {
		for _, ix := range []string{"persons_document_key"} {
			if _, err := tx.NewDropIndex().Index(ix).IfExists().Exec(ctx); err != nil {
				return err
			}
		}
		for _, col := range []string{"persons.document", "infractions.place", "infractions.longitude", "infractions.latitude",
			"infractions.issued_at", "infractions.points", "infractions.amount_cents", "infractions.units", "infractions.type_id"} {
			table, column, _ := strings.Cut(col, ".")
			if _, err := tx.ExecContext(ctx, "ALTER TABLE "+table+" DROP COLUMN "+column); err != nil {
				return err
			}
		}
		for _, table := range []string{"payments", "unit_values", "infraction_types"} {
			if _, err := tx.ExecContext(ctx, "DROP TABLE IF EXISTS "+table); err != nil {
				return err
			}
		}
		return nil
	}))
}

package models

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"transito/models/rules"
)

// InfractionRow is an infraction with what a reader needs beside it: the
// vehicle and the officer.
type InfractionRow struct {
	ID           int64     `bun:"id"`
	PersonID     int64     `bun:"person_id"`
	Plate        string    `bun:"plate"`
	Brand        string    `bun:"brand"`
	Color        string    `bun:"color"`
	OccurredAt   time.Time `bun:"occurred_at"`
	RecordedAt   time.Time `bun:"recorded_at"`
	Comments     string    `bun:"comments"`
	OfficerName  string    `bun:"officer_name"`
	OfficerBadge string    `bun:"officer_badge"`
	Status       string    `bun:"status"`
	VoidReason   string    `bun:"void_reason"`
}

const infractionRowColumns = `i.id, i.person_id, v.plate, v.brand, v.color, i.occurred_at, i.recorded_at,
	i.comments, o.name AS officer_name, o.badge AS officer_badge, i.status, i.void_reason`

func selectInfractionRows(ctx context.Context, idb bun.IDB, where string, args ...any) ([]InfractionRow, error) {
	var rows []InfractionRow
	err := idb.NewSelect().
		ColumnExpr(infractionRowColumns).
		TableExpr("infractions AS i").
		Join("JOIN vehicles AS v ON v.id = i.vehicle_id").
		Join("JOIN officers AS o ON o.id = i.officer_id").
		Where(where, args...).
		OrderExpr("i.occurred_at DESC, i.id DESC").
		Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("models: select infractions: %w", err)
	}
	return rows, nil
}

// PersonByEmail finds a person by e-mail, case-insensitively.
func (s *Store) PersonByEmail(ctx context.Context, email string) (*Person, error) {
	p := new(Person)
	err := s.readers.NewSelect().Model(p).Where("email = ?", rules.NormalizeEmail(email)).Scan(ctx)
	if isNoRows(err) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("models: person by email: %w", err)
	}
	return p, nil
}

// Report returns the person with that e-mail and every infraction charged to
// them (they owned the vehicle at the time), newest first. ErrNotFound when no
// person has the e-mail.
func (s *Store) Report(ctx context.Context, email string) (*Person, []InfractionRow, error) {
	p, err := s.PersonByEmail(ctx, email)
	if err != nil {
		return nil, nil, err
	}
	rows, err := selectInfractionRows(ctx, s.readers, "i.person_id = ?", p.ID)
	if err != nil {
		return nil, nil, err
	}
	return p, rows, nil
}

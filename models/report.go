package models

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"transito/models/fines"
	"transito/models/rules"
)

// InfractionRow is an infraction with what a reader needs beside it: the
// vehicle, the officer, the fine's type and its descargos.
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
	// Status is the stored status (vigente, en_descargo, pagada, anulada);
	// what a person sees is the Assessment's.
	Status     string `bun:"status"`
	VoidReason string `bun:"void_reason"`
	// VoidPublicReason is the annulment's reason shown to the citizen (the
	// portal shows this one, never VoidReason).
	VoidPublicReason string `bun:"void_public_reason"`

	// The fine: its type as the catalogue has it now, and what was copied
	// at issue (IssuedAt nil while sin tipificar).
	TypeID      *int64     `bun:"type_id"`
	Code        string     `bun:"type_code"`
	Description string     `bun:"type_description"`
	LegalRef    string     `bun:"type_legal_ref"`
	Severity    string     `bun:"type_severity"`
	Units       int        `bun:"units"`
	Points      int        `bun:"points"`
	AmountCents int64      `bun:"amount_cents"`
	IssuedAt    *time.Time `bun:"issued_at"`
	// The place.
	Latitude  *float64 `bun:"latitude"`
	Longitude *float64 `bun:"longitude"`
	Place     string   `bun:"place"`

	// Disputes are the infraction's descargos, for the arithmetic; filled
	// by the queries that assess (loadDisputes).
	Disputes []fines.Dispute `bun:"-"`
}

// Issued reports whether the infraction has a type (it is a fine).
func (r *InfractionRow) Issued() bool { return r.IssuedAt != nil }

// Location is the place as the officer gave it.
func (r *InfractionRow) Location() rules.Place {
	return rules.Place{Lat: r.Latitude, Lon: r.Longitude, Description: r.Place}
}

// Fine is the infraction as the fines arithmetic sees it.
func (r *InfractionRow) Fine() fines.Fine {
	f := fines.Fine{OccurredAt: r.OccurredAt, AmountCents: r.AmountCents, Severity: fines.Severity(r.Severity),
		Status: fines.Status(r.Status), Disputes: r.Disputes}
	if r.IssuedAt != nil {
		f.IssuedAt = *r.IssuedAt
	}
	return f
}

// infractionRowColumns are the columns of an InfractionRow, read from
// infractionRowFrom.
const infractionRowColumns = `i.id, i.person_id, v.plate, v.brand, v.color, i.occurred_at, i.recorded_at,
	i.comments, o.name AS officer_name, o.badge AS officer_badge, i.status, i.void_reason, i.void_public_reason,
	i.type_id, COALESCE(t.code, '') AS type_code, COALESCE(t.description, '') AS type_description,
	COALESCE(t.legal_ref, '') AS type_legal_ref, COALESCE(t.severity, '') AS type_severity,
	i.units, i.points, i.amount_cents, i.issued_at, i.latitude, i.longitude, i.place`

// infractionRowFrom joins what infractionRowColumns reads to infractions AS i.
func infractionRowFrom(q *bun.SelectQuery) *bun.SelectQuery {
	return q.ColumnExpr(infractionRowColumns).
		TableExpr("infractions AS i").
		Join("JOIN vehicles AS v ON v.id = i.vehicle_id").
		Join("JOIN officers AS o ON o.id = i.officer_id").
		Join("LEFT JOIN infraction_types AS t ON t.id = i.type_id")
}

func selectInfractionRows(ctx context.Context, idb bun.IDB, where string, args ...any) ([]InfractionRow, error) {
	var rows []InfractionRow
	err := infractionRowFrom(idb.NewSelect()).
		Where(where, args...).
		OrderExpr("i.occurred_at DESC, i.id DESC").
		Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("models: select infractions: %w", err)
	}
	if err := loadDisputes(ctx, idb, rows); err != nil {
		return nil, err
	}
	return rows, nil
}

// loadDisputes fills the Disputes of each row (an issued fine's; one sin
// tipificar has none).
func loadDisputes(ctx context.Context, idb bun.IDB, rows []InfractionRow) error {
	at := map[int64]int{}
	var ids []int64
	for i := range rows {
		if rows[i].Issued() {
			at[rows[i].ID] = i
			ids = append(ids, rows[i].ID)
		}
	}
	for len(ids) > 0 {
		n := min(len(ids), importChunk)
		var ds []Dispute
		if err := idb.NewSelect().Model(&ds).Column("infraction_id", "status", "created_at", "resolved_at").
			Where("infraction_id IN (?)", bun.In(ids[:n])).Scan(ctx); err != nil && !isNoRows(err) {
			return fmt.Errorf("models: disputes: %w", err)
		}
		for _, d := range ds {
			r := &rows[at[d.InfractionID]]
			r.Disputes = append(r.Disputes, d.fine())
		}
		ids = ids[n:]
	}
	return nil
}

// fine is the descargo as the fines arithmetic sees it.
func (d *Dispute) fine() fines.Dispute {
	fd := fines.Dispute{Status: fines.DisputeStatus(d.Status), FiledAt: d.CreatedAt}
	if d.ResolvedAt != nil {
		fd.ResolvedAt = *d.ResolvedAt
	}
	return fd
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
// them (they owned the vehicle at the time), newest first, with their
// descargos. ErrNotFound when no person has the e-mail.
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

// InfractionsOf returns every infraction of a person (charged to them: they
// owned the vehicle at the time) or of a vehicle, newest first, with their
// descargos; of names the column, "person" or "vehicle".
func (s *Store) InfractionsOf(ctx context.Context, of string, id int64) ([]InfractionRow, error) {
	switch of {
	case "person":
		return selectInfractionRows(ctx, s.readers, "i.person_id = ?", id)
	case "vehicle":
		return selectInfractionRows(ctx, s.readers, "i.vehicle_id = ?", id)
	}
	return nil, fmt.Errorf("models: infractions of %q", of)
}

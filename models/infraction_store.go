package models

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"transito/models/rules"
)

// InfractionDetail is one infraction with everything its page shows.
type InfractionDetail struct {
	InfractionRow `bun:",extend"`
	VehicleID     int64  `bun:"vehicle_id"`
	OfficerID     int64  `bun:"officer_id"`
	PersonName    string `bun:"person_name"`
	PersonEmail   string `bun:"person_email"`
}

var infractionSorts = sortTable{
	"fecha":      {"i.occurred_at", "i.id"},
	"registrada": {"i.recorded_at", "i.id"},
	"patente":    {"v.plate", "i.occurred_at DESC", "i.id DESC"},
	"oficial":    {"o.name_key", "o.id", "i.occurred_at DESC", "i.id DESC"},
	"estado":     {"i.status", "i.occurred_at DESC", "i.id DESC"},
}

// filterInfractions applies the filters of the infractions list: desde and
// hasta (dates, YYYY-MM-DD, inclusive, in loc), oficial (badge), patente
// (exact plate), estado (vigente or anulada), persona and vehiculo (ids).
func filterInfractions(q *bun.SelectQuery, lq *ListQuery, loc *time.Location) *bun.SelectQuery {
	if loc == nil {
		loc = time.UTC
	}
	if t := rules.NormalizePlate(lq.Q); t != "" {
		lo, hi := platePrefixRange(t)
		q = q.Where("i.vehicle_id IN (SELECT id FROM vehicles WHERE plate >= ? AND plate < ?)", lo, hi)
	}
	if p := rules.NormalizePlate(lq.Filter("patente")); p != "" {
		q = q.Where("i.vehicle_id IN (SELECT id FROM vehicles WHERE plate = ?)", p)
	}
	if b := lq.Filter("oficial"); b != "" {
		q = q.Where("i.officer_id IN (SELECT id FROM officers WHERE badge = ?)", rules.NormalizeBadge(b))
	}
	q = whereDates(q, "i.occurred_at", lq, loc)
	switch lq.Filter("estado") {
	case StatusValid, StatusVoided:
		q = q.Where("i.status = ?", lq.Filter("estado"))
	}
	if id, err := strconv.ParseInt(lq.Filter("persona"), 10, 64); err == nil {
		q = q.Where("i.person_id = ?", id)
	}
	if id, err := strconv.ParseInt(lq.Filter("vehiculo"), 10, 64); err == nil {
		q = q.Where("i.vehicle_id = ?", id)
	}
	return q
}

// infractionFrom is the FROM clause of an infractions list sorted by key.
// Sorting a million rows by plate or officer is only fast when the query
// walks that table's index and then each one's infractions in order; CROSS
// JOIN fixes that join order (SQLite never reorders it; elsewhere it is an
// inner join like any other).
func infractionFrom(q *bun.SelectQuery, key string) *bun.SelectQuery {
	switch key {
	case "patente":
		return q.TableExpr("vehicles AS v").Join("CROSS JOIN infractions AS i").Where("i.vehicle_id = v.id")
	case "oficial":
		return q.TableExpr("officers AS o").Join("CROSS JOIN infractions AS i").Where("i.officer_id = o.id")
	}
	return q.TableExpr("infractions AS i")
}

// ListInfractions returns one page of infractions, newest first by default.
// q matches the start of the plate.
func (s *Store) ListInfractions(ctx context.Context, q ListQuery, loc *time.Location) (*Paged[InfractionRow], error) {
	lq := &q
	infractionSorts.normalize(lq, "-fecha")
	count := filterInfractions(s.readers.NewSelect().TableExpr("infractions AS i"), lq, loc)
	ids := filterInfractions(infractionFrom(s.readers.NewSelect().Column("i.id"), lq.Sort), lq, loc)
	infractionSorts.apply(ids, lq, "-fecha")
	var rows []InfractionRow
	total, err := s.clampPageDates(ctx, count, lq, infractionDates, loc)
	if err != nil {
		return nil, err
	}
	err = pageIDs(ctx, ids, lq, func(page []int64) error {
		list := s.readers.NewSelect().
			ColumnExpr(infractionRowColumns).
			TableExpr("infractions AS i").
			Join("JOIN vehicles AS v ON v.id = i.vehicle_id").
			Join("JOIN officers AS o ON o.id = i.officer_id").
			Where("i.id IN (?)", bun.In(page))
		infractionSorts.apply(list, lq, "-fecha")
		return list.Scan(ctx, &rows)
	})
	if err != nil {
		return nil, err
	}
	return pageOf(rows, total, lq), nil
}

// InfractionByID returns one infraction with its vehicle, officer and person.
func (s *Store) InfractionByID(ctx context.Context, id int64) (*InfractionDetail, error) {
	d := new(InfractionDetail)
	err := s.readers.NewSelect().
		ColumnExpr(infractionRowColumns).
		ColumnExpr("i.vehicle_id, i.officer_id, p.name AS person_name, p.email AS person_email").
		TableExpr("infractions AS i").
		Join("JOIN vehicles AS v ON v.id = i.vehicle_id").
		Join("JOIN officers AS o ON o.id = i.officer_id").
		Join("JOIN persons AS p ON p.id = i.person_id").
		Where("i.id = ?", id).Scan(ctx, d)
	if isNoRows(err) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("models: infraction: %w", err)
	}
	return d, nil
}

// CreateInfraction registers an infraction by hand, charged to the vehicle's
// current owner.
func (s *Store) CreateInfraction(ctx context.Context, in rules.InfractionInput, actor Actor) (int64, error) {
	if err := in.Clean().Err(); err != nil {
		return 0, err
	}
	var id int64
	err := s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		o := new(Officer)
		if err := tx.NewSelect().Model(o).Where("badge = ?", in.Badge).Scan(ctx); err != nil {
			if isNoRows(err) {
				return rules.FieldErrors{rules.FieldOfficer: "no hay ningún oficial con el número " + in.Badge}
			}
			return fmt.Errorf("models: officer: %w", err)
		}
		if !o.Active {
			return rules.FieldErrors{rules.FieldOfficer: "el oficial " + o.Badge + " está inactivo"}
		}
		rec, err := recordInTx(ctx, tx, s.dialect, RecordRequest{
			Officer: OfficerAuth{OfficerID: o.ID, Name: o.Name, Badge: o.Badge, Active: true},
			Plate:   in.Plate, OccurredAt: in.OccurredAt, Comments: in.Comments,
		})
		if errors.Is(err, ErrNotFound) {
			return rules.FieldErrors{rules.FieldPlate: "no hay ningún vehículo con la patente " + in.Plate}
		}
		if err != nil {
			return err
		}
		id = rec.Infraction.ID
		if !rec.Replayed {
			if err := countDates(ctx, tx, countInfractions, 0, tallyOf(rec.Infraction.OccurredAt)); err != nil {
				return err
			}
		}
		return audit(ctx, tx, actor, "create", "infraction", id, map[string]any{
			"placa_patente": in.Plate, "oficial": in.Badge, "timestamp": in.OccurredAt.UTC(), "via": "panel",
		})
	})
	return id, err
}

// VoidInfraction annuls an infraction with a reason. It is kept, with status
// "anulada"; infractions are never deleted from the panel.
func (s *Store) VoidInfraction(ctx context.Context, id int64, reason string, actor Actor) error {
	in := rules.VoidInput{Reason: reason}
	if err := in.Clean().Err(); err != nil {
		return err
	}
	reason = in.Reason
	return s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		i := new(Infraction)
		if err := tx.NewSelect().Model(i).Where("id = ?", id).Scan(ctx); err != nil {
			if isNoRows(err) {
				return ErrNotFound
			}
			return fmt.Errorf("models: infraction: %w", err)
		}
		if i.Status == StatusVoided {
			return &ConflictError{Message: "La infracción ya estaba anulada."}
		}
		if _, err := tx.NewUpdate().Model(i).Set("status = ?", StatusVoided).Set("void_reason = ?", reason).
			Set("updated_at = ?", now()).WherePK().Exec(ctx); err != nil {
			return fmt.Errorf("models: void infraction: %w", err)
		}
		return audit(ctx, tx, actor, "annul", "infraction", id, map[string]string{"motivo": reason})
	})
}

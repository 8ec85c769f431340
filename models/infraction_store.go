package models

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"
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
	"oficial":    {"o.name", "o.id", "i.occurred_at DESC", "i.id DESC"},
	"estado":     {"i.status", "i.occurred_at DESC", "i.id DESC"},
}

// InfractionFilters are the filters of the infractions list: desde and hasta
// (dates, YYYY-MM-DD, inclusive, in loc), oficial (badge), patente (exact
// plate), estado (vigente or anulada), persona and vehiculo (ids).
func filterInfractions(q *bun.SelectQuery, lq *ListQuery, loc *time.Location) *bun.SelectQuery {
	if loc == nil {
		loc = time.UTC
	}
	if t := NormalizePlate(lq.Q); t != "" {
		lo, hi := platePrefixRange(t)
		q = q.Where("i.vehicle_id IN (SELECT id FROM vehicles WHERE plate >= ? AND plate < ?)", lo, hi)
	}
	if p := NormalizePlate(lq.Filter("patente")); p != "" {
		q = q.Where("i.vehicle_id IN (SELECT id FROM vehicles WHERE plate = ?)", p)
	}
	if b := lq.Filter("oficial"); b != "" {
		q = q.Where("i.officer_id IN (SELECT id FROM officers WHERE badge = ?)", strings.ToUpper(b))
	}
	if d, err := time.ParseInLocation("2006-01-02", lq.Filter("desde"), loc); err == nil {
		q = q.Where("i.occurred_at >= ?", d.UTC())
	}
	if d, err := time.ParseInLocation("2006-01-02", lq.Filter("hasta"), loc); err == nil {
		q = q.Where("i.occurred_at < ?", d.AddDate(0, 0, 1).UTC())
	}
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
func (s *Store) ListInfractions(ctx context.Context, lq *ListQuery, loc *time.Location) (*Paged[InfractionRow], error) {
	if lq.Sort == "" {
		lq.Sort, lq.Desc = "fecha", true
	}
	infractionSorts.normalize(lq, "-fecha")
	count := filterInfractions(s.rdb.NewSelect().TableExpr("infractions AS i"), lq, loc)
	ids := filterInfractions(infractionFrom(s.rdb.NewSelect().Column("i.id"), lq.Sort), lq, loc)
	infractionSorts.apply(ids, lq, "-fecha")
	var rows []InfractionRow
	total, err := s.paginateIDs(ctx, count, ids, lq, func(page []int64) error {
		list := s.rdb.NewSelect().
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
	return &Paged[InfractionRow]{Items: rows, Total: total, Page: lq.Page, PerPage: lq.PerPage}, nil
}

// InfractionByID returns one infraction with its vehicle, officer and person.
func (s *Store) InfractionByID(ctx context.Context, id int64) (*InfractionDetail, error) {
	d := new(InfractionDetail)
	err := s.rdb.NewSelect().
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

// InfractionInput is an infraction an administrator registers by hand.
type InfractionInput struct {
	Plate      string    `json:"placa_patente"`
	Badge      string    `json:"oficial"`
	OccurredAt time.Time `json:"timestamp"`
	Comments   string    `json:"comentarios"`
}

// Clean normalises the input and validates it.
func (in *InfractionInput) Clean() FieldErrors {
	fe := FieldErrors{}
	in.Plate = NormalizePlate(in.Plate)
	in.Badge = strings.ToUpper(strings.TrimSpace(in.Badge))
	in.Comments = strings.TrimSpace(in.Comments)
	switch {
	case in.Plate == "":
		fe.Add("placa_patente", "es obligatoria")
	case !ValidPlate(in.Plate):
		fe.Add("placa_patente", "debe tener de 2 a 10 letras (A–Z) o dígitos")
	}
	if in.Badge == "" {
		fe.Add("oficial", "es obligatorio: indique el número del oficial")
	} else if msg := checkText(in.Badge, MaxShortLen, false); msg != "" {
		fe.Add("oficial", msg)
	}
	if in.OccurredAt.IsZero() {
		fe.Add("timestamp", "es obligatoria")
	}
	if msg := CheckComments(in.Comments); msg != "" {
		fe.Add("comentarios", msg)
	}
	return fe
}

// CreateInfraction registers an infraction by hand, charged to the vehicle's
// current owner.
func (s *Store) CreateInfraction(ctx context.Context, in InfractionInput, actor Actor) (int64, error) {
	if err := in.Clean().Err(); err != nil {
		return 0, err
	}
	var id int64
	err := s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		o := new(Officer)
		if err := tx.NewSelect().Model(o).Where("badge = ?", in.Badge).Scan(ctx); err != nil {
			if isNoRows(err) {
				return FieldErrors{"oficial": "no hay ningún oficial con el número " + in.Badge}
			}
			return fmt.Errorf("models: officer: %w", err)
		}
		if !o.Active {
			return FieldErrors{"oficial": "el oficial " + o.Badge + " está inactivo"}
		}
		rec, err := recordInTx(ctx, tx, RecordRequest{
			Officer: OfficerAuth{OfficerID: o.ID, Name: o.Name, Badge: o.Badge, Active: true},
			Plate:   in.Plate, OccurredAt: in.OccurredAt, Comments: in.Comments,
		})
		if errors.Is(err, ErrNotFound) {
			return FieldErrors{"placa_patente": "no hay ningún vehículo con la patente " + in.Plate}
		}
		if err != nil {
			return err
		}
		id = rec.Infraction.ID
		return audit(ctx, tx, actor, "create", "infraction", id, map[string]any{
			"placa_patente": in.Plate, "oficial": in.Badge, "timestamp": in.OccurredAt.UTC(), "via": "panel",
		})
	})
	return id, err
}

// VoidInfraction annuls an infraction with a reason. It is kept, with status
// "anulada"; infractions are never deleted from the panel.
func (s *Store) VoidInfraction(ctx context.Context, id int64, reason string, actor Actor) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return FieldErrors{"motivo": "es obligatorio: explique por qué se anula"}
	}
	if msg := checkText(reason, 500, true); msg != "" {
		return FieldErrors{"motivo": msg}
	}
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

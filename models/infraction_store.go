package models

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"transito/models/fines"
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

// The values of the infraction list's estado filter: the statuses a person
// sees (fines.Status) and sin_tipificar.
const FilterUnclassified = "sin_tipificar"

// InfractionStatusFilters are the values of the estado filter, in the order
// the panel offers them.
var InfractionStatusFilters = []string{StatusValid, StatusDisputed, StatusPaid, StatusVoided, string(fines.Prescrita), FilterUnclassified}

// statusSQL writes the effective statuses as SQL conditions on
// infractions AS i, at one moment with one tariff: prescrita is derived
// from the infraction's date and its type's severity
// (fines.Settings.PrescribedBefore).
type statusSQL struct {
	clauses []string
	args    []any
	// latest is the latest cut-off: nothing that occurred at or after it
	// is prescribed, which lets an index on occurred_at skip the check.
	latest time.Time
}

func newStatusSQL(t *Tariff, now time.Time, loc *time.Location) statusSQL {
	var st statusSQL
	for _, sev := range []fines.Severity{fines.Leve, fines.Grave, fines.Gravisima} {
		cut, ok := t.Settings.PrescribedBefore(sev, now, loc)
		var ids []int64
		for _, it := range t.Types {
			if it.Severity == string(sev) {
				ids = append(ids, it.ID)
			}
		}
		if !ok || len(ids) == 0 {
			continue
		}
		st.clauses = append(st.clauses, "(i.type_id IN (?) AND i.occurred_at < ?)")
		st.args = append(st.args, bun.In(ids), cut.UTC())
		if cut.After(st.latest) {
			st.latest = cut
		}
	}
	return st
}

// open is the stored statuses of a fine not yet settled.
const openStatuses = "i.status IN ('vigente', 'en_descargo')"

// prescribed is the condition of a prescribed fine among the open ones.
func (st statusSQL) prescribed() (string, []any) {
	if len(st.clauses) == 0 {
		return "1 = 0", nil
	}
	return "i.occurred_at < ? AND (" + strings.Join(st.clauses, " OR ") + ")", append([]any{st.latest.UTC()}, st.args...)
}

// where keeps the infractions whose status is status as a person sees it
// (or the sin tipificar ones): an open fine past its prescription is
// prescrita, not vigente or en_descargo.
func (st statusSQL) where(q *bun.SelectQuery, status string) *bun.SelectQuery {
	cond, args := st.prescribed()
	switch status {
	case StatusValid, StatusDisputed:
		return q.Where("i.status = ?", status).Where("NOT ("+cond+")", args...)
	case StatusPaid, StatusVoided:
		return q.Where("i.status = ?", status)
	case string(fines.Prescrita):
		return q.Where(openStatuses).Where(cond, args...)
	case FilterUnclassified:
		return q.Where("i.type_id IS NULL").Where("i.status = ?", StatusValid)
	}
	return q
}

// unpaid keeps the issued fines that are owed: not paid, annulled or
// prescribed.
func (st statusSQL) unpaid(q *bun.SelectQuery) *bun.SelectQuery {
	cond, args := st.prescribed()
	return q.Where(openStatuses).Where("i.type_id IS NOT NULL").Where("NOT ("+cond+")", args...)
}

// filterInfractions applies the filters of the infractions list: desde and
// hasta (dates, YYYY-MM-DD, inclusive, in loc), oficial (badge), patente
// (exact plate), estado (InfractionStatusFilters, at the moment st was
// built), codigo and gravedad (of the type), persona and vehiculo (ids).
// infractionFilter is filterInfractions with the tariff of now, for the
// queries that apply the list's filters beside it (exports, date counts).
func (s *Store) infractionFilter(ctx context.Context, lq *ListQuery, loc *time.Location, now time.Time) (func(*bun.SelectQuery) *bun.SelectQuery, error) {
	t, err := s.Tariff(ctx)
	if err != nil {
		return nil, err
	}
	st := newStatusSQL(t, now, loc)
	return func(q *bun.SelectQuery) *bun.SelectQuery { return filterInfractions(q, lq, loc, t, st) }, nil
}

func filterInfractions(q *bun.SelectQuery, lq *ListQuery, loc *time.Location, t *Tariff, st statusSQL) *bun.SelectQuery {
	if loc == nil {
		loc = time.UTC
	}
	if p := rules.NormalizePlate(lq.Q); p != "" {
		lo, hi := platePrefixRange(p)
		q = q.Where("i.vehicle_id IN (SELECT id FROM vehicles WHERE plate >= ? AND plate < ?)", lo, hi)
	}
	if p := rules.NormalizePlate(lq.Filter("patente")); p != "" {
		q = q.Where("i.vehicle_id IN (SELECT id FROM vehicles WHERE plate = ?)", p)
	}
	if b := lq.Filter("oficial"); b != "" {
		q = q.Where("i.officer_id IN (SELECT id FROM officers WHERE badge = ?)", rules.NormalizeBadge(b))
	}
	q = whereDates(q, "i.occurred_at", lq, loc)
	q = st.where(q, lq.Filter("estado"))
	if c := lq.Filter(rules.FieldCode); c != "" {
		if it, ok := t.TypeByCode(c); ok {
			q = q.Where("i.type_id = ?", it.ID)
		} else {
			q = q.Where("1 = 0")
		}
	}
	if sev := rules.NormalizeSeverity(lq.Filter(rules.FieldSeverity)); sev.Valid() {
		var ids []int64
		for _, it := range t.Types {
			if it.Severity == string(sev) {
				ids = append(ids, it.ID)
			}
		}
		if len(ids) == 0 {
			q = q.Where("1 = 0")
		} else {
			q = q.Where("i.type_id IN (?)", bun.In(ids))
		}
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

// ListInfractions returns one page of infractions, newest first by default,
// with their descargos. q matches the start of the plate; the estado filter
// is the status at now (see filterInfractions).
func (s *Store) ListInfractions(ctx context.Context, q ListQuery, loc *time.Location, now time.Time) (*Paged[InfractionRow], error) {
	t, err := s.Tariff(ctx)
	if err != nil {
		return nil, err
	}
	lq := &q
	st := newStatusSQL(t, now, loc)
	infractionSorts.normalize(lq, "-fecha")
	count := filterInfractions(s.readers.NewSelect().TableExpr("infractions AS i"), lq, loc, t, st)
	ids := filterInfractions(infractionFrom(s.readers.NewSelect().Column("i.id"), lq.Sort), lq, loc, t, st)
	infractionSorts.apply(ids, lq, "-fecha")
	var rows []InfractionRow
	total, err := s.clampPageDates(ctx, count, lq, infractionDates, loc)
	if err != nil {
		return nil, err
	}
	err = pageIDs(ctx, ids, lq, func(page []int64) error {
		list := infractionRowFrom(s.readers.NewSelect()).Where("i.id IN (?)", bun.In(page))
		infractionSorts.apply(list, lq, "-fecha")
		if err := list.Scan(ctx, &rows); err != nil {
			return err
		}
		return loadDisputes(ctx, s.readers, rows)
	})
	if err != nil {
		return nil, err
	}
	return pageOf(rows, total, lq), nil
}

// InfractionByID returns one infraction with its vehicle, officer, person
// and descargos.
func (s *Store) InfractionByID(ctx context.Context, id int64) (*InfractionDetail, error) {
	return infractionByID(ctx, s.readers, id)
}

func infractionByID(ctx context.Context, idb bun.IDB, id int64) (*InfractionDetail, error) {
	d := new(InfractionDetail)
	err := infractionRowFrom(idb.NewSelect()).
		ColumnExpr("i.vehicle_id, i.officer_id, p.name AS person_name, p.email AS person_email").
		Join("JOIN persons AS p ON p.id = i.person_id").
		Where("i.id = ?", id).Scan(ctx, d)
	if isNoRows(err) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("models: infraction: %w", err)
	}
	rows := []InfractionRow{d.InfractionRow}
	if err := loadDisputes(ctx, idb, rows); err != nil {
		return nil, err
	}
	d.InfractionRow = rows[0]
	return d, nil
}

// CreateInfraction registers an infraction by hand, charged to the vehicle's
// current owner; with a code it is issued at once (and its owner notified).
func (s *Store) CreateInfraction(ctx context.Context, in rules.InfractionInput, actor Actor) (int64, error) {
	fe := in.Clean()
	var issue *Issue
	if in.Code != "" {
		t, err := s.Tariff(ctx)
		if err != nil {
			return 0, err
		}
		var ie rules.FieldErrors
		if issue, err = t.Issue(in.Code, now(), s.Locale().Location); errors.As(err, &ie) {
			for k, v := range ie {
				fe.Add(k, v)
			}
		}
	}
	if len(fe) > 0 {
		if err := s.InfractionRefs(ctx, in, fe); err != nil {
			return 0, err
		}
		return 0, fe
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
			return rules.FieldErrors{rules.FieldOfficer: "el número " + o.Badge + " está inactivo: no puede registrar infracciones"}
		}
		req := RecordRequest{
			Officer: OfficerAuth{OfficerID: o.ID, Name: o.Name, Badge: o.Badge, Active: true},
			Plate:   in.Plate, OccurredAt: in.OccurredAt, Comments: in.Comments, Place: in.Place, Issue: issue,
		}
		rec, err := recordInTx(ctx, tx, s, req)
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
		detail := map[string]any{"placa_patente": in.Plate, "oficial": in.Badge, "timestamp": in.OccurredAt.UTC(), "via": "panel"}
		if issue != nil {
			detail["codigo"] = issue.Type.Code
			detail["importe"] = fines.FormatAmount(issue.AmountCents)
		}
		return audit(ctx, tx, actor, "create", "infraction", id, detail)
	})
	return id, err
}

// ClassifyInfraction sets the type of an infraction sin tipificar: it is
// issued now, at the unit value of today, and its owner is notified. A
// FieldErrors on codigo when no active type has the code (or no unit value
// is in force); a *ConflictError when it already has a type or is annulled.
func (s *Store) ClassifyInfraction(ctx context.Context, id int64, code string, actor Actor) (*Issue, error) {
	return s.classifyAt(ctx, id, code, now(), actor)
}

func (s *Store) classifyAt(ctx context.Context, id int64, code string, at time.Time, actor Actor) (*Issue, error) {
	if strings.TrimSpace(code) == "" {
		return nil, rules.FieldErrors{rules.FieldCode: "es obligatorio: elija un tipo del catálogo"}
	}
	t, err := s.Tariff(ctx)
	if err != nil {
		return nil, err
	}
	issue, err := t.Issue(code, at, s.Locale().Location)
	if err != nil {
		return nil, err
	}
	err = s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := s.dialect.lockRow(ctx, tx, "infractions", id); err != nil {
			return err
		}
		i, err := infractionByID(ctx, tx, id)
		if err != nil {
			return err
		}
		switch {
		case i.Status == StatusVoided:
			return &ConflictError{Message: "La infracción está anulada: no se tipifica."}
		case i.Issued():
			return &ConflictError{Message: "La infracción ya está tipificada (" + i.Code + ")."}
		}
		ts := issue.IssuedAt
		res, err := tx.NewUpdate().Table("infractions").
			Set("type_id = ?", issue.Type.ID).Set("units = ?", issue.Units).Set("points = ?", issue.Points).
			Set("amount_cents = ?", issue.AmountCents).Set("issued_at = ?", ts).Set("updated_at = ?", now()).
			Where("id = ?", id).Where("issued_at IS NULL").Exec(ctx)
		if err != nil {
			return fmt.Errorf("models: classify infraction: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return &ConflictError{Message: "La infracción ya está tipificada."}
		}
		i.TypeID, i.Code, i.Description, i.LegalRef, i.Severity = &issue.Type.ID, issue.Type.Code, issue.Type.Description, issue.Type.LegalRef, issue.Type.Severity
		i.Units, i.Points, i.AmountCents, i.IssuedAt = issue.Units, issue.Points, issue.AmountCents, &ts
		n := s.Locale().issued(&i.InfractionRow, i.PersonName, t.Settings)
		if err := insertNotification(ctx, tx, n, i.PersonEmail, id); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "classify", "infraction", id, map[string]any{
			"codigo": issue.Type.Code, "unidades": issue.Units, "importe": fines.FormatAmount(issue.AmountCents),
		})
	})
	if err != nil {
		return nil, err
	}
	return issue, nil
}

// VoidInfraction annuls an infraction with a reason (internal; the citizen
// reads none). It is kept, with status "anulada"; infractions are never
// deleted from the panel.
func (s *Store) VoidInfraction(ctx context.Context, id int64, reason string, actor Actor) error {
	return s.Annul(ctx, []int64{id}, rules.VoidInput{Reason: reason}, actor)
}

// AnnulError says which infraction of several kept them all from being
// annulled, and why.
type AnnulError struct {
	ID  int64
	Err error
}

func (e *AnnulError) Error() string { return fmt.Sprintf("infracción n.º %d: %v", e.ID, e.Err) }

func (e *AnnulError) Unwrap() error { return e.Err }

// Annul annuls the infractions ids with one reason, all or none: in one
// transaction, and when one of them cannot be annulled (unknown, already
// annulled, paid, with a descargo) nothing changes and the error (an
// *AnnulError when there are several) names it. One id answers its own
// error as it is.
func (s *Store) Annul(ctx context.Context, ids []int64, in rules.VoidInput, actor Actor) error {
	if err := in.Clean().Err(); err != nil {
		return err
	}
	if len(ids) == 0 {
		return &ConflictError{Message: "No eligió ninguna infracción."}
	}
	return s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		for _, id := range ids {
			if err := annul(ctx, tx, id, in, actor); err != nil {
				if len(ids) > 1 {
					return &AnnulError{ID: id, Err: err}
				}
				return err
			}
		}
		return nil
	})
}

// annul annuls one infraction inside tx.
func annul(ctx context.Context, tx bun.Tx, id int64, in rules.VoidInput, actor Actor) error {
	i := new(Infraction)
	if err := tx.NewSelect().Model(i).Where("id = ?", id).Scan(ctx); err != nil {
		if isNoRows(err) {
			return ErrNotFound
		}
		return fmt.Errorf("models: infraction: %w", err)
	}
	switch i.Status {
	case StatusVoided:
		return &ConflictError{Message: "La infracción ya estaba anulada."}
	case StatusPaid:
		return &ConflictError{Message: "La infracción está pagada: no se anula."}
	case StatusDisputed:
		return &ConflictError{Message: "La infracción tiene un descargo en trámite: resuélvalo (aceptarlo la anula)."}
	}
	if _, err := tx.NewUpdate().Model(i).Set("status = ?", StatusVoided).Set("void_reason = ?", in.Reason).
		Set("void_public_reason = ?", in.PublicReason).Set("updated_at = ?", now()).WherePK().Exec(ctx); err != nil {
		return fmt.Errorf("models: void infraction: %w", err)
	}
	detail := map[string]string{rules.FieldVoidReason: in.Reason}
	if in.PublicReason != "" {
		detail[rules.FieldVoidPublicReason] = in.PublicReason
	}
	return audit(ctx, tx, actor, "annul", "infraction", id, detail)
}

// VehicleSummary is a vehicle as the officer checks it before writing.
type VehicleSummary struct {
	Vehicle
	// Unpaid counts its issued fines that are owed: not paid, annulled or
	// prescribed (at the moment asked).
	Unpaid int
}

// VehicleByPlate returns the vehicle with a normalised plate and how many
// of its fines are unpaid at now; ErrNotFound when no vehicle has it.
func (s *Store) VehicleByPlate(ctx context.Context, plate string, now time.Time, loc *time.Location) (*VehicleSummary, error) {
	t, err := s.Tariff(ctx)
	if err != nil {
		return nil, err
	}
	v := new(VehicleSummary)
	if err := s.readers.NewSelect().Model(&v.Vehicle).Where("plate = ?", plate).Scan(ctx); err != nil {
		if isNoRows(err) {
			return nil, ErrNotFound
		}
		return nil, fmt.Errorf("models: vehicle by plate: %w", err)
	}
	n, err := newStatusSQL(t, now, loc).unpaid(s.readers.NewSelect().TableExpr("infractions AS i").Where("i.vehicle_id = ?", v.ID)).Count(ctx)
	if err != nil {
		return nil, fmt.Errorf("models: unpaid fines: %w", err)
	}
	v.Unpaid = int(n)
	return v, nil
}

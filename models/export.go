package models

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// Cursor reads the rows of a list one at a time, in the list's order, with
// its search and filters but without pages: an export of a million rows
// holds one row in memory. Close it when done.
type Cursor[T any] struct {
	db   *bun.DB
	rows *sql.Rows
	row  T
	err  error
}

func openCursor[T any](ctx context.Context, db *bun.DB, q *bun.SelectQuery) (*Cursor[T], error) {
	rows, err := q.Rows(ctx)
	if err != nil {
		return nil, fmt.Errorf("models: export: %w", err)
	}
	return &Cursor[T]{db: db, rows: rows}, nil
}

// Next reads the next row; false at the end or on an error (see Err).
func (c *Cursor[T]) Next(ctx context.Context) bool {
	if c.err != nil || !c.rows.Next() {
		return false
	}
	var zero T
	c.row = zero
	if err := c.db.ScanRow(ctx, c.rows, &c.row); err != nil {
		c.err = fmt.Errorf("models: export: %w", err)
		return false
	}
	return true
}

// Row is the row Next read; it is overwritten by the next call.
func (c *Cursor[T]) Row() *T { return &c.row }

// Err is what stopped Next early, if anything did.
func (c *Cursor[T]) Err() error {
	if c.err != nil {
		return c.err
	}
	return c.rows.Err()
}

// Close releases the connection.
func (c *Cursor[T]) Close() error { return c.rows.Close() }

// onlyIDs keeps an export to the records ids (alias.id), when there are
// any: the list's "export selected".
func onlyIDs(q *bun.SelectQuery, alias string, ids []int64) *bun.SelectQuery {
	if len(ids) == 0 {
		return q
	}
	return q.Where("?.id IN (?)", bun.Ident(alias), bun.In(ids))
}

// ExportPersons reads every person the list shows for q, in its order.
func (s *Store) ExportPersons(ctx context.Context, q ListQuery) (*Cursor[PersonRow], error) {
	lq := &q
	list := s.readers.NewSelect().
		ColumnExpr("p.*").
		ColumnExpr("(SELECT count(*) FROM vehicles AS v WHERE v.person_id = p.id) AS vehicles").
		TableExpr("persons AS p")
	list = s.match(personSearch, lq.Q).where(list, "p", false)
	list = onlyIDs(list, "p", lq.IDs)
	personSorts.apply(list, lq, "nombre")
	return openCursor[PersonRow](ctx, s.readers, list)
}

// ExportVehicles reads every vehicle the list shows for q, with its owner.
func (s *Store) ExportVehicles(ctx context.Context, q ListQuery) (*Cursor[VehicleRow], error) {
	lq := &q
	list := s.readers.NewSelect().
		ColumnExpr("v.*, p.name AS owner_name, p.email AS owner_email").
		TableExpr("vehicles AS v").
		Join("JOIN persons AS p ON p.id = v.person_id")
	list = s.match(vehicleSearch, lq.Q).where(filterVehicles(list, lq), "v", false)
	list = onlyIDs(list, "v", lq.IDs)
	vehicleSorts.apply(list, lq, "patente")
	return openCursor[VehicleRow](ctx, s.readers, list)
}

// ExportOfficers reads every officer the list shows for q, with their token.
func (s *Store) ExportOfficers(ctx context.Context, q ListQuery) (*Cursor[OfficerRow], error) {
	lq := &q
	list := s.readers.NewSelect().
		ColumnExpr("o.*, t.prefix AS token_prefix, t.created_at AS token_created_at, t.last_used_at AS token_last_used_at").
		TableExpr("officers AS o").
		Join("LEFT JOIN officer_tokens AS t ON t.officer_id = o.id AND t.revoked_at IS NULL")
	list = filterOfficers(s.match(officerSearch, lq.Q).where(list, "o", false), lq)
	list = onlyIDs(list, "o", lq.IDs)
	officerSorts.apply(list, lq, "nombre")
	return openCursor[OfficerRow](ctx, s.readers, list)
}

// ExportInfractions reads every infraction the list shows for q, with its
// vehicle, officer and the owner at the time.
// The estado filter is the status at now.
func (s *Store) ExportInfractions(ctx context.Context, q ListQuery, loc *time.Location, now time.Time) (*Cursor[InfractionDetail], error) {
	lq := &q
	filter, err := s.infractionFilter(ctx, lq, loc, now)
	if err != nil {
		return nil, err
	}
	infractionSorts.normalize(lq, "-fecha")
	list := infractionFrom(s.readers.NewSelect().
		ColumnExpr(infractionRowColumns).
		ColumnExpr("i.vehicle_id, i.officer_id, p.name AS person_name, p.email AS person_email"), lq.Sort)
	switch lq.Sort {
	case "patente":
		list = list.Join("JOIN officers AS o ON o.id = i.officer_id")
	case "oficial":
		list = list.Join("JOIN vehicles AS v ON v.id = i.vehicle_id")
	default:
		list = list.Join("JOIN vehicles AS v ON v.id = i.vehicle_id").Join("JOIN officers AS o ON o.id = i.officer_id")
	}
	list = filter(list.Join("JOIN persons AS p ON p.id = i.person_id").Join("LEFT JOIN infraction_types AS t ON t.id = i.type_id"))
	list = onlyIDs(list, "i", lq.IDs)
	infractionSorts.apply(list, lq, "-fecha")
	return openCursor[InfractionDetail](ctx, s.readers, list)
}

// ExportAudit reads every audit entry the list shows for q.
func (s *Store) ExportAudit(ctx context.Context, q ListQuery, loc *time.Location) (*Cursor[AuditEntry], error) {
	lq := &q
	list := filterAudit(s.readers.NewSelect().ColumnExpr("a.*").TableExpr("audit_log AS a"), lq, loc)
	list = onlyIDs(list, "a", lq.IDs)
	auditSorts.apply(list, lq, "-fecha")
	return openCursor[AuditEntry](ctx, s.readers, list)
}

// ExportAdmins reads every administrator the list shows for q.
func (s *Store) ExportAdmins(ctx context.Context, q ListQuery) (*Cursor[Admin], error) {
	lq := &q
	list := filterAdmins(s.readers.NewSelect().ColumnExpr("a.*").TableExpr("admins AS a"), lq)
	list = onlyIDs(list, "a", lq.IDs)
	adminSorts.apply(list, lq, "usuario")
	return openCursor[Admin](ctx, s.readers, list)
}

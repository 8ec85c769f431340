package models

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"transito/models/rules"
)

// OfficerRow is an officer with their current token, if any.
type OfficerRow struct {
	Officer        `bun:",extend"`
	TokenPrefix    *string    `bun:"token_prefix"`
	TokenCreatedAt *time.Time `bun:"token_created_at"`
	TokenLastUsed  *time.Time `bun:"token_last_used_at"`
}

var officerSorts = sortTable{
	"nombre": {"o.name_key", "o.id"},
	"numero": {"o.badge"},
	"activo": {"o.active", "o.name_key", "o.id"},
	"uso":    {"t.last_used_at", "o.id"},
}

func officerRowQuery(q *bun.SelectQuery) *bun.SelectQuery {
	return q.ModelTableExpr("officers AS o").
		ColumnExpr("o.*, t.prefix AS token_prefix, t.created_at AS token_created_at, t.last_used_at AS token_last_used_at").
		Join("LEFT JOIN officer_tokens AS t ON t.officer_id = o.id AND t.revoked_at IS NULL")
}

// ListOfficers returns one page of officers; q matches name or badge; filter
// estado: "activo" or "inactivo".
func (s *Store) ListOfficers(ctx context.Context, q ListQuery) (*Paged[OfficerRow], error) {
	lq := &q
	m := s.match(officerSearch, lq.Q)
	filter := func(q *bun.SelectQuery) *bun.SelectQuery { return filterOfficers(m.where(q, "o", false), lq) }
	count := filter(s.readers.NewSelect().TableExpr("officers AS o"))
	var rows []OfficerRow
	list := filter(officerRowQuery(s.readers.NewSelect().Model(&rows)))
	officerSorts.apply(list, lq, "nombre")
	total, err := s.paginate(ctx, count, list, lq, &rows)
	if err != nil {
		return nil, err
	}
	return pageOf(rows, total, lq), nil
}

// filterOfficers applies the officer list's filter estado.
func filterOfficers(q *bun.SelectQuery, lq *ListQuery) *bun.SelectQuery {
	switch lq.Filter("estado") {
	case "activo":
		q = q.Where("o.active = ?", true)
	case "inactivo":
		q = q.Where("o.active = ?", false)
	}
	return q
}

// OfficerByID returns an officer with their current token.
func (s *Store) OfficerByID(ctx context.Context, id int64) (*OfficerRow, error) {
	row := new(OfficerRow)
	err := officerRowQuery(s.readers.NewSelect().Model(row)).Where("o.id = ?", id).Limit(1).Scan(ctx)
	if isNoRows(err) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("models: officer: %w", err)
	}
	return row, nil
}

func badgeConflict(badge string) *ConflictError {
	return &ConflictError{Field: rules.FieldBadge, Message: "ya existe un oficial con el número " + badge}
}

// UpdateOfficer changes an officer's name, badge and whether they are active.
func (s *Store) UpdateOfficer(ctx context.Context, id int64, in rules.OfficerInput, actor Actor) (*Officer, error) {
	if fe := in.Clean(); len(fe) > 0 {
		if err := s.officerTaken(ctx, id, in, fe); err != nil {
			return nil, err
		}
		return nil, fe
	}
	o := new(Officer)
	err := s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := tx.NewSelect().Model(o).Where("id = ?", id).Scan(ctx); err != nil {
			if isNoRows(err) {
				return ErrNotFound
			}
			return fmt.Errorf("models: officer: %w", err)
		}
		detail := changes{}
		detail.add("nombre", o.Name, in.Name)
		detail.add("numero", o.Badge, in.Badge)
		detail.add("activo", o.Active, in.Active)
		o.Name, o.Badge, o.Active, o.UpdatedAt = in.Name, in.Badge, in.Active, now()
		if _, err := tx.NewUpdate().Model(o).Column("name", "badge", "active", "name_key", "search_key", "updated_at").WherePK().Exec(ctx); err != nil {
			if isUniqueViolation(err) {
				return badgeConflict(in.Badge)
			}
			return fmt.Errorf("models: update officer: %w", err)
		}
		return audit(ctx, tx, actor, "update", "officer", o.ID, detail)
	})
	s.tokens.clear()
	if err != nil {
		return nil, err
	}
	return o, nil
}

// OfficerDependents explains what keeps an officer from being deleted, or "".
func (s *Store) OfficerDependents(ctx context.Context, id int64) (string, error) {
	return officerDependents(ctx, s.readers, id)
}

func officerDependents(ctx context.Context, idb bun.IDB, id int64) (string, error) {
	n, err := idb.NewSelect().Table("infractions").Where("officer_id = ?", id).Count(ctx)
	if err != nil {
		return "", fmt.Errorf("models: officer dependents: %w", err)
	}
	if n > 0 {
		return fmt.Sprintf("El oficial tiene %s; desactívelo en lugar de eliminarlo.", rules.Plural(int(n), "infracción registrada", "infracciones registradas")), nil
	}
	return "", nil
}

var officerDeletion = deletion[Officer]{
	entity: "officer", dependents: officerDependents,
	cascade: func(ctx context.Context, tx bun.Tx, id int64) error {
		if _, err := tx.NewDelete().Model((*OfficerToken)(nil)).Where("officer_id = ?", id).Exec(ctx); err != nil {
			return fmt.Errorf("models: delete officer tokens: %w", err)
		}
		return nil
	},
	restricted: "El oficial tiene registros que dependen de él.",
	detail:     func(o *Officer) any { return map[string]string{"nombre": o.Name, "numero": o.Badge} },
}

// DeleteOfficer deletes an officer without infractions, with their tokens.
func (s *Store) DeleteOfficer(ctx context.Context, id int64, actor Actor) error {
	err := officerDeletion.run(ctx, s, id, actor)
	s.tokens.clear()
	return err
}

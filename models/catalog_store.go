package models

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/uptrace/bun"

	"transito/models/rules"
)

// InfractionTypeRow is a type of the catalogue with whether infractions
// have it (the list) or how many do (InfractionTypeByID).
type InfractionTypeRow struct {
	InfractionType `bun:",extend"`
	InUse          bool `bun:"in_use"`
	Uses           int  `bun:"uses"`
}

var infractionTypeSorts = sortTable{
	"codigo":   {"t.code"},
	"gravedad": {"t.severity", "t.code"},
	"unidades": {"t.units", "t.code"},
	"puntos":   {"t.points", "t.code"},
}

// ListInfractionTypes returns one page of the catalogue, by code; q matches
// the code or the description; filters: gravedad, activo ("1" or "0").
func (s *Store) ListInfractionTypes(ctx context.Context, q ListQuery) (*Paged[InfractionTypeRow], error) {
	lq := &q
	filter := func(q *bun.SelectQuery) *bun.SelectQuery {
		if t := strings.TrimSpace(lq.Q); t != "" {
			pat := likePattern(t)
			q = q.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
				return q.Where(`lower(t.code) LIKE ? ESCAPE '\'`, pat).WhereOr(`lower(t.description) LIKE ? ESCAPE '\'`, pat)
			})
		}
		if sev := rules.NormalizeSeverity(lq.Filter(rules.FieldSeverity)); sev.Valid() {
			q = q.Where("t.severity = ?", string(sev))
		}
		switch lq.Filter(rules.FieldActive) {
		case "1":
			q = q.Where("t.active = ?", true)
		case "0":
			q = q.Where("t.active = ?", false)
		}
		return q
	}
	count := filter(s.readers.NewSelect().TableExpr("infraction_types AS t"))
	var rows []InfractionTypeRow
	list := filter(s.readers.NewSelect().Model(&rows).ModelTableExpr("infraction_types AS t").ColumnExpr("t.*").
		ColumnExpr("EXISTS (SELECT 1 FROM infractions AS i WHERE i.type_id = t.id) AS in_use"))
	infractionTypeSorts.apply(list, lq, "codigo")
	total, err := s.paginate(ctx, count, list, lq, &rows)
	if err != nil {
		return nil, err
	}
	return pageOf(rows, total, lq), nil
}

// InfractionTypeByID returns one type of the catalogue with its uses.
func (s *Store) InfractionTypeByID(ctx context.Context, id int64) (*InfractionTypeRow, error) {
	t := new(InfractionTypeRow)
	err := s.readers.NewSelect().Model(t).ModelTableExpr("infraction_types AS t").ColumnExpr("t.*").
		ColumnExpr("(SELECT count(*) FROM infractions AS i WHERE i.type_id = t.id) AS uses").
		Where("t.id = ?", id).Scan(ctx)
	t.InUse = t.Uses > 0
	if isNoRows(err) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("models: infraction type: %w", err)
	}
	return t, nil
}

func codeConflict(code string) *ConflictError {
	return &ConflictError{Field: rules.FieldCode, Message: "ya existe un tipo con el código " + code}
}

// CreateInfractionType adds a type to the catalogue.
func (s *Store) CreateInfractionType(ctx context.Context, in rules.InfractionTypeInput, actor Actor) (*InfractionType, error) {
	if fe := in.Clean(); len(fe) > 0 {
		if err := s.typeTaken(ctx, 0, in, fe); err != nil {
			return nil, err
		}
		return nil, fe
	}
	t := now()
	it := &InfractionType{Code: in.Code, Description: in.Description, LegalRef: in.LegalRef, Severity: in.Severity,
		Units: in.Units, Points: in.Points, Active: in.Active, CreatedAt: t, UpdatedAt: t}
	defer s.tariffChanged()
	err := s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewInsert().Model(it).Exec(ctx); err != nil {
			if isUniqueViolation(err) {
				return codeConflict(in.Code)
			}
			return fmt.Errorf("models: insert infraction type: %w", err)
		}
		return audit(ctx, tx, actor, "create", "infraction_type", it.ID, in)
	})
	if err != nil {
		return nil, err
	}
	return it, nil
}

// UpdateInfractionType changes a type of the catalogue. Fines already
// issued keep the units, points and amount they were issued with; a type
// in use is deactivated (Active false), never deleted.
func (s *Store) UpdateInfractionType(ctx context.Context, id int64, in rules.InfractionTypeInput, actor Actor) (*InfractionType, error) {
	if fe := in.Clean(); len(fe) > 0 {
		if err := s.typeTaken(ctx, id, in, fe); err != nil {
			return nil, err
		}
		return nil, fe
	}
	it := new(InfractionType)
	defer s.tariffChanged()
	err := s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := tx.NewSelect().Model(it).Where("id = ?", id).Scan(ctx); err != nil {
			if isNoRows(err) {
				return ErrNotFound
			}
			return fmt.Errorf("models: infraction type: %w", err)
		}
		detail := it.apply(in)
		if len(detail) == 0 {
			return nil
		}
		if _, err := tx.NewUpdate().Model(it).WherePK().Exec(ctx); err != nil {
			if isUniqueViolation(err) {
				return codeConflict(in.Code)
			}
			return fmt.Errorf("models: update infraction type: %w", err)
		}
		return audit(ctx, tx, actor, "update", "infraction_type", it.ID, detail)
	})
	if err != nil {
		return nil, err
	}
	return it, nil
}

// apply copies in to the type and returns what changed.
func (it *InfractionType) apply(in rules.InfractionTypeInput) changes {
	detail := changes{}
	detail.add(rules.FieldCode, it.Code, in.Code)
	detail.add(rules.FieldDescription, it.Description, in.Description)
	detail.add(rules.FieldLegalRef, it.LegalRef, in.LegalRef)
	detail.add(rules.FieldSeverity, it.Severity, in.Severity)
	detail.add(rules.FieldUnits, it.Units, in.Units)
	detail.add(rules.FieldPoints, it.Points, in.Points)
	detail.add(rules.FieldActive, it.Active, in.Active)
	it.Code, it.Description, it.LegalRef, it.Severity = in.Code, in.Description, in.LegalRef, in.Severity
	it.Units, it.Points, it.Active = in.Units, in.Points, in.Active
	if len(detail) > 0 {
		it.UpdatedAt = now()
	}
	return detail
}

// CatalogImportResult counts what a catalogue import did.
type CatalogImportResult struct {
	Created   int `json:"creados"`
	Updated   int `json:"actualizados"`
	Unchanged int `json:"sin_cambios"`
}

// ImportCatalog upserts the types of a catalogue file (rules.ParseCatalog)
// by code, all or nothing: a file with bad rows returns
// *ImportInvalidError and writes nothing. A type the file does not list is
// left as it is; a listed one keeps its active state unless the file has
// an activo column.
func (s *Store) ImportCatalog(ctx context.Context, r io.Reader, actor Actor) (*CatalogImportResult, error) {
	recs, errs := rules.ParseCatalog(r)
	if len(errs) > 0 {
		return nil, &ImportInvalidError{Errors: errs}
	}
	res := &CatalogImportResult{}
	defer s.tariffChanged()
	err := s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var existing []InfractionType
		if err := tx.NewSelect().Model(&existing).Scan(ctx); err != nil && !isNoRows(err) {
			return fmt.Errorf("models: catalogue: %w", err)
		}
		byCode := map[string]*InfractionType{}
		for i := range existing {
			byCode[existing[i].Code] = &existing[i]
		}
		t := now()
		for _, rec := range recs {
			in := rec.Type
			it, ok := byCode[in.Code]
			if !ok {
				it = &InfractionType{CreatedAt: t, UpdatedAt: t}
				it.apply(in)
				if _, err := tx.NewInsert().Model(it).Exec(ctx); err != nil {
					return fmt.Errorf("models: import type line %d: %w", rec.Line, err)
				}
				if err := audit(ctx, tx, actor, "create", "infraction_type", it.ID, map[string]any{"codigo": in.Code, "via": "import"}); err != nil {
					return err
				}
				res.Created++
				continue
			}
			if !rec.HasActive {
				in.Active = it.Active
			}
			detail := it.apply(in)
			if len(detail) == 0 {
				res.Unchanged++
				continue
			}
			if _, err := tx.NewUpdate().Model(it).WherePK().Exec(ctx); err != nil {
				return fmt.Errorf("models: import type line %d: %w", rec.Line, err)
			}
			if err := audit(ctx, tx, actor, "update", "infraction_type", it.ID, detail); err != nil {
				return err
			}
			res.Updated++
		}
		return audit(ctx, tx, actor, "import", "catalog", 0, res)
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

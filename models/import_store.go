package models

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/uptrace/bun"

	"transito/models/rules"
)

// ImportResult counts what an import did (or would do, in a preview).
type ImportResult struct {
	PersonsCreated  int                 `json:"personas_creadas"`
	PersonsUpdated  int                 `json:"personas_actualizadas"`
	VehiclesCreated int                 `json:"vehiculos_creados"`
	VehiclesUpdated int                 `json:"vehiculos_actualizados"`
	VehiclesMoved   int                 `json:"vehiculos_transferidos"`
	Unchanged       int                 `json:"sin_cambios"`
	Errors          []rules.ImportError `json:"errores,omitempty"`
}

// ImportInvalidError is returned when a file has bad rows; nothing was written.
type ImportInvalidError struct{ Errors []rules.ImportError }

func (e *ImportInvalidError) Error() string {
	parts := make([]string, 0, len(e.Errors))
	for _, ie := range e.Errors {
		parts = append(parts, ie.String())
	}
	return "models: import: " + strings.Join(parts, "; ")
}

// Import upserts the persons and vehicles of an import file, all or nothing:
// persons by e-mail (the name is updated), vehicles by plate (brand, colour
// and owner updated — a plate listed under another owner moves to them).
// With dryRun it computes the same result and writes nothing. A file with bad
// rows returns *ImportInvalidError and writes nothing.
func (s *Store) Import(ctx context.Context, r io.Reader, actor Actor, dryRun bool) (*ImportResult, error) {
	recs, errs := rules.ParseImport(r)
	if len(errs) > 0 {
		return &ImportResult{Errors: errs}, &ImportInvalidError{Errors: errs}
	}
	res := &ImportResult{}
	errDryRun := errors.New("dry run")
	err := s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var entries []AuditEntry
		for _, rec := range recs {
			if err := importRecord(ctx, tx, rec, actor, res, &entries); err != nil {
				return err
			}
		}
		at := tally{}
		for _, e := range entries {
			at.add(e.At)
		}
		if err := countDates(ctx, tx, countAudit, 0, at); err != nil {
			return err
		}
		for len(entries) > 0 {
			n := min(len(entries), 500)
			chunk := entries[:n]
			if _, err := tx.NewInsert().Model(&chunk).Exec(ctx); err != nil {
				return fmt.Errorf("models: import audit: %w", err)
			}
			entries = entries[n:]
		}
		if err := audit(ctx, tx, actor, "import", "registry", 0, res); err != nil {
			return err
		}
		if dryRun {
			return errDryRun
		}
		return nil
	})
	if err != nil && !errors.Is(err, errDryRun) {
		return nil, err
	}
	return res, nil
}

func importRecord(ctx context.Context, tx bun.Tx, rec rules.ImportRecord, actor Actor, res *ImportResult, entries *[]AuditEntry) error {
	t := now()
	p := new(Person)
	err := tx.NewSelect().Model(p).Where("email = ?", rec.Person.Email).Scan(ctx)
	switch {
	case isNoRows(err):
		p = &Person{Name: rec.Person.Name, Email: rec.Person.Email, CreatedAt: t, UpdatedAt: t}
		if _, err := tx.NewInsert().Model(p).Exec(ctx); err != nil {
			return fmt.Errorf("models: import person line %d: %w", rec.Line, err)
		}
		res.PersonsCreated++
		*entries = append(*entries, newAuditEntry(actor, "create", "person", p.ID, map[string]any{"nombre": p.Name, "email": p.Email, "via": "import"}))
	case err != nil:
		return fmt.Errorf("models: import person line %d: %w", rec.Line, err)
	case p.Name != rec.Person.Name:
		old := p.Name
		p.Name, p.UpdatedAt = rec.Person.Name, t
		if _, err := tx.NewUpdate().Model(p).Column("name", "name_key", "search_key", "updated_at").WherePK().Exec(ctx); err != nil {
			return fmt.Errorf("models: import person line %d: %w", rec.Line, err)
		}
		res.PersonsUpdated++
		*entries = append(*entries, newAuditEntry(actor, "update", "person", p.ID, map[string]any{"nombre": []string{old, rec.Person.Name}, "via": "import"}))
	default:
		res.Unchanged++
	}
	for _, iv := range rec.Vehicles {
		in := iv.Vehicle
		v := new(Vehicle)
		err := tx.NewSelect().Model(v).Where("plate = ?", in.Plate).Scan(ctx)
		if isNoRows(err) {
			v = &Vehicle{Plate: in.Plate, Brand: in.Brand, Color: in.Color, PersonID: p.ID, CreatedAt: t, UpdatedAt: t}
			if _, err := tx.NewInsert().Model(v).Exec(ctx); err != nil {
				return fmt.Errorf("models: import vehicle line %d: %w", iv.Line, err)
			}
			res.VehiclesCreated++
			*entries = append(*entries, newAuditEntry(actor, "create", "vehicle", v.ID, map[string]any{"placa_patente": v.Plate, "persona_id": p.ID, "via": "import"}))
			continue
		}
		if err != nil {
			return fmt.Errorf("models: import vehicle line %d: %w", iv.Line, err)
		}
		// A blank brand or colour in the file keeps what the registry knows.
		if in.Brand == "" {
			in.Brand = v.Brand
		}
		if in.Color == "" {
			in.Color = v.Color
		}
		if v.Brand == in.Brand && v.Color == in.Color && v.PersonID == p.ID {
			res.Unchanged++
			continue
		}
		detail := map[string]any{"placa_patente": v.Plate, "via": "import"}
		if v.PersonID != p.ID {
			detail["persona_id"] = []int64{v.PersonID, p.ID}
			res.VehiclesMoved++
		} else {
			res.VehiclesUpdated++
		}
		v.Brand, v.Color, v.PersonID, v.UpdatedAt = in.Brand, in.Color, p.ID, t
		if _, err := tx.NewUpdate().Model(v).Column("brand", "color", "person_id", "brand_key", "color_key", "search_key", "updated_at").
			WherePK().Exec(ctx); err != nil {
			return fmt.Errorf("models: import vehicle line %d: %w", iv.Line, err)
		}
		*entries = append(*entries, newAuditEntry(actor, "update", "vehicle", v.ID, detail))
	}
	return nil
}

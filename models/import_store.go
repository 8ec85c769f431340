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
	// Rows are the rows behind the counts, for the preview to list: the
	// first ImportListed of each kind, in file order.
	Rows ImportRows `json:"-"`
}

// ImportListed is how many rows of each kind an import's result lists (the
// counts say how many there are in all).
const ImportListed = 50

// ImportRows are the rows an import creates, updates or moves, each kind
// in file order.
type ImportRows struct {
	PersonsCreated, PersonsUpdated                  []ImportRow
	VehiclesCreated, VehiclesUpdated, VehiclesMoved []ImportRow
}

// ImportRow is one row of an import file as it changes the registry: its
// line, its key (the person's e-mail, the vehicle's plate), who or what it
// is, and what changes.
type ImportRow struct {
	Line    int
	Key     string
	Name    string
	Changes []ImportChange
}

// ImportChange is one field an import row sets (From "" when new).
type ImportChange struct {
	Label, From, To string
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
// With dryRun it computes the same result on a reader and writes nothing
// (it never holds the writer). A file with bad rows returns
// *ImportInvalidError and writes nothing.
func (s *Store) Import(ctx context.Context, r io.Reader, actor Actor, dryRun bool) (*ImportResult, error) {
	recs, errs := rules.ParseImport(r)
	if len(errs) > 0 {
		return &ImportResult{Errors: errs}, &ImportInvalidError{Errors: errs}
	}
	if dryRun {
		// The preview reads on a reader: it never holds the writer, and
		// officers' writes never wait for it.
		plan, err := planImport(ctx, s.readers, recs)
		var inv *ImportInvalidError
		if errors.As(err, &inv) {
			return &ImportResult{Errors: inv.Errors}, err
		}
		if err != nil {
			return nil, err
		}
		return &plan.res, nil
	}
	res := &ImportResult{}
	err := s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		plan, err := planImport(ctx, tx, recs)
		if err != nil {
			return err
		}
		entries, err := plan.apply(ctx, tx, s.dialect, actor)
		if err != nil {
			return err
		}
		*res = plan.res
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
		return audit(ctx, tx, actor, "import", "registry", 0, res)
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

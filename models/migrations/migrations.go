// Package migrations holds the versioned schema history of Tránsito.
//
// Each file is one migration, named by its version (Bun's migrate takes the
// version from the file name). Migrations describe tables with local structs,
// snapshots of the schema at that version, so that later changes to the models
// package never rewrite history.
package migrations

import (
	"context"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/migrate"
)

// New returns every migration, in order.
func New() *migrate.Migrations {
	m := migrate.NewMigrations()
	initialSchema(m)
	adminIndexes(m)
	adminSessions(m)
	adminRoles(m)
	searchKeys(m)
	dateCounts(m)
	fines(m)
	outbox(m)
	finesIndexes(m)
	finesListIndexes(m)
	recordHistory(m)
	personDocumentSearch(m)
	portal(m)
	writerIndexes(m)
	return m
}

// inTx runs fn in one transaction so that a migration applies whole or not at all.
func inTx(fn func(ctx context.Context, tx bun.Tx) error) migrate.MigrationFunc {
	return func(ctx context.Context, db *bun.DB) error {
		return db.RunInTx(ctx, nil, fn)
	}
}

package migrations

import (
	"context"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/migrate"

	"transito/models/rules"
)

// personDocumentSearch adds the person's document to their search key, so
// that the persons list finds a person by document; the text indexes
// follow search_key by themselves.
func personDocumentSearch(m *migrate.Migrations) {
	m.MustRegister(inTx(func(ctx context.Context, tx bun.Tx) error {
		return Rekey(ctx, tx, personKeysWithDocument)
	}), inTx(func(ctx context.Context, tx bun.Tx) error {
		return Rekey(ctx, tx, searchKeyTables[0])
	}))
}

// personKeysWithDocument are the persons' keys as of this migration.
var personKeysWithDocument = KeyedTable{Table: "persons", Source: []string{"name", "email", "COALESCE(document, '')"},
	Keys:    []string{"name_key", "search_key"},
	Compute: func(v []string) []string { return []string{rules.Fold(v[0]), rules.SearchKey(v[0], v[1], v[2])} }}

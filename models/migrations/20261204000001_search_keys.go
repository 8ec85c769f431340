package migrations

import (
	"context"
	"fmt"
	"strings"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
	"github.com/uptrace/bun/migrate"

	"transito/models/rules"
)

// searchKeys gives persons, vehicles and officers their folded keys
// (rules.Fold: lower case, no diacritics, ñ → n): the sort keys the lists
// order by and a search key per record, indexed for substring search by the
// database's own text index — an FTS5 table with the trigram tokenizer on
// SQLite (kept in step by triggers), a pg_trgm GIN index on PostgreSQL.
// Existing rows get their keys here; the indexes are built after that, once.
// The b-tree indexes on the old sort expressions (lower(name), lower(brand),
// lower(color)) give way to indexes on the keys.
func searchKeys(m *migrate.Migrations) {
	m.MustRegister(inTx(func(ctx context.Context, tx bun.Tx) error {
		pg := tx.Dialect().Name() == dialect.PG
		for _, c := range searchKeyColumns {
			typ := "TEXT NOT NULL DEFAULT ''"
			if pg {
				typ = `TEXT COLLATE "C" NOT NULL DEFAULT ''`
			}
			if _, err := tx.ExecContext(ctx, "ALTER TABLE "+c[0]+" ADD COLUMN "+c[1]+" "+typ); err != nil {
				return fmt.Errorf("add %s.%s: %w", c[0], c[1], err)
			}
		}
		for _, k := range searchKeyTables {
			if err := Rekey(ctx, tx, k); err != nil {
				return err
			}
		}
		for _, ix := range []string{"persons_name_idx", "persons_search_idx", "officers_name_idx", "vehicles_brand_color_ci_idx", "vehicles_color_ci_idx"} {
			if _, err := tx.NewDropIndex().Index(ix).IfExists().Exec(ctx); err != nil {
				return fmt.Errorf("drop index %s: %w", ix, err)
			}
		}
		for _, ix := range searchKeyIndexes {
			if _, err := tx.ExecContext(ctx, "CREATE INDEX "+ix); err != nil {
				return fmt.Errorf("create index %s: %w", ix, err)
			}
		}
		for _, k := range searchKeyTables {
			if err := createTextIndex(ctx, tx, k.Table); err != nil {
				return err
			}
		}
		return nil
	}), inTx(func(ctx context.Context, tx bun.Tx) error {
		for _, k := range searchKeyTables {
			if err := dropTextIndex(ctx, tx, k.Table); err != nil {
				return err
			}
		}
		for _, ix := range searchKeyIndexes {
			name, _, _ := strings.Cut(ix, " ")
			if _, err := tx.NewDropIndex().Index(name).IfExists().Exec(ctx); err != nil {
				return err
			}
		}
		for _, c := range searchKeyColumns {
			if _, err := tx.ExecContext(ctx, "ALTER TABLE "+c[0]+" DROP COLUMN "+c[1]); err != nil {
				return err
			}
		}
		for _, ix := range []string{
			"persons_name_idx ON persons (name)", "persons_search_idx ON persons (lower(name), email)",
			"officers_name_idx ON officers (name)", "vehicles_brand_color_ci_idx ON vehicles (lower(brand), lower(color))",
			"vehicles_color_ci_idx ON vehicles (lower(color))",
		} {
			if _, err := tx.ExecContext(ctx, "CREATE INDEX "+ix); err != nil {
				return err
			}
		}
		return nil
	}))
}

// searchKeyColumns are the key columns this migration adds (table, column).
var searchKeyColumns = [][2]string{
	{"persons", "name_key"}, {"persons", "search_key"},
	{"vehicles", "brand_key"}, {"vehicles", "color_key"}, {"vehicles", "search_key"},
	{"officers", "name_key"}, {"officers", "search_key"},
}

// searchKeyIndexes serve the sorts and the 1–2 character prefix searches.
var searchKeyIndexes = []string{
	"persons_name_key_idx ON persons (name_key, id)",
	"officers_name_key_idx ON officers (name_key, id)",
	"vehicles_brand_key_idx ON vehicles (brand_key, color_key, plate)",
	"vehicles_color_key_idx ON vehicles (color_key, plate)",
}

// searchKeyTables say how the keys of each table are made, as of this
// migration (the models package makes them the same way for new rows).
var searchKeyTables = []KeyedTable{
	{Table: "persons", Source: []string{"name", "email"}, Keys: []string{"name_key", "search_key"},
		Compute: func(v []string) []string { return []string{rules.Fold(v[0]), rules.SearchKey(v[0], v[1])} }},
	{Table: "vehicles", Source: []string{"plate", "brand", "color"}, Keys: []string{"brand_key", "color_key", "search_key"},
		Compute: func(v []string) []string {
			return []string{rules.Fold(v[1]), rules.Fold(v[2]), rules.SearchKey(v[0], v[1], v[2])}
		}},
	{Table: "officers", Source: []string{"name", "badge"}, Keys: []string{"name_key", "search_key"},
		Compute: func(v []string) []string { return []string{rules.Fold(v[0]), rules.SearchKey(v[0], v[1])} }},
}

// KeyedTable is a table whose key columns are computed from other columns
// of the same row.
type KeyedTable struct {
	Table   string
	Source  []string // text columns the keys are made of
	Keys    []string // the key columns
	Compute func(source []string) (keys []string)
}

// Rekey computes the keys of every row of k.Table again, a thousand rows at
// a time (read in id order, written back with one UPDATE per chunk). A
// migration that changes how keys are made (a new searched column, a change
// to rules.Fold) calls it with the new KeyedTable.
func Rekey(ctx context.Context, tx bun.Tx, k KeyedTable) error {
	const chunk = 1000
	var last int64
	for {
		rows, err := tx.QueryContext(ctx, "SELECT id, "+strings.Join(k.Source, ", ")+" FROM "+k.Table+
			" WHERE id > ? ORDER BY id LIMIT ?", last, chunk)
		if err != nil {
			return fmt.Errorf("rekey %s: %w", k.Table, err)
		}
		var values []string
		var args []any
		n := 0
		for rows.Next() {
			src := make([]string, len(k.Source))
			dst := []any{&last}
			for i := range src {
				dst = append(dst, &src[i])
			}
			if err := rows.Scan(dst...); err != nil {
				rows.Close()
				return fmt.Errorf("rekey %s: %w", k.Table, err)
			}
			keys := k.Compute(src)
			values = append(values, "(?"+strings.Repeat(", ?", len(keys))+")")
			args = append(args, last)
			for _, key := range keys {
				args = append(args, key)
			}
			n++
		}
		if err := rows.Close(); err != nil {
			return fmt.Errorf("rekey %s: %w", k.Table, err)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("rekey %s: %w", k.Table, err)
		}
		if n == 0 {
			return nil
		}
		sets := make([]string, len(k.Keys))
		for i, c := range k.Keys {
			sets[i] = c + " = v." + c
		}
		q := "WITH v(id, " + strings.Join(k.Keys, ", ") + ") AS (VALUES " + strings.Join(values, ", ") + ") UPDATE " +
			k.Table + " SET " + strings.Join(sets, ", ") + " FROM v WHERE " + k.Table + ".id = v.id"
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("rekey %s: %w", k.Table, err)
		}
		if n < chunk {
			return nil
		}
	}
}

// pgTrgmLock serialises CREATE EXTENSION across schemas of one database
// migrating at once (the migration lock is per schema).
const pgTrgmLock = 0x7472676d // "trgm"

// createTextIndex indexes table.search_key for substring search: on SQLite
// an external-content FTS5 table <table>_search with the trigram tokenizer,
// which triggers keep in step with the table in the writing transaction
// (rebuilt from the rows already there); on PostgreSQL a GIN index with
// pg_trgm's operator class (the extension is created in the public schema
// when there is one, so that every schema of the database shares it).
func createTextIndex(ctx context.Context, tx bun.Tx, table string) error {
	if tx.Dialect().Name() == dialect.PG {
		schema, err := trgmSchema(ctx, tx)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, "CREATE INDEX "+table+"_search_trgm_idx ON "+table+
			" USING gin (search_key "+pgQuote(schema)+".gin_trgm_ops)")
		if err != nil {
			return fmt.Errorf("create trigram index on %s: %w", table, err)
		}
		return nil
	}
	fts := table + "_search"
	for _, q := range []string{
		"CREATE VIRTUAL TABLE " + fts + " USING fts5(search_key, content='" + table + "', content_rowid='id', tokenize='trigram')",
		"CREATE TRIGGER " + fts + "_ai AFTER INSERT ON " + table + " BEGIN " +
			"INSERT INTO " + fts + "(rowid, search_key) VALUES (new.id, new.search_key); END",
		"CREATE TRIGGER " + fts + "_ad AFTER DELETE ON " + table + " BEGIN " +
			"INSERT INTO " + fts + "(" + fts + ", rowid, search_key) VALUES ('delete', old.id, old.search_key); END",
		"CREATE TRIGGER " + fts + "_au AFTER UPDATE OF search_key ON " + table + " BEGIN " +
			"INSERT INTO " + fts + "(" + fts + ", rowid, search_key) VALUES ('delete', old.id, old.search_key); " +
			"INSERT INTO " + fts + "(rowid, search_key) VALUES (new.id, new.search_key); END",
		"INSERT INTO " + fts + "(" + fts + ") VALUES ('rebuild')",
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("text index on %s: %w", table, err)
		}
	}
	return nil
}

func dropTextIndex(ctx context.Context, tx bun.Tx, table string) error {
	qs := []string{"DROP INDEX IF EXISTS " + table + "_search_trgm_idx"}
	if tx.Dialect().Name() != dialect.PG {
		fts := table + "_search"
		qs = []string{"DROP TRIGGER IF EXISTS " + fts + "_ai", "DROP TRIGGER IF EXISTS " + fts + "_ad",
			"DROP TRIGGER IF EXISTS " + fts + "_au", "DROP TABLE IF EXISTS " + fts}
	}
	for _, q := range qs {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("drop text index on %s: %w", table, err)
		}
	}
	return nil
}

// trgmSchema makes sure pg_trgm is installed and returns its schema.
func trgmSchema(ctx context.Context, tx bun.Tx) (string, error) {
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(?)", pgTrgmLock); err != nil {
		return "", fmt.Errorf("pg_trgm lock: %w", err)
	}
	var schema string
	find := func() error {
		return tx.QueryRowContext(ctx, `SELECT n.nspname FROM pg_extension AS e JOIN pg_namespace AS n ON n.oid = e.extnamespace
			WHERE e.extname = 'pg_trgm'`).Scan(&schema)
	}
	if err := find(); err == nil {
		return schema, nil
	}
	var public bool
	if err := tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'public')").Scan(&public); err != nil {
		return "", fmt.Errorf("pg_trgm: %w", err)
	}
	q := "CREATE EXTENSION IF NOT EXISTS pg_trgm"
	if public {
		q += " SCHEMA public"
	}
	if _, err := tx.ExecContext(ctx, q); err != nil {
		return "", fmt.Errorf("create extension pg_trgm (the database user needs the CREATE privilege on the database, or an administrator creates it once): %w", err)
	}
	if err := find(); err != nil {
		return "", fmt.Errorf("pg_trgm: %w", err)
	}
	return schema, nil
}

func pgQuote(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

package testenv

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"testing"

	"transito/internal/testdb"
)

// Snapshot is every row of every table of the environment's database, as
// text, read on a connection of its own: two snapshots are equal when
// nothing was committed in between. The sessions' last use (written in the
// background at most once a minute) and Bun's migration tables are left
// out.
func (e *Env) Snapshot(t testing.TB) string {
	t.Helper()
	ctx := context.Background()
	driver, dsn, tablesSQL := "sqlite", "file:"+e.DSN+"?mode=ro&_pragma=busy_timeout(5000)",
		"SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
	if testdb.Postgres() {
		driver, dsn, tablesSQL = "pgx", e.DSN,
			"SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tables, err := column(ctx, db, tablesSQL)
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(tables)
	var b strings.Builder
	for _, table := range tables {
		if strings.HasPrefix(table, "bun_") || strings.HasSuffix(table, "_fts") || strings.Contains(table, "_fts_") {
			continue
		}
		cols := "*"
		if table == "admin_sessions" {
			cols = "id, id_hash, admin_id, created_at, revoked_at"
		}
		rows, err := db.QueryContext(ctx, "SELECT "+cols+" FROM "+table+" ORDER BY 1")
		if err != nil {
			t.Fatalf("snapshot %s: %v", table, err)
		}
		names, _ := rows.Columns()
		vals := make([]any, len(names))
		ptrs := make([]any, len(names))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		fmt.Fprintf(&b, "%s:\n", table)
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatalf("snapshot %s: %v", table, err)
			}
			for i, v := range vals {
				if bs, ok := v.([]byte); ok {
					v = string(bs)
				}
				fmt.Fprintf(&b, " %s=%v", names[i], v)
			}
			b.WriteByte('\n')
		}
		if err := rows.Err(); err != nil {
			t.Fatalf("snapshot %s: %v", table, err)
		}
		rows.Close()
	}
	return b.String()
}

func column(ctx context.Context, db *sql.DB, query string) ([]string, error) {
	rows, err := db.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

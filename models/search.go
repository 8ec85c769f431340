package models

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"transito/models/rules"
)

// minTextQuery is the shortest search the text indexes answer: a trigram.
// Shorter searches match the start of the prefix columns instead.
const minTextQuery = 3

// textSearch is how the lists search one kind of record: substrings of its
// search_key through the text index, or — for a search of one or two
// characters, which no trigram holds — the start of a few b-tree indexed
// columns.
type textSearch struct {
	table  string
	prefix []prefixColumn
	// spell is another spelling the search is also tried in, "" when it has
	// none: a plate's (AB-123 finds ab123), a document's (20.123.456 finds
	// 20123456).
	spell func(string) string
	// owners: a vehicle also matches when its owner does.
	owners bool
}

// prefixColumn is a column a short search matches the start of, with the
// normalisation its values are stored in.
type prefixColumn struct {
	column    string
	normalize func(string) string
}

var (
	personSearch = textSearch{table: "persons", spell: documentSpelling, prefix: []prefixColumn{
		{"name_key", rules.Fold}, {"email", rules.NormalizeEmail},
	}}
	vehicleSearch = textSearch{table: "vehicles", spell: plateSpelling, owners: true, prefix: []prefixColumn{
		{"plate", rules.NormalizePlate}, {"brand_key", rules.Fold}, {"color_key", rules.Fold},
	}}
	officerSearch = textSearch{table: "officers", prefix: []prefixColumn{
		{"name_key", rules.Fold}, {"badge", rules.NormalizeBadge},
	}}
)

// plateSpelling is a search spelt as the store keeps plates.
func plateSpelling(q string) string { return strings.ToLower(rules.NormalizePlate(q)) }

// documentSpelling is a search that holds a digit spelt as the store keeps
// documents; a search of words has no document spelling.
func documentSpelling(q string) string {
	if !strings.ContainsAny(q, "0123456789") {
		return ""
	}
	return strings.ToLower(rules.NormalizeDocument(q))
}

// searchTerms are the folded forms of what someone typed, in the other
// spelling too when there is one: the distinct non-empty ones.
func searchTerms(q string, spell func(string) string) []string {
	terms := []string{rules.Fold(q)}
	if spell != nil {
		terms = append(terms, spell(q))
	}
	out := terms[:0]
	for _, t := range terms {
		if t != "" && (len(out) == 0 || out[0] != t) {
			out = append(out, t)
		}
	}
	return out
}

// match is a search made ready for one list: a subquery of the ids of the
// rows that match (through the text index), and — for a search of three
// characters or more — the LIKE patterns that test one row, and the
// subquery of the matching owners' ids (vehicles).
type match struct {
	sub    string
	args   []any
	likes  []string
	owners string
	oargs  []any
	d      dialect
}

// match prepares the search q on ts; nil when q is blank.
func (s *Store) match(ts textSearch, q string) *match {
	sub, args, long := s.matchIDs(ts, q)
	if sub == "" {
		return nil
	}
	m := &match{sub: sub, args: args, d: s.dialect}
	for _, t := range long {
		m.likes = append(m.likes, likePattern(t))
	}
	if ts.owners {
		if owners, oargs, _ := s.matchIDs(personSearch, q); owners != "" {
			m.sub += " UNION SELECT id FROM vehicles WHERE person_id IN (" + owners + ")"
			m.args = append(m.args, oargs...)
			m.owners, m.oargs = owners, oargs
		}
	}
	return m
}

// matchIDs is the subquery of the ids of ts's rows that match q, and the
// terms the text index was asked for (none for a short search).
func (s *Store) matchIDs(ts textSearch, q string) (string, []any, []string) {
	terms := searchTerms(q, ts.spell)
	if len(terms) == 0 {
		return "", nil, nil
	}
	if utf8.RuneCountInString(terms[0]) >= minTextQuery {
		long := terms[:0:0]
		for _, t := range terms {
			if utf8.RuneCountInString(t) >= minTextQuery {
				long = append(long, t)
			}
		}
		sub, args := s.dialect.matchIDs(ts.table, long)
		return sub, args, long
	}
	var conds []string
	var args []any
	for _, c := range ts.prefix {
		p := c.normalize(strings.TrimSpace(q))
		if p == "" {
			continue
		}
		conds = append(conds, "("+c.column+" >= ? AND "+c.column+" < ?)")
		args = append(args, p, rules.PrefixEnd(p))
	}
	if len(conds) == 0 {
		return "", nil, nil
	}
	return "SELECT id FROM " + ts.table + " WHERE " + strings.Join(conds, " OR "), args, nil
}

// where keeps the rows of q (whose table is aliased alias) that match.
// Sparse matches are read through the text index (the ids of every match,
// then sorted); with dense, each row met walking q in its order is tested
// by itself (a page needs few steps, see dense) and the text index is left
// alone.
func (m *match) where(q *bun.SelectQuery, alias string, dense bool) *bun.SelectQuery {
	if m == nil {
		return q
	}
	if !dense || len(m.likes) == 0 {
		return q.Where(m.d.inIDs(alias+".id", m.sub), m.args...)
	}
	var conds []string
	var args []any
	for _, p := range m.likes {
		conds = append(conds, alias+`.search_key LIKE ? ESCAPE '\'`)
		args = append(args, p)
	}
	if m.owners != "" {
		// A unary plus keeps SQLite from driving the query by the owners.
		conds = append(conds, "+"+alias+".person_id IN ("+m.owners+")")
		args = append(args, m.oargs...)
	}
	return q.Where("("+strings.Join(conds, " OR ")+")", args...)
}

// count is the query that counts the matches without reading the rows,
// for a list with no other filter.
func (s *Store) countMatches(m *match) *bun.SelectQuery {
	return s.readers.NewSelect().TableExpr("("+m.sub+") AS m", m.args...)
}

// dense reports whether a page of a search that matched total rows of
// table is better read by walking the table in list order, keeping the
// matches (about page end × rows/total steps), than by fetching all total
// matches and sorting them.
func (s *Store) dense(ctx context.Context, table string, total int, lq *ListQuery) bool {
	if total == 0 {
		return false
	}
	rows, err := s.cachedCount(ctx, s.readers.NewSelect().Table(table))
	if err != nil {
		return false
	}
	steps := float64(lq.Page*lq.PerPage) * float64(rows) / float64(total)
	return steps < float64(total)
}

// SearchVehicles returns at most limit vehicles whose plate (any part),
// brand, colour or owner matches q, by plate: the infraction form's plate
// suggestions.
func (s *Store) SearchVehicles(ctx context.Context, q string, limit int) ([]Vehicle, error) {
	var vs []Vehicle
	m := s.match(vehicleSearch, rules.SearchText(q))
	if m == nil {
		return nil, nil
	}
	err := m.where(s.readers.NewSelect().Model(&vs).ModelTableExpr("vehicles AS v").ColumnExpr("v.*"), "v", false).
		OrderExpr("v.plate ASC").Limit(int64(limit)).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("models: search vehicles: %w", err)
	}
	return vs, nil
}

// SearchOfficers returns at most limit active officers whose name or badge
// matches q, by name: the infraction form's officer suggestions.
func (s *Store) SearchOfficers(ctx context.Context, q string, limit int) ([]Officer, error) {
	var os []Officer
	m := s.match(officerSearch, rules.SearchText(q))
	if m == nil {
		return nil, nil
	}
	err := m.where(s.readers.NewSelect().Model(&os).ModelTableExpr("officers AS o").ColumnExpr("o.*").Where("o.active"), "o", false).
		OrderExpr("o.name_key ASC, o.id ASC").Limit(int64(limit)).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("models: search officers: %w", err)
	}
	return os, nil
}

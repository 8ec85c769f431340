package models

import (
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
	table, alias string
	prefix       []prefixColumn
}

// prefixColumn is a column a short search matches the start of, with the
// normalisation its values are stored in.
type prefixColumn struct {
	column    string
	normalize func(string) string
}

var (
	personSearch = textSearch{table: "persons", alias: "p", prefix: []prefixColumn{
		{"name_key", rules.Fold}, {"email", rules.NormalizeEmail},
	}}
	vehicleSearch = textSearch{table: "vehicles", alias: "v", prefix: []prefixColumn{
		{"plate", rules.NormalizePlate}, {"brand_key", rules.Fold}, {"color_key", rules.Fold},
	}}
	officerSearch = textSearch{table: "officers", alias: "o", prefix: []prefixColumn{
		{"name_key", rules.Fold}, {"badge", rules.NormalizeBadge},
	}}
)

// searchTerms are the folded forms of what someone typed, the plate spelling
// too when asked (AB-123 finds ab123): the distinct non-empty ones.
func searchTerms(q string, plate bool) []string {
	terms := []string{rules.Fold(q)}
	if plate {
		terms = append(terms, strings.ToLower(rules.NormalizePlate(q)))
	}
	out := terms[:0]
	for _, t := range terms {
		if t != "" && (len(out) == 0 || out[0] != t) {
			out = append(out, t)
		}
	}
	return out
}

// condition is the SQL that keeps the rows of ts matching q (with its
// arguments), written for the alias ts.alias; "" when q is blank.
func (s *Store) textCondition(ts textSearch, q string, plate bool) (string, []any) {
	terms := searchTerms(q, plate)
	if len(terms) == 0 {
		return "", nil
	}
	if utf8.RuneCountInString(terms[0]) >= minTextQuery {
		long := terms[:0:0]
		for _, t := range terms {
			if utf8.RuneCountInString(t) >= minTextQuery {
				long = append(long, t)
			}
		}
		sub, args := s.dialect.matchIDs(ts.table, long)
		return ts.alias + ".id IN (" + sub + ")", args
	}
	var conds []string
	var args []any
	for _, c := range ts.prefix {
		p := c.normalize(strings.TrimSpace(q))
		if p == "" {
			continue
		}
		conds = append(conds, "("+ts.alias+"."+c.column+" >= ? AND "+ts.alias+"."+c.column+" < ?)")
		args = append(args, p, rules.PrefixEnd(p))
	}
	if len(conds) == 0 {
		return "", nil
	}
	return "(" + strings.Join(conds, " OR ") + ")", args
}

// whereText keeps the rows of q (aliased ts.alias) that match the search.
func (s *Store) whereText(q *bun.SelectQuery, ts textSearch, search string, plate bool) *bun.SelectQuery {
	if cond, args := s.textCondition(ts, search, plate); cond != "" {
		q = q.Where(cond, args...)
	}
	return q
}

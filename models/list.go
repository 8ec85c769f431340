package models

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/uptrace/bun"

	"transito/models/rules"
)

// defaultPerPage is how many rows a list page shows.
const defaultPerPage = 25

// ListQuery is what a list page asks for: search text, sort, page and the
// list's own filters. Handlers fill it from the URL (q, orden, pagina); the
// store answers the page and the sort it actually used in the Paged.
type ListQuery struct {
	Q       string
	Sort    string // a key of the list's sort table; "" picks the default
	Desc    bool
	Page    int // 1-based; out-of-range values are clamped
	PerPage int
	Filters map[string]string
	// IDs, when set, keeps an export to these records (the list's
	// "export selected"); the paged lists ignore it.
	IDs []int64
}

// Filter returns the trimmed value of a filter.
func (q ListQuery) Filter(name string) string { return strings.TrimSpace(q.Filters[name]) }

// filtered reports whether any filter has a value.
func (q ListQuery) filtered() bool {
	for k := range q.Filters {
		if q.Filter(k) != "" {
			return true
		}
	}
	return false
}

// Paged is one page of a list with the total number of matching rows, and
// the query as the store answered it: the page brought into range and the
// sort the list used (its default for an unknown or missing key).
type Paged[T any] struct {
	Items   []T
	Total   int
	Page    int
	PerPage int
	Sort    string
	Desc    bool
}

// pageOf is one page of items with the query as the list normalised it.
func pageOf[T any](items []T, total int, lq *ListQuery) *Paged[T] {
	return &Paged[T]{Items: items, Total: total, Page: lq.Page, PerPage: lq.PerPage, Sort: lq.Sort, Desc: lq.Desc}
}

// Pages is the number of pages (at least 1).
func (p *Paged[T]) Pages() int { return pageCount(p.Total, p.PerPage) }

func pageCount(total, per int) int {
	if per <= 0 || total <= 0 {
		return 1
	}
	return (total + per - 1) / per
}

// sortTable maps a sort key to the columns that order by it (ascending); the
// last column should be unique so that paging is stable.
type sortTable map[string][]string

// normalize replaces an unknown sort key with def ("-key" for descending).
func (t sortTable) normalize(lq *ListQuery, def string) {
	if _, ok := t[lq.Sort]; !ok {
		lq.Sort, lq.Desc = def, false
		if strings.HasPrefix(def, "-") {
			lq.Sort, lq.Desc = def[1:], true
		}
	}
}

// apply orders q by the requested key, or by def when the key is unknown.
func (t sortTable) apply(q *bun.SelectQuery, lq *ListQuery, def string) {
	t.normalize(lq, def)
	for _, c := range t[lq.Sort] {
		dir := " ASC"
		if lq.Desc != strings.HasSuffix(c, " DESC") {
			dir = " DESC"
		}
		q.OrderExpr(strings.TrimSuffix(c, " DESC") + dir)
	}
}

// clampPage counts the rows of count (cached while the data does not change)
// and brings lq's page size and page number into range.
func (s *Store) clampPage(ctx context.Context, count *bun.SelectQuery, lq *ListQuery) (int, error) {
	if lq.PerPage <= 0 || lq.PerPage > 10000 {
		lq.PerPage = defaultPerPage
	}
	total, err := s.cachedCount(ctx, count)
	if err != nil {
		return 0, err
	}
	lq.Page = min(max(lq.Page, 1), pageCount(total, lq.PerPage))
	return total, nil
}

// paginate counts the rows of count (cached while the data does not change),
// clamps the page into range and scans that page of list into dst.
func (s *Store) paginate(ctx context.Context, count, list *bun.SelectQuery, lq *ListQuery, dst any) (total int, err error) {
	if total, err = s.clampPage(ctx, count, lq); err != nil {
		return 0, err
	}
	return total, scanPage(ctx, list, lq, dst)
}

// scanPage scans lq's page of list into dst.
func scanPage(ctx context.Context, list *bun.SelectQuery, lq *ListQuery, dst any) error {
	if err := list.Limit(int64(lq.PerPage)).Offset(int64((lq.Page-1)*lq.PerPage)).Scan(ctx, dst); err != nil && !isNoRows(err) {
		return fmt.Errorf("models: list: %w", err)
	}
	return nil
}

// paginateIDs is paginate for big tables: it pages through ids only (a
// covering index serves the OFFSET without touching the rows or the joined
// tables), then fetch loads those rows, in order.
func (s *Store) paginateIDs(ctx context.Context, count, ids *bun.SelectQuery, lq *ListQuery, fetch func(ids []int64) error) (total int, err error) {
	if total, err = s.clampPage(ctx, count, lq); err != nil {
		return 0, err
	}
	return total, pageIDs(ctx, ids, lq, fetch)
}

// pageIDs reads lq's page of ids and has fetch load those rows.
func pageIDs(ctx context.Context, ids *bun.SelectQuery, lq *ListQuery, fetch func(ids []int64) error) error {
	var page []int64
	if err := ids.Limit(int64(lq.PerPage)).Offset(int64((lq.Page-1)*lq.PerPage)).Scan(ctx, &page); err != nil && !isNoRows(err) {
		return fmt.Errorf("models: list ids: %w", err)
	}
	if len(page) == 0 {
		return nil
	}
	if err := fetch(page); err != nil {
		return fmt.Errorf("models: list: %w", err)
	}
	return nil
}

// countCache remembers row counts while the database's data version stays
// the same: counting a million rows on every page view is what makes a list
// slow, and any commit (from this process or another) invalidates it.
type countCache struct {
	mu      sync.Mutex
	version int64
	m       map[string]int
}

func (s *Store) cachedCount(ctx context.Context, q *bun.SelectQuery) (int, error) {
	key := q.String()
	v, ok := s.DataVersion(ctx)
	if ok {
		s.counts.mu.Lock()
		if s.counts.version == v && s.counts.m != nil {
			if n, hit := s.counts.m[key]; hit {
				s.counts.mu.Unlock()
				return n, nil
			}
		}
		s.counts.mu.Unlock()
	}
	n, err := q.Count(ctx)
	if err != nil {
		return 0, fmt.Errorf("models: count: %w", err)
	}
	if ok {
		s.counts.mu.Lock()
		if s.counts.version != v || s.counts.m == nil || len(s.counts.m) > 1000 {
			s.counts.version, s.counts.m = v, map[string]int{}
		}
		s.counts.m[key] = int(n)
		s.counts.mu.Unlock()
	}
	return int(n), nil
}

// whereDates keeps the rows whose column falls within the list's filters
// desde and hasta: dates in loc, both days included.
func whereDates(q *bun.SelectQuery, column string, lq *ListQuery, loc *time.Location) *bun.SelectQuery {
	if d, err := rules.ParseDate(lq.Filter("desde"), loc); err == nil {
		q = q.Where(column+" >= ?", d.UTC())
	}
	if d, err := rules.ParseDate(lq.Filter("hasta"), loc); err == nil {
		q = q.Where(column+" < ?", d.AddDate(0, 0, 1).UTC())
	}
	return q
}

// likePattern is a case-insensitive LIKE pattern that finds q anywhere, with
// LIKE's wildcards escaped.
func likePattern(q string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(strings.ToLower(q)) + "%"
}

// platePrefixRange returns bounds such that plate >= lo AND plate < hi holds
// for every normalised plate starting with prefix; an index serves it.
func platePrefixRange(prefix string) (lo, hi string) {
	return prefix, prefix + "~"
}

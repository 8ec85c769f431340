package models

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"transito/models/rules"
)

// The kinds of row date_counts counts (see migration 20261204000002).
const (
	countInfractions = "infractions"
	countAudit       = "audit"
)

// dateBucket is the width of a date_counts bucket, in seconds.
const dateBucket = 15 * 60

// tally counts rows per bucket before they are added to date_counts.
type tally map[int64]int64

func (t tally) add(at time.Time) { t[at.Unix()/dateBucket]++ }

func tallyOf(times ...time.Time) tally {
	t := tally{}
	for _, at := range times {
		t.add(at)
	}
	return t
}

// countDates adds t to date_counts inside the transaction that wrote the
// rows: one statement, buckets in order (so that writers meeting on a row
// never wait for each other in a cycle).
func countDates(ctx context.Context, idb bun.IDB, kind string, shard int, t tally) error {
	if len(t) == 0 {
		return nil
	}
	buckets := make([]int64, 0, len(t))
	for b := range t {
		buckets = append(buckets, b)
	}
	slices.Sort(buckets)
	for len(buckets) > 0 {
		chunk := buckets[:min(len(buckets), 1000)]
		buckets = buckets[len(chunk):]
		values := make([]string, len(chunk))
		args := make([]any, 0, 4*len(chunk))
		for i, b := range chunk {
			values[i] = "(?, ?, ?, ?)"
			args = append(args, kind, b, shard, t[b])
		}
		_, err := idb.ExecContext(ctx, "INSERT INTO date_counts (kind, bucket, shard, n) VALUES "+strings.Join(values, ", ")+
			" ON CONFLICT (kind, bucket, shard) DO UPDATE SET n = date_counts.n + excluded.n", args...)
		if err != nil {
			return fmt.Errorf("models: date counts: %w", err)
		}
	}
	return nil
}

// DateLevel is a level of the date drill-down.
type DateLevel int

// The levels: the years with data, the months of a year, the days of a
// month.
const (
	LevelYears DateLevel = iota
	LevelMonths
	LevelDays
)

// DateBucket is one year, month or day of the drill-down with how many rows
// of the list fall in it (-1: not counted, see maxCountedRows). From and To
// are its first and last day.
type DateBucket struct {
	From, To time.Time
	Count    int
}

// dateSource is a list the drill-down counts: its kind in date_counts, and
// how to count it with filters (a range count on its time column).
type dateSource struct {
	kind, table, column string
}

var (
	infractionDates = dateSource{countInfractions, "infractions AS i", "i.occurred_at"}
	auditDates      = dateSource{countAudit, "audit_log AS a", "a.at"}
)

// maxCountedRows bounds the filtered lists whose periods are counted one by
// one: past it (a filter that keeps most of a million rows) the counts
// would cost what counting the whole table does, and the periods are
// listed without them.
const maxCountedRows = 20000

// InfractionDates counts the infractions of the list lq shows (its
// filters and search; its dates are what the drill-down replaces) per year
// of the data, per month of the year starting at within, or per day of the
// month starting there, in loc.
// total is how many rows the list has.
// The estado filter is the status at now.
func (s *Store) InfractionDates(ctx context.Context, lq ListQuery, loc *time.Location, level DateLevel, within time.Time, total int, now time.Time) ([]DateBucket, error) {
	filtered := lq.Q != "" || hasFiltersBut(lq, "desde", "hasta")
	filter, err := s.infractionFilter(ctx, &lq, loc, now)
	if err != nil {
		return nil, err
	}
	return s.dateBuckets(ctx, infractionDates, loc, level, within, filtered, total, filter)
}

// AuditDates is InfractionDates for the audit log.
func (s *Store) AuditDates(ctx context.Context, lq ListQuery, loc *time.Location, level DateLevel, within time.Time, total int) ([]DateBucket, error) {
	filtered := lq.Q != "" || hasFiltersBut(lq, "desde", "hasta")
	return s.dateBuckets(ctx, auditDates, loc, level, within, filtered, total, func(q *bun.SelectQuery) *bun.SelectQuery {
		return filterAudit(q, &lq, loc)
	})
}

// hasFiltersBut reports whether lq has a filter other than those named.
func hasFiltersBut(lq ListQuery, but ...string) bool {
	for k := range lq.Filters {
		if lq.Filter(k) != "" && !slices.Contains(but, k) {
			return true
		}
	}
	return false
}

// clampPageDates is clampPage for a list with a date drill-down: one
// filtered by its dates alone is counted from date_counts (whole days are
// whole buckets in any zone), a few thousand rows instead of up to a
// million.
func (s *Store) clampPageDates(ctx context.Context, count *bun.SelectQuery, lq *ListQuery, src dateSource, loc *time.Location) (int, error) {
	if loc == nil {
		loc = time.UTC
	}
	from, errFrom := rules.ParseDate(lq.Filter("desde"), loc)
	to, errTo := rules.ParseDate(lq.Filter("hasta"), loc)
	if lq.Q != "" || hasFiltersBut(*lq, "desde", "hasta") || (errFrom != nil && errTo != nil) {
		return s.clampPage(ctx, count, lq)
	}
	lo, hi := int64(math.MinInt64), int64(math.MaxInt64)
	if errFrom == nil {
		lo = from.Unix() / dateBucket
	}
	if errTo == nil {
		hi = to.AddDate(0, 0, 1).Unix() / dateBucket
	}
	var total int64
	if err := s.readers.NewRaw("SELECT coalesce(sum(n), 0) FROM date_counts WHERE kind = ? AND bucket >= ? AND bucket < ?", src.kind, lo, hi).
		Scan(ctx, &total); err != nil {
		return 0, fmt.Errorf("models: date counts: %w", err)
	}
	if lq.PerPage <= 0 || lq.PerPage > 10000 {
		lq.PerPage = defaultPerPage
	}
	lq.Page = min(max(lq.Page, 1), pageCount(int(total), lq.PerPage))
	return int(total), nil
}

func (s *Store) dateBuckets(ctx context.Context, src dateSource, loc *time.Location, level DateLevel, within time.Time, filtered bool, total int, filter func(*bun.SelectQuery) *bun.SelectQuery) ([]DateBucket, error) {
	if loc == nil {
		loc = time.UTC
	}
	var starts []time.Time
	switch level {
	case LevelYears:
		var span struct {
			Lo *int64 `bun:"lo"`
			Hi *int64 `bun:"hi"`
		}
		if err := s.readers.NewRaw("SELECT min(bucket) AS lo, max(bucket) AS hi FROM date_counts WHERE kind = ?", src.kind).
			Scan(ctx, &span); err != nil {
			return nil, fmt.Errorf("models: date span: %w", err)
		}
		if span.Lo == nil || span.Hi == nil {
			return nil, nil
		}
		first, last := time.Unix(*span.Lo*dateBucket, 0).In(loc).Year(), time.Unix(*span.Hi*dateBucket, 0).In(loc).Year()
		for y := first; y <= last && len(starts) < 100; y++ {
			starts = append(starts, time.Date(y, 1, 1, 0, 0, 0, 0, loc))
		}
	case LevelMonths:
		for m := range 12 {
			starts = append(starts, time.Date(within.Year(), time.Month(m+1), 1, 0, 0, 0, 0, loc))
		}
	case LevelDays:
		for d := time.Date(within.Year(), within.Month(), 1, 0, 0, 0, 0, loc); d.Month() == within.Month(); d = d.AddDate(0, 0, 1) {
			starts = append(starts, d)
		}
	}
	next := func(t time.Time) time.Time {
		switch level {
		case LevelYears:
			return t.AddDate(1, 0, 0)
		case LevelMonths:
			return t.AddDate(0, 1, 0)
		}
		return t.AddDate(0, 0, 1)
	}
	out := make([]DateBucket, len(starts))
	if !filtered {
		// One sum of the buckets per period, in one statement.
		var sel strings.Builder
		args := make([]any, 0, 3*len(starts))
		for i, t := range starts {
			if i > 0 {
				sel.WriteString(", ")
			}
			fmt.Fprintf(&sel, "(SELECT coalesce(sum(n), 0) FROM date_counts WHERE kind = ? AND bucket >= ? AND bucket < ?) AS c%d", i)
			args = append(args, src.kind, t.Unix()/dateBucket, next(t).Unix()/dateBucket)
		}
		counts := make([]int64, len(starts))
		dst := make([]any, len(starts))
		for i := range counts {
			dst[i] = &counts[i]
		}
		if err := s.readers.NewRaw("SELECT "+sel.String(), args...).Scan(ctx, dst...); err != nil {
			return nil, fmt.Errorf("models: date counts: %w", err)
		}
		for i, t := range starts {
			out[i] = DateBucket{From: t, To: next(t).AddDate(0, 0, -1), Count: int(counts[i])}
		}
		return out, nil
	}
	// A filtered list: a range count of its rows per period (its filters'
	// indexes lead to the time column), cached while the data stays.
	for i, t := range starts {
		if total > maxCountedRows {
			out[i] = DateBucket{From: t, To: next(t).AddDate(0, 0, -1), Count: -1}
			continue
		}
		q := filter(s.readers.NewSelect().TableExpr(src.table)).
			Where(src.column+" >= ?", t.UTC()).Where(src.column+" < ?", next(t).UTC())
		n, err := s.cachedCount(ctx, q)
		if err != nil {
			return nil, err
		}
		out[i] = DateBucket{From: t, To: next(t).AddDate(0, 0, -1), Count: n}
	}
	return out, nil
}

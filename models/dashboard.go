package models

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"
)

// DashboardDays is how many days the dashboard's chart covers.
const DashboardDays = 30

// DayCount is the number of infractions of one day.
type DayCount struct {
	Day   time.Time
	Count int
}

// OfficerCount is an officer with their number of infractions.
type OfficerCount struct {
	ID    int64  `bun:"id"`
	Name  string `bun:"name"`
	Badge string `bun:"badge"`
	Count int    `bun:"n"`
}

// Dashboard is what the panel's home page shows.
type Dashboard struct {
	Persons, Vehicles, Officers, ActiveOfficers int
	Infractions, Voided                         int
	PerDay                                      []DayCount // oldest first, DashboardDays entries
	TopOfficers                                 []OfficerCount
	Latest                                      []InfractionRow
	// Month is the month so far (from its first day in the zone): the
	// fines issued in it, the payments collected in it, and what of the
	// issued is still owed (not paid, annulled or prescribed) — amounts at
	// issue, in cents, and how many.
	Month                                  time.Time
	Issued, Collected, Owed                int64
	IssuedCount, CollectedCount, OwedCount int
}

type dashboardCache struct {
	mu      sync.Mutex
	version int64
	key     string
	d       *Dashboard
}

// Dashboard computes the home page's figures for the days ending today in
// loc. It is cached while the data does not change.
func (s *Store) Dashboard(ctx context.Context, loc *time.Location, today time.Time) (*Dashboard, error) {
	if loc == nil {
		loc = time.UTC
	}
	today = today.In(loc)
	first := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, loc).AddDate(0, 0, -(DashboardDays - 1))
	t, err := s.Tariff(ctx)
	if err != nil {
		return nil, err
	}
	// The day and the tariff decide what is prescribed, hence owed.
	key := first.Format(time.RFC3339) + " " + t.Version
	v, cacheable := s.DataVersion(ctx)
	if cacheable {
		s.dash.mu.Lock()
		d := s.dash.d
		hit := d != nil && s.dash.version == v && s.dash.key == key
		s.dash.mu.Unlock()
		if hit {
			return d, nil
		}
	}
	d, err := s.dashboard(ctx, loc, first, today, t)
	if err != nil {
		return nil, err
	}
	if cacheable {
		s.dash.mu.Lock()
		s.dash.version, s.dash.key, s.dash.d = v, key, d
		s.dash.mu.Unlock()
	}
	return d, nil
}

func (s *Store) dashboard(ctx context.Context, loc *time.Location, first, today time.Time, t *Tariff) (*Dashboard, error) {
	d := &Dashboard{Month: time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, loc)}
	if err := s.monthSums(ctx, d, newStatusSQL(t, today, loc)); err != nil {
		return nil, err
	}
	counts := []struct {
		dst   *int
		table string
		where string
		args  []any
	}{
		{&d.Persons, "persons", "", nil},
		{&d.Vehicles, "vehicles", "", nil},
		{&d.Officers, "officers", "", nil},
		{&d.ActiveOfficers, "officers", "active = ?", []any{true}},
		{&d.Infractions, "infractions", "", nil},
		{&d.Voided, "infractions", "status = ?", []any{StatusVoided}},
	}
	for _, c := range counts {
		q := s.readers.NewSelect().Table(c.table)
		if c.where != "" {
			q = q.Where(c.where, c.args...)
		}
		n, err := s.cachedCount(ctx, q)
		if err != nil {
			return nil, err
		}
		*c.dst = n
	}

	// One range count per day: each reads a slice of the time index, where
	// grouping by a computed day would read and sort every row of the month.
	var sel strings.Builder
	args := make([]any, 0, 2*DashboardDays)
	for i := range DashboardDays {
		if i > 0 {
			sel.WriteString(", ")
		}
		fmt.Fprintf(&sel, "(SELECT count(*) FROM infractions WHERE occurred_at >= ? AND occurred_at < ?) AS d%d", i)
		args = append(args, first.AddDate(0, 0, i).UTC(), first.AddDate(0, 0, i+1).UTC())
	}
	perDay := make([]int, DashboardDays)
	dst := make([]any, DashboardDays)
	for i := range perDay {
		dst[i] = &perDay[i]
	}
	if err := s.readers.NewRaw("SELECT "+sel.String(), args...).Scan(ctx, dst...); err != nil {
		return nil, fmt.Errorf("models: dashboard per day: %w", err)
	}
	for i, n := range perDay {
		d.PerDay = append(d.PerDay, DayCount{Day: first.AddDate(0, 0, i), Count: n})
	}

	// Per officer, a range count on (officer_id, occurred_at): a few hundred
	// index seeks instead of grouping a month of rows.
	err := s.readers.NewSelect().
		ColumnExpr("o.id, o.name, o.badge").
		ColumnExpr("(SELECT count(*) FROM infractions AS i WHERE i.officer_id = o.id AND i.occurred_at >= ?) AS n", first.UTC()).
		TableExpr("officers AS o").
		OrderExpr("n DESC, o.name").Limit(5).Scan(ctx, &d.TopOfficers)
	if err != nil && !isNoRows(err) {
		return nil, fmt.Errorf("models: dashboard top officers: %w", err)
	}
	top := d.TopOfficers[:0]
	for _, o := range d.TopOfficers {
		if o.Count > 0 {
			top = append(top, o)
		}
	}
	d.TopOfficers = top

	err = infractionRowFrom(s.readers.NewSelect()).
		OrderExpr("i.occurred_at DESC, i.id DESC").Limit(8).Scan(ctx, &d.Latest)
	if err != nil && !isNoRows(err) {
		return nil, fmt.Errorf("models: dashboard latest: %w", err)
	}
	if err := loadDisputes(ctx, s.readers, d.Latest); err != nil {
		return nil, err
	}
	return d, nil
}

// monthSums fills the month's money: what was issued and what of it is
// still owed come from one range of infractions_issued_month_idx, what was
// collected from one of payments_paid_idx — index entries, never the rows.
func (s *Store) monthSums(ctx context.Context, d *Dashboard, st statusSQL) error {
	from, to := d.Month.UTC(), d.Month.AddDate(0, 1, 0).UTC()
	prescribed, args := st.prescribed()
	owed := openStatuses + " AND i.type_id IS NOT NULL AND NOT (" + prescribed + ")"
	var issued struct {
		Cents     int64 `bun:"cents"`
		N         int   `bun:"n"`
		OwedCents int64 `bun:"owed_cents"`
		OwedN     int   `bun:"owed_n"`
	}
	// The index is named: the status condition would otherwise send SQLite
	// through the status index, every open fine of all time.
	err := s.readers.NewSelect().TableExpr("infractions AS i"+s.dialect.indexedBy("infractions_issued_month_idx")).
		ColumnExpr("COALESCE(SUM(i.amount_cents), 0) AS cents, count(*) AS n").
		ColumnExpr("COALESCE(SUM(CASE WHEN "+owed+" THEN i.amount_cents ELSE 0 END), 0) AS owed_cents", args...).
		ColumnExpr("COALESCE(SUM(CASE WHEN "+owed+" THEN 1 ELSE 0 END), 0) AS owed_n", args...).
		Where("i.issued_at >= ?", from).Where("i.issued_at < ?", to).
		Scan(ctx, &issued)
	if err != nil {
		return fmt.Errorf("models: dashboard issued: %w", err)
	}
	d.Issued, d.IssuedCount, d.Owed, d.OwedCount = issued.Cents, issued.N, issued.OwedCents, issued.OwedN
	var paid struct {
		Cents int64 `bun:"cents"`
		N     int   `bun:"n"`
	}
	err = s.readers.NewSelect().TableExpr("payments").ColumnExpr("COALESCE(SUM(amount_cents), 0) AS cents, count(*) AS n").
		Where("paid_at >= ?", from).Where("paid_at < ?", to).Scan(ctx, &paid)
	if err != nil {
		return fmt.Errorf("models: dashboard collected: %w", err)
	}
	d.Collected, d.CollectedCount = paid.Cents, paid.N
	return nil
}

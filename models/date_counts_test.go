package models

import (
	"context"
	"testing"
	"time"

	"transito/models/rules"
)

// checkDateCounts compares date_counts with the rows it counts.
func checkDateCounts(t *testing.T, s *Store) {
	t.Helper()
	ctx := context.Background()
	for kind, src := range map[string][2]string{countInfractions: {"infractions", "occurred_at"}, countAudit: {"audit_log", "at"}} {
		var times []time.Time
		if err := s.readers.NewSelect().Table(src[0]).Column(src[1]).Scan(ctx, &times); err != nil {
			t.Fatal(err)
		}
		want := tallyOf(times...)
		var rows []struct {
			Bucket int64 `bun:"bucket"`
			N      int64 `bun:"n"`
		}
		if err := s.readers.NewRaw("SELECT bucket, sum(n) AS n FROM date_counts WHERE kind = ? GROUP BY bucket", kind).Scan(ctx, &rows); err != nil {
			t.Fatal(err)
		}
		got := tally{}
		for _, r := range rows {
			if r.N != 0 {
				got[r.Bucket] = r.N
			}
		}
		if len(got) != len(want) {
			t.Errorf("%s: %d buckets counted, %d with rows", kind, len(got), len(want))
		}
		for b, n := range want {
			if got[b] != n {
				t.Errorf("%s bucket %s: counted %d, rows %d", kind, time.Unix(b*dateBucket, 0).UTC(), got[b], n)
			}
		}
	}
}

// TestDateCountsFollowEveryWrite: the API's batches, the panel, the demo,
// the import and the seed all count what they write, in the same
// transaction; the drill-down adds it up per year, month and day of the
// display zone, and counts a filtered list from its rows.
func TestDateCountsFollowEveryWrite(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	if _, err := s.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	loc, err := time.LoadLocation("America/Argentina/Buenos_Aires")
	if err != nil {
		t.Fatal(err)
	}
	// 31 Dec 2025 22:30 in Buenos Aires is already 2026 in UTC.
	newYearsEve := time.Date(2025, 12, 31, 22, 30, 0, 0, loc)
	o, err := s.CreateOfficer(ctx, rules.OfficerInput{Name: "Fecha Prueba", Badge: "F1", Active: true}, CLIActor)
	if err != nil {
		t.Fatal(err)
	}
	for _, at := range []time.Time{newYearsEve, newYearsEve.Add(2 * time.Hour), time.Date(2026, 2, 10, 12, 0, 0, 0, loc)} {
		if _, err := s.CreateInfraction(ctx, rules.InfractionInput{Plate: "AB123CD", Badge: o.Badge, OccurredAt: at, Comments: "x"}, CLIActor); err != nil {
			t.Fatal(err)
		}
	}
	r, err := s.NewRecorder(RecorderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if _, err := r.Record(ctx, RecordRequest{Officer: OfficerAuth{OfficerID: o.ID, Name: o.Name, Badge: o.Badge, Active: true},
			Plate: "AD789GH", OccurredAt: time.Date(2026, 2, 11, 9, i, 0, 0, loc), Comments: "api"}); err != nil {
			t.Fatal(err)
		}
	}
	r.Close(ctx)
	mustImport(t, s, "nombre,email,placa_patente,marca,color\nNueva Persona,nueva@example.com,NN111NN,Fiat,Rojo\n")
	checkDateCounts(t, s)

	months, err := s.InfractionDates(ctx, ListQuery{}, loc, LevelMonths, time.Date(2026, 1, 1, 0, 0, 0, 0, loc), 0, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(months) != 12 || months[0].Count != 1 || months[1].Count != 6 {
		t.Errorf("2026 by month in Buenos Aires: %v", months)
	}
	days, err := s.InfractionDates(ctx, ListQuery{}, loc, LevelDays, time.Date(2025, 12, 1, 0, 0, 0, 0, loc), 0, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(days) != 31 || days[30].Count != 1 || days[30].From.Day() != 31 {
		t.Errorf("December 2025 by day: %v", days)
	}
	years, err := s.InfractionDates(ctx, ListQuery{}, loc, LevelYears, time.Time{}, 0, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, y := range years {
		total += y.Count
	}
	if n := count(t, s, "infractions"); total != n || len(years) == 0 || years[0].From.Year() > 2025 {
		t.Errorf("years %v add up to %d, %d infractions", years, total, n)
	}
	// A list filtered by dates alone is counted from date_counts, and
	// agrees with the count of its rows.
	for _, f := range []map[string]string{
		{"desde": "2026-02-01", "hasta": "2026-02-28"},
		{"desde": "2026-02-01", "hasta": "2026-02-28", "estado": "vigente"},
		{"desde": "2026-02-11"},
		{"hasta": "2025-12-31"},
	} {
		res, err := s.ListInfractions(ctx, ListQuery{Filters: f}, loc, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		filter, err := s.infractionFilter(ctx, &ListQuery{Filters: f}, loc, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		q := filter(s.readers.NewSelect().TableExpr("infractions AS i"))
		n, err := q.Count(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != int(n) || n == 0 {
			t.Errorf("%v: total %d, %d rows", f, res.Total, n)
		}
	}
	// A filtered list is counted from its rows.
	filtered, err := s.InfractionDates(ctx, ListQuery{Filters: map[string]string{"oficial": "F1"}}, loc, LevelMonths, time.Date(2026, 1, 1, 0, 0, 0, 0, loc), 0, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if filtered[0].Count != 1 || filtered[1].Count != 6 {
		t.Errorf("officer F1 in 2026: %v", filtered)
	}
	// A filter that keeps too many rows lists its periods uncounted.
	uncounted, err := s.InfractionDates(ctx, ListQuery{Filters: map[string]string{"estado": "vigente"}}, loc, LevelMonths, time.Date(2026, 1, 1, 0, 0, 0, 0, loc), maxCountedRows+1, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(uncounted) != 12 || uncounted[1].Count != -1 {
		t.Errorf("a big filtered list's months: %v", uncounted)
	}
	audits, err := s.AuditDates(ctx, ListQuery{Filters: map[string]string{"accion": "import"}}, loc, LevelYears, time.Time{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, y := range audits {
		n += y.Count
	}
	imports, err := s.readers.NewSelect().Table("audit_log").Where("action = 'import'").Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if int64(n) != int64(imports) || n < 2 { // the demo's imports and the test's
		t.Errorf("imports in the audit log per year: %v", audits)
	}

	s2 := newTestStore(t)
	if _, err := s2.Seed(ctx, SeedOptions{Persons: 50, Infractions: 500, Seed: 4}); err != nil {
		t.Fatal(err)
	}
	checkDateCounts(t, s2)
}

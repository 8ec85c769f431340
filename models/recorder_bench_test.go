package models

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"transito/models/rules"
)

// BenchmarkRecorder measures the group commit alone: 64 goroutines record
// infractions against 10,000 vehicles as fast as the writer takes them. It
// reports rows/s, rows/batch, ms/batch (time from the start of a batch's
// transaction to its commit) and writer-busy (the share of the run the
// writer spent in batches: near 1 means the writer is the bottleneck).
// "sin-tipificar" stores the bare infraction; "emitida" gives each a code
// of the catalogue and a place, as bench/api.sh posts them: the fine is
// priced from the in-memory tariff and its notification written in the
// same transaction.
//
//	go test ./models -run '^$' -bench Recorder -benchtime 20000x
func BenchmarkRecorder(b *testing.B) {
	b.Run("sin-tipificar", func(b *testing.B) { benchmarkRecorder(b, false) })
	b.Run("emitida", func(b *testing.B) { benchmarkRecorder(b, true) })
}

func benchmarkRecorder(b *testing.B, issue bool) {
	s := newTestStore(b)
	ctx := context.Background()
	if _, err := s.Seed(ctx, SeedOptions{Persons: 5000, Infractions: 0, Officers: 300, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	var vehicles []string
	if err := s.readers.NewSelect().TableExpr("vehicles").Column("plate").Scan(ctx, &vehicles); err != nil {
		b.Fatal(err)
	}
	o, err := s.OfficerByBadge(ctx, "SEED-00001")
	if err != nil {
		b.Fatal(err)
	}
	var batches, rows, busy atomic.Int64
	r, err := s.NewRecorder(RecorderOptions{OnBatch: func(n int, took time.Duration) {
		busy.Add(int64(took))
		batches.Add(1)
		rows.Add(int64(n))
	}})
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close(ctx)
	officer := OfficerAuth{OfficerID: o.ID, Name: o.Name, Badge: o.Badge, Active: true}
	tariff, err := s.Tariff(ctx)
	if err != nil {
		b.Fatal(err)
	}
	active := tariff.Active()
	lat, lon := -34.6037, -58.3816
	place := rules.Place{Lat: &lat, Lon: &lon, Description: "Av. Corrientes 1200"}
	var next atomic.Int64
	b.ResetTimer()
	var wg sync.WaitGroup
	for w := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := next.Add(1); i <= int64(b.N); i = next.Add(1) {
				req := RecordRequest{
					Officer: officer, Plate: vehicles[(int(i)*7919+w)%len(vehicles)],
					OccurredAt: time.Now().UTC(), Comments: fmt.Sprint("bench ", i),
				}
				if issue {
					iss, err := tariff.Issue(active[int(i)%len(active)].Code, req.OccurredAt, time.UTC)
					if err != nil {
						b.Error(err)
						return
					}
					req.Issue, req.Place = iss, place
				}
				if _, err := r.Record(ctx, req); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	if n := batches.Load(); n > 0 {
		b.ReportMetric(float64(rows.Load())/float64(n), "rows/batch")
		b.ReportMetric(float64(busy.Load())/float64(b.Elapsed()), "writer-busy")
		b.ReportMetric(float64(busy.Load())/float64(n)/1e6, "ms/batch")
	}
}

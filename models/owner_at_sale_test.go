package models

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"transito/models/rules"
)

// Officers post fines for one plate while the panel and an import sell the
// vehicle again and again. A fine whose row was written after a sale had
// committed goes to the buyer, never to the seller: the owner is resolved
// inside the writing transaction, not read before the request is queued
// (issue 10, item 5). On both databases.
func TestFinesWrittenAfterASaleGoToTheBuyer(t *testing.T) {
	s, r, officer := newRecorderEnv(t)
	ctx := context.Background()
	v := new(Vehicle)
	if err := s.readers.NewSelect().Model(v).Where("plate = ?", "AB123CD").Scan(ctx); err != nil {
		t.Fatal(err)
	}
	const sales = 24
	owners := []int64{v.PersonID} // owners[k] owns the vehicle after sale k
	emails := []string{""}
	for k := 1; k <= sales; k++ {
		email := fmt.Sprintf("comprador%02d@example.com", k)
		p, err := s.CreatePerson(ctx, rules.PersonInput{Name: fmt.Sprintf("Comprador %02d", k), Email: email}, CLIActor)
		if err != nil {
			t.Fatal(err)
		}
		owners, emails = append(owners, p.ID), append(emails, email)
	}
	index := map[int64]int{}
	for k, id := range owners {
		index[id] = k
	}

	var stop atomic.Bool
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; !stop.Load(); i++ {
				_, err := r.Record(ctx, RecordRequest{Officer: officer, Plate: "AB123CD", OccurredAt: time.Now().UTC(), Comments: fmt.Sprintf("g%d-%d", g, i)})
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	committed := make([]time.Time, sales+1) // when sale k had returned (so committed)
	for k := 1; k <= sales; k++ {
		time.Sleep(3 * time.Millisecond)
		if k%2 == 0 {
			csv := "nombre,email,placa_patente,marca,color\n" + fmt.Sprintf("Comprador %02d", k) + "," + emails[k] + ",AB123CD,Fiat,Rojo\n"
			if _, err := s.Import(ctx, strings.NewReader(csv), CLIActor, false); err != nil {
				t.Fatal(err)
			}
		} else if _, err := s.UpdateVehicle(ctx, v.ID, rules.VehicleInput{Plate: v.Plate, Brand: v.Brand, Color: v.Color, PersonID: owners[k]}, CLIActor); err != nil {
			t.Fatal(err)
		}
		committed[k] = time.Now()
	}
	time.Sleep(3 * time.Millisecond)
	stop.Store(true)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	var rows []struct {
		ID         int64     `bun:"id"`
		PersonID   int64     `bun:"person_id"`
		RecordedAt time.Time `bun:"recorded_at"`
	}
	if err := s.readers.NewSelect().TableExpr("infractions").Column("id", "person_id", "recorded_at").Order("id").Scan(ctx, &rows); err != nil {
		t.Fatal(err)
	}
	stale, afterASale := 0, 0
	for _, row := range rows {
		due := 0 // the last sale that had committed before the row was written
		for k := 1; k <= sales; k++ {
			if row.RecordedAt.After(committed[k]) {
				due = k
			}
		}
		if due > 0 {
			afterASale++
		}
		if got := index[row.PersonID]; got < due {
			stale++
			if stale <= 5 {
				t.Errorf("infraction %d written at %s, after sale %d, charged to the owner before sale %d",
					row.ID, row.RecordedAt.Format(time.RFC3339Nano), due, got+1)
			}
		}
	}
	if stale > 0 {
		t.Errorf("%d of %d infractions charged to a seller", stale, len(rows))
	}
	if afterASale == 0 {
		t.Fatalf("no infraction was written after a sale (%d rows): the test did not race", len(rows))
	}
	t.Logf("%d infractions, %d after a sale, %d stale", len(rows), afterASale, stale)
}

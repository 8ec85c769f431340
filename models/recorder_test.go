package models

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"transito/models/rules"
)

func newRecorderEnv(t *testing.T) (*Store, *Recorder, OfficerAuth) {
	t.Helper()
	s := newTestStore(t)
	ctx := context.Background()
	mustImport(t, s, "nombre,email,placa_patente,marca,color\nAna,ana@example.com,AB123CD,Fiat,Rojo\nBruno,bruno@example.com,XY987ZW,Ford,Gris\nCarla,carla@example.com,GONE01,Renault,Azul\n")
	o, err := s.CreateOfficer(ctx, rules.OfficerInput{Name: "Oficial Uno", Badge: "B1", Active: true}, CLIActor)
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.NewRecorder(RecorderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close(context.Background()) })
	return s, r, OfficerAuth{OfficerID: o.ID, Name: o.Name, Badge: o.Badge, Active: true}
}

func TestBatchWithAVehicleDeletedMidwayStoresTheOthers(t *testing.T) {
	s, r, officer := newRecorderEnv(t)
	ctx := context.Background()
	at := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	var batch []*recordJob
	for _, plate := range []string{"AB123CD", "GONE01", "XY987ZW"} {
		v, err := lookupVehicle(ctx, r.lookup, plate)
		if err != nil {
			t.Fatal(err)
		}
		batch = append(batch, &recordJob{
			req:     RecordRequest{Officer: officer, Plate: plate, OccurredAt: at, Comments: plate},
			vehicle: v, auditDetail: "{}", done: make(chan struct{}),
		})
	}
	// The vehicle disappears after the request looked it up but before the
	// writer inserts: only that request is a 404.
	if _, err := s.writer.NewDelete().TableExpr("vehicles").Where("plate = ?", "GONE01").Exec(ctx); err != nil {
		t.Fatal(err)
	}
	r.commit(batch)
	for i, j := range batch {
		<-j.done
		switch {
		case i == 1 && !errors.Is(j.err, ErrNotFound):
			t.Errorf("deleted vehicle: err = %v, want ErrNotFound", j.err)
		case i != 1 && (j.err != nil || j.result.Infraction.ID == 0):
			t.Errorf("request %d: %+v, %v", i, j.result, j.err)
		}
	}
	var stored []string
	if err := s.readers.NewSelect().TableExpr("infractions").Column("comments").Order("id").Scan(ctx, &stored); err != nil {
		t.Fatal(err)
	}
	if len(stored) != 2 || stored[0] != "AB123CD" || stored[1] != "XY987ZW" {
		t.Fatalf("stored %v, want the two requests whose vehicle exists", stored)
	}
	if n, err := s.readers.NewSelect().TableExpr("audit_log").Where("entity = 'infraction'").Count(ctx); err != nil || n != 2 {
		t.Fatalf("%d infraction audit entries (%v), want 2", n, err)
	}
}

func TestConcurrentRecordsAreAllStoredOnce(t *testing.T) {
	s, r, officer := newRecorderEnv(t)
	const n = 300
	var wg sync.WaitGroup
	ids := make(chan int64, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec, err := r.Record(context.Background(), RecordRequest{
				Officer: officer, Plate: "AB123CD", OccurredAt: time.Now().UTC(), Comments: fmt.Sprint(i),
			})
			if err != nil {
				t.Error(err)
				return
			}
			ids <- rec.Infraction.ID
		}()
	}
	wg.Wait()
	close(ids)
	seen := map[int64]bool{}
	for id := range ids {
		if seen[id] {
			t.Fatalf("id %d answered twice", id)
		}
		seen[id] = true
	}
	if len(seen) != n || count(t, s, "infractions") != n {
		t.Fatalf("%d distinct ids, %d rows; want %d", len(seen), count(t, s, "infractions"), n)
	}
}

func TestIdempotencyKeyReturnsTheFirstRow(t *testing.T) {
	s, r, officer := newRecorderEnv(t)
	ctx := context.Background()
	req := RecordRequest{Officer: officer, Plate: "AB123CD", OccurredAt: time.Now().UTC(), Comments: "uno", IdempotencyKey: "k-1"}
	first, err := r.Record(ctx, req)
	if err != nil || first.Replayed {
		t.Fatalf("first: %+v, %v", first, err)
	}
	req.Comments = "otra cosa"
	again, err := r.Record(ctx, req)
	if err != nil || !again.Replayed || again.Infraction.ID != first.Infraction.ID || again.Infraction.Comments != "uno" {
		t.Fatalf("replay: %+v, %v; want the first row %d", again, err, first.Infraction.ID)
	}
	if n := count(t, s, "infractions"); n != 1 {
		t.Fatalf("%d rows, want 1", n)
	}
}

func TestCloseDrainsTheQueue(t *testing.T) {
	s, r, officer := newRecorderEnv(t)
	var wg sync.WaitGroup
	var ok sync.Map
	for i := range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec, err := r.Record(context.Background(), RecordRequest{Officer: officer, Plate: "AB123CD", OccurredAt: time.Now().UTC()})
			if err == nil {
				ok.Store(i, rec.Infraction.ID)
			} else if !errors.Is(err, ErrClosed) {
				t.Error(err)
			}
		}()
	}
	time.Sleep(5 * time.Millisecond)
	if err := r.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	answered := 0
	ok.Range(func(_, _ any) bool { answered++; return true })
	if n := count(t, s, "infractions"); n != answered {
		t.Fatalf("%d requests answered OK but %d rows stored", answered, n)
	}
	if _, err := r.Record(context.Background(), RecordRequest{Officer: officer, Plate: "AB123CD", OccurredAt: time.Now()}); !errors.Is(err, ErrClosed) {
		t.Fatalf("Record after Close: err = %v, want ErrClosed", err)
	}
}

func TestOwnerAtTheTimeOfTheInfraction(t *testing.T) {
	s, r, officer := newRecorderEnv(t)
	ctx := context.Background()
	before, err := r.Record(ctx, RecordRequest{Officer: officer, Plate: "AB123CD", OccurredAt: time.Now().UTC().Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	// Ana sells AB123CD to Bruno.
	mustImport(t, s, "nombre,email,placa_patente,marca,color\nBruno,bruno@example.com,AB123CD,Fiat,Rojo\n")
	after, err := r.Record(ctx, RecordRequest{Officer: officer, Plate: "AB123CD", OccurredAt: time.Now().UTC()})
	if err != nil {
		t.Fatal(err)
	}
	_, ana, err := s.Report(ctx, "ana@example.com")
	if err != nil {
		t.Fatal(err)
	}
	_, bruno, err := s.Report(ctx, "bruno@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if len(ana) != 1 || ana[0].ID != before.Infraction.ID {
		t.Errorf("seller's report = %+v, want only the fine from before the sale", ana)
	}
	if len(bruno) != 1 || bruno[0].ID != after.Infraction.ID {
		t.Errorf("buyer's report = %+v, want only the fine from after the sale", bruno)
	}
}

func TestConcurrentRepeatsOfOneIdempotencyKeyStoreOneRow(t *testing.T) {
	s, r, officer := newRecorderEnv(t)
	var wg sync.WaitGroup
	ids := make([]int64, 40)
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec, err := r.Record(context.Background(), RecordRequest{
				Officer: officer, Plate: "AB123CD", OccurredAt: time.Now().UTC(), IdempotencyKey: "misma-clave",
			})
			if err != nil {
				t.Error(err)
			}
			ids[i] = rec.Infraction.ID
		}()
	}
	wg.Wait()
	for _, id := range ids {
		if id == 0 || id != ids[0] {
			t.Fatalf("ids %v: every repeat must answer the first row", ids)
		}
	}
	if n := count(t, s, "infractions"); n != 1 {
		t.Fatalf("%d rows for one idempotency key", n)
	}
}

package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

// holdWriter takes every connection of the store's write pool (SQLite's
// single writer; PostgreSQL's write pool), as a long import holds the
// writer, and returns the function that gives them back.
func holdWriter(t *testing.T, s *Store) (release func()) {
	t.Helper()
	n := s.writer.DB.Stats().MaxOpenConnections
	conns := make([]*sql.Conn, 0, n)
	for range n {
		c, err := s.writer.DB.Conn(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	var once sync.Once
	release = func() {
		once.Do(func() {
			for _, c := range conns {
				c.Close()
			}
		})
	}
	t.Cleanup(release)
	return release
}

func countComments(t *testing.T, s *Store, comments string) int64 {
	t.Helper()
	n, err := s.readers.NewSelect().TableExpr("infractions").Where("comments = ?", comments).Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// While the writer is held (a long import), a request waits for it no
// longer than its own deadline and is answered ErrWriteTimeout; it is never
// stored afterwards, so that a retry does not duplicate it. The writer
// reports itself stalled meanwhile (issue 10, item 6).
func TestWriterWaitsAreBoundedByTheRequestsDeadline(t *testing.T) {
	s, _, officer := newRecorderEnv(t)
	r, err := s.NewRecorder(RecorderOptions{StallAfter: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close(context.Background()) })
	release := holdWriter(t, s)

	done := make(chan error, 1)
	start := time.Now()
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		_, err := r.Record(ctx, RecordRequest{Officer: officer, Plate: "AB123CD", OccurredAt: time.Now().UTC(), Comments: "abandonada"})
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, ErrWriteTimeout) {
			t.Fatalf("Record while the writer is held: %v, want ErrWriteTimeout", err)
		}
		t.Logf("answered after %v", time.Since(start).Round(time.Millisecond))
	case <-time.After(10 * time.Second):
		release()
		<-done
		t.Fatal("Record waited for the writer past its deadline (until the writer was released)")
	}
	if !r.Stalled() {
		t.Error("the writer does not report itself stalled while held")
	}
	release()
	if _, err := r.Record(context.Background(), RecordRequest{Officer: officer, Plate: "AB123CD", OccurredAt: time.Now().UTC(), Comments: "despues"}); err != nil {
		t.Fatal(err)
	}
	if n := countComments(t, s, "abandonada"); n != 0 {
		t.Errorf("a request answered ErrWriteTimeout was stored later (%d rows)", n)
	}
	if r.Stalled() {
		t.Error("still stalled after a commit")
	}
}

// Many requests with short deadlines while the writer is held now and then:
// every acknowledged write is stored, and none answered ErrWriteTimeout is.
func TestAnsweredTimeoutsAreNeverStoredAcknowledgedAlways(t *testing.T) {
	s, r, officer := newRecorderEnv(t)
	var wg sync.WaitGroup
	var mu sync.Mutex
	acked := map[string]int64{}
	var timedOut []string
	stop := make(chan struct{})
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				c := fmt.Sprintf("g%d-%d", g, i)
				// Most deadlines are short (10–59 ms: those sent while the
				// writer is held run out); every fourth is long, so that some
				// writes are acknowledged however slow the machine is.
				deadline := time.Duration(10+i%50) * time.Millisecond
				if i%4 == 3 {
					deadline = 5 * time.Second
				}
				ctx, cancel := context.WithTimeout(context.Background(), deadline)
				rec, err := r.Record(ctx, RecordRequest{Officer: officer, Plate: "XY987ZW", OccurredAt: time.Now().UTC(), Comments: c})
				cancel()
				mu.Lock()
				switch {
				case err == nil:
					acked[c] = rec.Infraction.ID
				case errors.Is(err, ErrWriteTimeout):
					timedOut = append(timedOut, c)
				default:
					mu.Unlock()
					t.Error(err)
					return
				}
				mu.Unlock()
			}
		}()
	}
	for range 15 {
		release := holdWriter(t, s)
		time.Sleep(30 * time.Millisecond)
		release()
		time.Sleep(20 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	// Let the writer drain what is still queued.
	if _, err := r.Record(context.Background(), RecordRequest{Officer: officer, Plate: "XY987ZW", OccurredAt: time.Now().UTC(), Comments: "fin"}); err != nil {
		t.Fatal(err)
	}
	var rows []struct {
		ID       int64  `bun:"id"`
		Comments string `bun:"comments"`
	}
	if err := s.readers.NewSelect().TableExpr("infractions").Column("id", "comments").Scan(context.Background(), &rows); err != nil {
		t.Fatal(err)
	}
	stored := map[string]int64{}
	for _, row := range rows {
		stored[row.Comments] = row.ID
	}
	for c, id := range acked {
		if stored[c] != id {
			t.Errorf("acknowledged %s (id %d) not stored", c, id)
		}
	}
	for _, c := range timedOut {
		if _, ok := stored[c]; ok {
			t.Errorf("%s was answered ErrWriteTimeout but stored", c)
		}
	}
	if len(acked) == 0 || len(timedOut) == 0 {
		t.Fatalf("%d acknowledged, %d timed out: the test did not exercise both", len(acked), len(timedOut))
	}
	t.Logf("%d acknowledged, %d timed out", len(acked), len(timedOut))
}

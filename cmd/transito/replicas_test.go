package main

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"transito/internal/testdb"
	"transito/internal/testenv"
)

// TestTwoServersShareIdempotencyKeys runs two transito serve processes on one
// database, as two replicas behind a load balancer, and sends the same
// Idempotency-Key to both at once: each key gives one row, and every answer
// names that row. Plain writes sent to both are all stored.
func TestTwoServersShareIdempotencyKeys(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	db := testdb.DSN(t)
	a := startServer(t, db)
	b := startServer(t, db)
	// The second --demo start issued a new demo token, revoking the first:
	// both replicas accept the current one.
	a.token = b.token
	replicas := []*server{a, b}

	const keys, each, plain = 25, 6, 50
	ids := make([][]int64, keys)
	var mu sync.Mutex
	var wg sync.WaitGroup
	send := func(s *server, comments, key string, k int) {
		defer wg.Done()
		status, id, err := s.post("AD789GH", comments, key)
		if err != nil || status != 200 {
			t.Errorf("%s %q: %d %v", s.url, key, status, err)
			return
		}
		if k >= 0 {
			mu.Lock()
			ids[k] = append(ids[k], id)
			mu.Unlock()
		}
	}
	for k := range keys {
		for i := range each {
			wg.Add(1)
			go send(replicas[i%2], fmt.Sprintf("réplicas clave %d", k), fmt.Sprintf("clave-%d", k), k)
		}
	}
	for i := range plain {
		wg.Add(1)
		go send(replicas[i%2], fmt.Sprintf("réplicas sin clave %d", i), "", -1)
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	for k, got := range ids {
		for _, id := range got {
			if id != got[0] {
				t.Errorf("key %d: the replicas answered rows %v, want one row", k, got)
				break
			}
		}
	}

	store := testenv.Open(t, db)
	_, rows, err := store.Report(context.Background(), "bruno.diaz@example.com")
	if err != nil {
		t.Fatal(err)
	}
	keyed, unkeyed := map[string]int{}, 0
	for _, r := range rows {
		switch {
		case strings.HasPrefix(r.Comments, "réplicas clave "):
			keyed[r.Comments]++
		case strings.HasPrefix(r.Comments, "réplicas sin clave "):
			unkeyed++
		}
	}
	if len(keyed) != keys {
		t.Errorf("%d keys stored, want %d", len(keyed), keys)
	}
	for c, n := range keyed {
		if n != 1 {
			t.Errorf("%q stored %d times through two replicas, want once", c, n)
		}
	}
	if unkeyed != plain {
		t.Errorf("%d plain writes stored, want %d", unkeyed, plain)
	}
}

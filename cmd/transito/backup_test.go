package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"transito/internal/testdb"
)

// TestBackupDuringWriteLoad takes `transito backup` while officers keep
// writing, then serves the copy: every write acknowledged before the backup
// started is in it, once, and the copy passes SQLite's checks.
func TestBackupDuringWriteLoad(t *testing.T) {
	testdb.SkipOnPostgres(t, "transito backup copies SQLite files (TestCLICommands checks it refuses PostgreSQL)")
	dir := t.TempDir()
	db, out := filepath.Join(dir, "live.db"), filepath.Join(dir, "copia.db")
	s := startServer(t, db)
	var mu sync.Mutex
	acked := map[string]int64{}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				comments := fmt.Sprintf("respaldo w%d n%d", w, i)
				key := ""
				if i%2 == 0 {
					key = comments
				}
				if status, id, err := s.post("AB123CD", comments, key); err == nil && status == 200 {
					mu.Lock()
					acked[comments] = id
					mu.Unlock()
				}
			}
		}()
	}
	time.Sleep(700 * time.Millisecond)
	mu.Lock()
	before := maps.Clone(acked)
	mu.Unlock()
	if _, _, err := cli(t, "", "backup", out, "--db", db); err != nil {
		t.Fatalf("backup under load: %v", err)
	}
	time.Sleep(300 * time.Millisecond) // writes go on after the backup
	close(stop)
	wg.Wait()
	if len(before) < 20 || len(acked) <= len(before) {
		t.Fatalf("too little load around the backup: %d before, %d in all", len(before), len(acked))
	}

	checkIntegrity(t, out)
	restored := startServer(t, out)
	resp, err := http.Get(restored.url + "/generar_informe?email=ana.martinez@example.com")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("report from the restored copy: %v %v", resp, err)
	}
	defer resp.Body.Close()
	var rows []struct {
		ID          int64  `json:"id"`
		Comentarios string `json:"comentarios"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&rows); err != nil {
		t.Fatal(err)
	}
	found, byID := map[string]int{}, map[int64]string{}
	for _, r := range rows {
		found[r.Comentarios]++
		byID[r.ID] = r.Comentarios
	}
	for comments, id := range before {
		if found[comments] != 1 || byID[id] != comments {
			t.Fatalf("write %q (id %d) acknowledged before the backup: %d times in the copy", comments, id, found[comments])
		}
	}
	if status, _, err := restored.post("AB123CD", "después de restaurar", ""); err != nil || status != 200 {
		t.Fatalf("write on the restored copy: %d %v", status, err)
	}
	t.Logf("%d writes before the backup all in the copy (%d acknowledged in all)", len(before), len(acked))
}

package handlers_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"transito/handlers"
	"transito/internal/testdb"
	"transito/internal/testenv"
)

// mountTmpfs mounts a small tmpfs for a test that needs a file system it can
// fill or make read-only. It needs root; elsewhere the test is skipped.
func mountTmpfs(t *testing.T, size string) string {
	t.Helper()
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs (needs root): %v %s", err, out)
	}
	t.Cleanup(func() {
		exec.Command("umount", "-l", dir).Run()
	})
	return dir
}

// expectUnavailable checks a write is refused with 503, Retry-After and a
// Spanish message, and that no row was written.
func expectUnavailable(t *testing.T, env *testenv.Env, before int) {
	t.Helper()
	resp, body := env.Send(t, "POST", "/cargar_infraccion", env.Token, `{"placa_patente":"AB123CD","comentarios":"durante la falla"}`)
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("write during the fault: %d (Retry-After %q) %s, want 503", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
	p := testenv.DecodeProblem(t, resp, body)
	if !strings.Contains(p.Detail, "Reintente") {
		t.Errorf("503 detail %q does not tell the client to retry", p.Detail)
	}
	if strings.Contains(strings.ToLower(string(body)), "sqlite") || strings.Contains(string(body), "disk") {
		t.Errorf("503 leaks internals: %s", body)
	}
	if n := env.CountInfractions(t); n != before {
		t.Fatalf("%d rows after a refused write, want %d", n, before)
	}
}

func expectRecovered(t *testing.T, env *testenv.Env) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		resp, body := env.Send(t, "POST", "/cargar_infraccion", env.Token, `{"placa_patente":"AB123CD","comentarios":"después de la falla"}`)
		if resp.StatusCode == 200 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no recovery after the fault cleared: %d %s", resp.StatusCode, body)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestDiskFullAnswers503AndRecovers(t *testing.T) {
	testdb.SkipOnPostgres(t, "fills the file system under the database file")
	dir := mountTmpfs(t, "4m")
	env := testenv.API(t, handlers.Config{}, testenv.WithDSN(filepath.Join(dir, "full.db")))
	env.Send(t, "POST", "/cargar_infraccion", env.Token, `{"placa_patente":"AB123CD"}`)
	before := env.CountInfractions(t)

	filler := filepath.Join(dir, "relleno")
	f, err := os.Create(filler)
	if err != nil {
		t.Fatal(err)
	}
	chunk := make([]byte, 64<<10)
	for {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatal(err)
			}
			break
		}
	}
	f.Close()
	for range 3 { // WAL frames may fit in the last free bytes: keep writing until refused
		resp, _ := env.Send(t, "POST", "/cargar_infraccion", env.Token, strings.Repeat(" ", 1)+`{"placa_patente":"AB123CD","comentarios":"`+strings.Repeat("x", 1900)+`"}`)
		if resp.StatusCode == 503 {
			break
		}
		before = env.CountInfractions(t)
	}
	expectUnavailable(t, env, before)
	if resp, _ := env.Send(t, "GET", "/generar_informe?email=ana@example.com", "", ""); resp.StatusCode != 200 {
		t.Errorf("report while the disk is full: %d, want 200 (reads still work)", resp.StatusCode)
	}
	os.Remove(filler)
	expectRecovered(t, env)
}

// TestMain lets the test binary double as the "other process" that holds the
// database's write lock.
func TestMain(m *testing.M) {
	if path := os.Getenv("TRANSITO_TEST_HOLD_LOCK"); path != "" {
		os.Exit(holdWriteLock(path))
	}
	os.Exit(m.Run())
}

// holdWriteLock takes the write lock of the database at path, says so on
// stdout, and keeps it until stdin closes.
func holdWriteLock(path string) int {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	conn, err := db.Conn(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if _, err := conn.ExecContext(context.Background(), "BEGIN IMMEDIATE"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println("locked")
	buf := make([]byte, 1)
	os.Stdin.Read(buf)
	conn.ExecContext(context.Background(), "ROLLBACK")
	return 0
}

func TestLockedByAnotherProcessAnswers503AndRecovers(t *testing.T) {
	testdb.SkipOnPostgres(t, "SQLite's file lock; TestPostgresLockedTableAnswers503AndRecovers is PostgreSQL's")
	if testing.Short() {
		t.Skip("waits for the 5 s busy timeout")
	}
	path := filepath.Join(t.TempDir(), "locked.db")
	env := testenv.API(t, handlers.Config{}, testenv.WithDSN(path))
	before := env.CountInfractions(t)

	release := lockInAnotherProcess(t, path)
	start := time.Now()
	expectUnavailable(t, env, before)
	t.Logf("refused after %s", time.Since(start).Round(time.Millisecond))
	release()
	expectRecovered(t, env)
}

// lockInAnotherProcess starts the test binary as a process that holds the
// write lock of the database at path (see holdWriteLock), and returns once
// it does. The returned function releases the lock; it also runs when the
// test ends, so a failing test never leaves the holder behind.
func lockInAnotherProcess(t *testing.T, path string) (release func()) {
	t.Helper()
	holder := exec.Command(os.Args[0], "-test.run=^$")
	holder.Env = append(os.Environ(), "TRANSITO_TEST_HOLD_LOCK="+path)
	stdin, err := holder.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := holder.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	holder.Stderr = os.Stderr
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	release = func() {
		once.Do(func() {
			stdin.Close()
			holder.Wait()
		})
	}
	t.Cleanup(release)
	line := make([]byte, 7)
	if _, err := stdout.Read(line); err != nil || string(line) != "locked\n" {
		t.Fatalf("lock holder said %q, %v", line, err)
	}
	return release
}

package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"transito/internal/testdb"
	"transito/internal/testenv"
	"transito/models"
)

// cli runs a command in-process and returns its stdout, stderr and error.
func cli(t *testing.T, stdin string, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), err
}

func TestCLICommands(t *testing.T) {
	dir := t.TempDir()
	db := testdb.DSN(t)

	if out, _, err := cli(t, "", "migrate", "--db", db); err != nil || !strings.Contains(out, "aplicada") {
		t.Fatalf("migrate: %q %v", out, err)
	}
	if out, _, err := cli(t, "", "--db", db, "migrate"); err != nil || !strings.Contains(out, "al día") {
		t.Fatalf("second migrate: %q %v", out, err)
	}
	out, _, err := cli(t, "", "officer", "create", "--name", "Laura Benítez", "--badge", "lb-7", "--db", db)
	if err != nil || strings.TrimSpace(out) == "" {
		t.Fatalf("officer create: %q %v", out, err)
	}
	out, _, err = cli(t, "", "officer", "token", "--badge", "LB-7", "--db", db)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	token := lines[len(lines)-1]
	if err != nil || !strings.HasPrefix(token, models.TokenPrefix) || strings.Contains(token, " ") {
		t.Fatalf("officer token: last line %q of %q, %v", token, out, err)
	}
	if _, _, err := cli(t, "", "officer", "revoke", "--badge", "LB-7", "--db", db); err != nil {
		t.Fatalf("officer revoke: %v", err)
	}
	if _, _, err := cli(t, "", "officer", "revoke", "--badge", "LB-7", "--db", db); err == nil {
		t.Fatal("revoking twice should fail")
	}
	if _, _, err := cli(t, "", "officer", "token", "--badge", "NADIE", "--db", db); err == nil {
		t.Fatal("token for an unknown badge should fail")
	}

	csv := filepath.Join(dir, "padron.csv")
	os.WriteFile(csv, []byte("nombre,email,placa_patente,marca,color\nAna,ana@example.com,AB123CD,Fiat,Rojo\n"), 0o600)
	if out, _, err := cli(t, "", "import", csv, "--db", db); err != nil || !strings.Contains(out, "1 persona creada, 0 actualizadas; 1 vehículo creado") {
		t.Fatalf("import: %q %v", out, err)
	}
	bad := filepath.Join(dir, "malo.json")
	os.WriteFile(bad, []byte("[\n{\"nombre\":\"Bea\",\"email\":\"bea@example.com\"},\n{\"nombre\":\"\",\"email\":\"x\"}\n]"), 0o600)
	_, _, err = cli(t, "", "import", bad, "--db", db)
	if err == nil || !strings.Contains(oneLine(err), "línea 3") || strings.Contains(oneLine(err), "\n") {
		t.Fatalf("bad import: %v, want a one-line error naming line 3", err)
	}

	if _, _, err := cli(t, "una clave muy larga\n", "admin", "create", "--username", "Maria", "--password-stdin", "--db", db); err != nil {
		t.Fatalf("admin create: %v", err)
	}
	if _, _, err := cli(t, "corta\n", "admin", "create", "--username", "pepe", "--password-stdin", "--db", db); err == nil {
		t.Fatal("a short password should be refused")
	}

	if out, _, err := cli(t, "", "seed", "--persons", "20", "--infractions", "50", "--db", testdb.DSN(t)); err != nil || !strings.Contains(out, "50 infracciones") {
		t.Fatalf("seed: %q %v", out, err)
	}
	backup := filepath.Join(dir, "copia.db")
	if testdb.Postgres() {
		_, _, err := cli(t, "", "backup", backup, "--db", db)
		if err == nil || exitCode(err) == 0 || !strings.Contains(err.Error(), "pg_dump") {
			t.Fatalf("backup on PostgreSQL: %v (exit %d), want a failure that points to pg_dump", err, exitCode(err))
		}
		if _, statErr := os.Stat(backup); statErr == nil {
			t.Fatal("backup on PostgreSQL wrote a file")
		}
	} else {
		if _, _, err := cli(t, "", "backup", backup, "--db", db); err != nil {
			t.Fatalf("backup: %v", err)
		}
		store := testenv.Open(t, backup)
		if _, err := store.OfficerByBadge(context.Background(), "LB-7"); err != nil {
			t.Fatalf("backup lacks the officer: %v", err)
		}
	}

	for _, args := range [][]string{{}, {"nope"}, {"officer"}, {"import"}, {"serve", "--rate-limit", "-1", "--db", db}, {"serve", "--tz", "Marte/Olimpo", "--db", db}} {
		if _, _, err := cli(t, "", args...); err == nil || exitCode(err) != 2 {
			t.Errorf("transito %v: err %v (exit %d), want a usage error", args, err, exitCode(err))
		}
	}
}

// TestLeadingDBFlagIsPassedDown: a --db before the command reaches it (a
// subcommand's too), a --db after the command wins, and the process's
// environment is left alone.
func TestLeadingDBFlagIsPassedDown(t *testing.T) {
	t.Setenv("TRANSITO_DB", "")
	for _, tc := range []struct {
		cmd         string
		rest, flags []string
		want        []string
	}{
		{"migrate", nil, []string{"--db", "a.db"}, []string{"--db", "a.db"}},
		{"import", []string{"f.csv", "--db", "b.db"}, []string{"--db=a.db"}, []string{"--db=a.db", "f.csv", "--db", "b.db"}},
		{"officer", []string{"token", "--badge", "B"}, []string{"--db", "a.db"}, []string{"token", "--db", "a.db", "--badge", "B"}},
		{"admin", nil, []string{"--db", "a.db"}, []string{"--db", "a.db"}},
		{"seed", []string{"--persons", "1"}, nil, []string{"--persons", "1"}},
	} {
		if got := withFlags(tc.cmd, tc.rest, tc.flags); strings.Join(got, " ") != strings.Join(tc.want, " ") {
			t.Errorf("withFlags(%s, %q, %q) = %q, want %q", tc.cmd, tc.rest, tc.flags, got, tc.want)
		}
	}
	db := filepath.Join(t.TempDir(), "adelante.db")
	if out, _, err := cli(t, "", "--db", db, "migrate"); err != nil || !strings.Contains(out, "aplicada") {
		t.Fatalf("migrate with a leading --db: %q %v", out, err)
	}
	if _, err := os.Stat(db); err != nil {
		t.Fatalf("the leading --db was not used: %v", err)
	}
	if v := os.Getenv("TRANSITO_DB"); v != "" {
		t.Errorf("TRANSITO_DB changed to %q", v)
	}
}

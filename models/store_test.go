package models

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"transito/internal/testdb"
	"transito/models/rules"
)

// newTestStore opens a fresh, migrated database (see testdb.DSN).
func newTestStore(t testing.TB) *Store {
	t.Helper()
	s, _ := newTestStoreDSN(t)
	return s
}

// newTestStoreDSN is newTestStore that also returns the DSN, for a second
// Store on the same database (another process).
func newTestStoreDSN(t testing.TB) (*Store, string) {
	t.Helper()
	ctx := context.Background()
	dsn := testdb.DSN(t)
	s, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, dsn
}

func mustImport(t testing.TB, s *Store, csv string) *ImportResult {
	t.Helper()
	res, err := s.Import(context.Background(), strings.NewReader(csv), CLIActor, false)
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	return res
}

func count(t testing.TB, s *Store, table string) int {
	t.Helper()
	n, err := s.readers.NewSelect().TableExpr(table).Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

func TestOpenSetsDurablePragmas(t *testing.T) {
	testdb.SkipOnPostgres(t, "PRAGMA settings")
	s := newTestStore(t)
	ctx := context.Background()
	for pragma, want := range map[string]string{
		"journal_mode": "wal",
		"synchronous":  "2", // FULL
		"foreign_keys": "1",
	} {
		var got string
		if err := s.writer.QueryRowContext(ctx, "PRAGMA "+pragma).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("writer PRAGMA %s = %s, want %s", pragma, got, want)
		}
		if err := s.readers.QueryRowContext(ctx, "PRAGMA "+pragma).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("reader PRAGMA %s = %s, want %s", pragma, got, want)
		}
	}
}

func TestMigrateIsIdempotent(t *testing.T) {
	s := newTestStore(t)
	applied, err := s.Migrate(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(applied) != 0 {
		t.Fatalf("second migrate applied %v, want nothing", applied)
	}
}

func TestForeignKeysRestrictDeletes(t *testing.T) {
	s := newTestStore(t)
	mustImport(t, s, "nombre,email,placa_patente,marca,color\nAna,ana@example.com,AB123CD,Fiat,Rojo\n")
	_, err := s.writer.NewDelete().TableExpr("persons").Where("email = ?", "ana@example.com").Exec(context.Background())
	if !isForeignKeyViolation(err) {
		t.Fatalf("deleting a person with vehicles: err = %v, want a foreign key violation", err)
	}
}

func TestUniqueConstraints(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	if _, err := s.CreateOfficer(ctx, rules.OfficerInput{Name: "Uno", Badge: "b-1", Active: true}, CLIActor); err != nil {
		t.Fatal(err)
	}
	_, err := s.CreateOfficer(ctx, rules.OfficerInput{Name: "Dos", Badge: " B-1 ", Active: true}, CLIActor)
	var ce *ConflictError
	if !errors.As(err, &ce) || ce.Field != "numero" {
		t.Fatalf("duplicate badge: err = %v, want a conflict on numero", err)
	}
}

func TestTokensStoredAsHashes(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	o, err := s.CreateOfficer(ctx, rules.OfficerInput{Name: "Uno", Badge: "B1", Active: true}, CLIActor)
	if err != nil {
		t.Fatal(err)
	}
	token, err := s.IssueToken(ctx, o.ID, CLIActor)
	if err != nil {
		t.Fatal(err)
	}
	if len(token) < len(TokenPrefix)+43 {
		t.Fatalf("token %q is shorter than 256 bits of entropy", token)
	}
	var tokens []OfficerToken
	if err := s.readers.NewSelect().Model(&tokens).Scan(ctx); err != nil {
		t.Fatal(err)
	}
	if len(tokens) != 1 || tokens[0].TokenHash != hashToken(token) || strings.Contains(tokens[0].TokenHash, token[len(TokenPrefix):]) {
		t.Fatalf("stored tokens %+v: want only the SHA-256 of the token", tokens)
	}
	auth, err := s.Authenticate(ctx, token)
	if err != nil || auth.OfficerID != o.ID {
		t.Fatalf("Authenticate = %+v, %v", auth, err)
	}
	// A second token revokes the first.
	second, err := s.IssueToken(ctx, o.ID, CLIActor)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, token); !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("rotated token: err = %v, want ErrUnauthorized", err)
	}
	if _, err := s.Authenticate(ctx, second); err != nil {
		t.Fatalf("new token: %v", err)
	}
}

func TestRevocationFromAnotherProcessIsSeenWithinTTL(t *testing.T) {
	s, dsn := newTestStoreDSN(t)
	ctx := context.Background()
	o, err := s.CreateOfficer(ctx, rules.OfficerInput{Name: "Uno", Badge: "B1", Active: true}, CLIActor)
	if err != nil {
		t.Fatal(err)
	}
	token, err := s.IssueToken(ctx, o.ID, CLIActor)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, token); err != nil {
		t.Fatal(err)
	}
	// A second Store on the same file stands for the CLI in another process.
	other, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if err := other.RevokeToken(ctx, o.ID, CLIActor); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, err := s.Authenticate(ctx, token)
		if errors.Is(err, ErrUnauthorized) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("token revoked by another process still accepted after 5 s (err = %v)", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestEveryCLIWriteIsAudited(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	mustImport(t, s, "nombre,email,placa_patente,marca,color\nAna,ana@example.com,AB123CD,Fiat,Rojo\n")
	o, err := s.CreateOfficer(ctx, rules.OfficerInput{Name: "Uno", Badge: "B1", Active: true}, CLIActor)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.IssueToken(ctx, o.ID, CLIActor); err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeToken(ctx, o.ID, CLIActor); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateAdmin(ctx, rules.AdminInput{Username: "maria", Password: "una clave larga"}, CLIActor); err != nil {
		t.Fatal(err)
	}
	var entries []AuditEntry
	if err := s.readers.NewSelect().Model(&entries).Order("id").Scan(ctx); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		if e.ActorKind != ActorCLI {
			t.Errorf("entry %s %s has actor %q, want cli", e.Action, e.Entity, e.ActorKind)
		}
		got = append(got, e.Action+" "+e.Entity)
	}
	want := []string{"create person", "create vehicle", "import registry", "create officer", "token.issue officer", "token.revoke officer", "create admin"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("audit log = %q, want %q", got, want)
	}
}

func TestSeedIsDeterministic(t *testing.T) {
	a, b := newTestStore(t), newTestStore(t)
	ctx := context.Background()
	opts := SeedOptions{Persons: 50, Infractions: 300, Officers: 5, Seed: 7, Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	ra, err := a.Seed(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	rb, err := b.Seed(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if *ra != *rb || ra.Infractions != 300 || ra.Vehicles < 50 || ra.Vehicles > 150 {
		t.Fatalf("seed results %+v and %+v", ra, rb)
	}
	var pa, pb []string
	for _, p := range []struct {
		s   *Store
		out *[]string
	}{{a, &pa}, {b, &pb}} {
		if err := p.s.readers.NewSelect().TableExpr("infractions AS i").Join("JOIN vehicles AS v ON v.id = i.vehicle_id").
			ColumnExpr("v.plate || ' ' || i.occurred_at").OrderExpr("i.id").Scan(ctx, p.out); err != nil {
			t.Fatal(err)
		}
	}
	if strings.Join(pa, "\n") != strings.Join(pb, "\n") {
		t.Fatal("the same seed gave different infractions")
	}
	if _, err := a.Seed(ctx, opts); err == nil {
		t.Fatal("seeding a database that has persons should fail")
	}
}

func TestBackupIsAConsistentCopy(t *testing.T) {
	testdb.SkipOnPostgres(t, "VACUUM INTO backup (pg_dump is PostgreSQL's tool)")
	s := newTestStore(t)
	ctx := context.Background()
	mustImport(t, s, "nombre,email,placa_patente,marca,color\nAna,ana@example.com,AB123CD,Fiat,Rojo\n")
	out := filepath.Join(t.TempDir(), "copia.db")
	if err := s.Backup(ctx, out); err != nil {
		t.Fatal(err)
	}
	if err := s.Backup(ctx, out); err == nil {
		t.Fatal("backup over an existing file should fail")
	}
	c, err := Open(ctx, out)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if p, err := c.PersonByEmail(ctx, "ANA@example.com"); err != nil || p.Name != "Ana" {
		t.Fatalf("backup: PersonByEmail = %+v, %v", p, err)
	}
}

func TestDataVersionSeesCommitsFromAnotherProcess(t *testing.T) {
	s, dsn := newTestStoreDSN(t)
	ctx := context.Background()
	v0, ok := s.DataVersion(ctx)
	if !ok {
		t.Fatal("no data version")
	}
	mustImport(t, s, "nombre,email,placa_patente,marca,color\nAna,ana@example.com,AB123CD,Fiat,Rojo\n")
	v1, _ := s.DataVersion(ctx)
	if v1 == v0 {
		t.Fatal("a commit through the store did not change the data version")
	}
	other, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.CreateOfficer(ctx, rules.OfficerInput{Name: "Otro", Badge: "X1", Active: true}, CLIActor); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Second)
	for {
		if v2, _ := s.DataVersion(ctx); v2 != v1 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("a commit by another process was not noticed within 2 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

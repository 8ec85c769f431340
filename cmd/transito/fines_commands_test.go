package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"transito/internal/testdb"
	"transito/internal/testenv"
	"transito/models"
	"transito/models/fines"
)

// catalogTypes reads the catalogue a fresh Store sees, by code.
func catalogTypes(t *testing.T, db string) map[string]models.InfractionType {
	t.Helper()
	store := testenv.Open(t, db)
	tariff, err := store.Tariff(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]models.InfractionType{}
	for _, it := range tariff.Types {
		out[it.Code] = it
	}
	return out
}

func writeFile(t *testing.T, name, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestCatalogImport: `catalog import` creates the types of a file and says
// which; a second file updates what it lists and leaves alone a type it
// omits; a file with bad rows names each by its line in the file (the
// header is line 1), exits non-zero and writes nothing.
func TestCatalogImport(t *testing.T) {
	db := testdb.DSN(t)
	first := writeFile(t, "catalogo.csv", "codigo,descripcion,referencia_legal,gravedad,unidades,puntos\n"+
		"SEM-ROJO,Cruzar con el semáforo en rojo,\"Ley 24.449, art. 44\",gravisima,300,5\n"+
		"cas-01,Conducir sin casco,\"Ley 24.449, art. 40 inc. j\",grave,200,4\n")
	out, _, err := cli(t, "", "catalog", "import", first, "--db", db)
	if err != nil || !strings.Contains(out, "2 tipos creados, 0 actualizados") || !strings.Contains(out, "creados: CAS-01 SEM-ROJO") {
		t.Fatalf("first import: %q %v", out, err)
	}
	types := catalogTypes(t, db)
	if it := types["SEM-ROJO"]; it.Units != 300 || it.Points != 5 || it.Severity != "gravisima" || it.LegalRef != "Ley 24.449, art. 44" || !it.Active {
		t.Errorf("SEM-ROJO stored as %+v", it)
	}
	if _, ok := types["CAS-01"]; !ok {
		t.Errorf("the code is not stored upper-cased: %v", types)
	}

	second := writeFile(t, "cambio.csv", "codigo,descripcion,referencia_legal,gravedad,unidades,puntos\n"+
		"SEM-ROJO,Cruzar con el semáforo en rojo,\"Ley 24.449, art. 44\",gravisima,400,5\n"+
		"ALC-01,Conducir con alcoholemia positiva,\"Ley 24.449, art. 48 inc. a\",gravisima,1000,10\n")
	out, _, err = cli(t, "", "--db", db, "catalog", "import", second)
	if err != nil || !strings.Contains(out, "1 tipos creados, 1 actualizados") ||
		!strings.Contains(out, "creados: ALC-01") || !strings.Contains(out, "actualizados: SEM-ROJO") {
		t.Fatalf("second import: %q %v", out, err)
	}
	types = catalogTypes(t, db)
	if types["SEM-ROJO"].Units != 400 || types["ALC-01"].Units != 1000 {
		t.Errorf("after the update: SEM-ROJO %d units, ALC-01 %d", types["SEM-ROJO"].Units, types["ALC-01"].Units)
	}
	if it, ok := types["CAS-01"]; !ok || it.Units != 200 || !it.Active {
		t.Errorf("a type missing from the file changed: %+v (present %v)", it, ok)
	}

	bad := writeFile(t, "malo.csv", "codigo,descripcion,referencia_legal,gravedad,unidades,puntos\n"+
		"NUEVO-1,Un tipo bueno,Art. 1,leve,50,1\n"+
		"SEM-ROJO,Cruzar con el semáforo en rojo,Art. 44,muy grave,300,5\n"+
		"NUEVO-2,Otro,Art. 2,leve,muchas,1\n")
	out, _, err = cli(t, "", "catalog", "import", bad, "--db", db)
	msg := ""
	if err != nil {
		msg = oneLine(err)
	}
	if err == nil || exitCode(err) == 0 || !strings.Contains(msg, "línea 3: gravedad") || !strings.Contains(msg, "línea 4: unidades") ||
		strings.Contains(msg, "línea 2") || strings.Contains(msg, "\n") {
		t.Fatalf("bad import: %q %q (exit %d), want a one-line refusal naming lines 3 and 4", out, msg, exitCode(err))
	}
	types = catalogTypes(t, db)
	if _, ok := types["NUEVO-1"]; ok || types["SEM-ROJO"].Units != 400 || len(types) != 3 {
		t.Errorf("a refused file wrote something: %v", types)
	}

	for _, args := range [][]string{{"catalog"}, {"catalog", "export"}, {"catalog", "import"}, {"catalog", "import", first, second}} {
		if _, _, err := cli(t, "", append(args, "--db", db)...); err == nil || exitCode(err) != 2 {
			t.Errorf("transito %v: %v (exit %d), want a usage error", args, err, exitCode(err))
		}
	}
	if _, _, err := cli(t, "", "catalog", "import", filepath.Join(t.TempDir(), "no-existe.csv"), "--db", db); err == nil || exitCode(err) == 0 {
		t.Errorf("a missing file: %v", err)
	}
}

// TestUnitsSet: `units set` stores the value of one unit from a date, as
// exact cents, replacing the value of that same date; a later value does
// not change what an earlier date costs; bad dates and amounts are refused
// in one line naming the flag, and write nothing.
func TestUnitsSet(t *testing.T) {
	db := testdb.DSN(t)
	out, _, err := cli(t, "", "units", "set", "--from", "2026-01-01", "--value", "1234.50", "--db", db)
	if err != nil || !strings.Contains(out, "2026-01-01") || !strings.Contains(out, "1234.50") {
		t.Fatalf("units set: %q %v", out, err)
	}
	if _, _, err := cli(t, "", "--db", db, "units", "set", "--from", "2026-07-01", "--value", "1.500,10"); err != nil {
		t.Fatalf("units set with grouping: %v", err)
	}
	if _, _, err := cli(t, "", "units", "set", "--value", "1300.01", "--from", "2026-01-01", "--db", db); err != nil {
		t.Fatalf("units set again for the same date: %v", err)
	}

	store := testenv.Open(t, db)
	tariff, err := store.Tariff(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		day  fines.Date
		want int64
	}{
		{fines.NewDate(2026, 1, 1), 130001},
		{fines.NewDate(2026, 6, 30), 130001},
		{fines.NewDate(2026, 7, 1), 150010},
	} {
		if got, ok := tariff.UnitValueOn(tc.day); !ok || got != tc.want {
			t.Errorf("unit value on %s: %d (%v), want %d", tc.day, got, ok, tc.want)
		}
	}
	if _, ok := tariff.UnitValueOn(fines.NewDate(2025, 12, 31)); ok {
		t.Error("a date before every value has one")
	}

	for _, tc := range []struct {
		args []string
		flag string
	}{
		{[]string{"--from", "2026-02-30", "--value", "10"}, "--from"},
		{[]string{"--from", "1999-12-31", "--value", "10"}, "--from"},
		{[]string{"--from", "2026-08-01", "--value", "12.3456"}, "--value"},
		{[]string{"--from", "2026-08-01", "--value", "-5"}, "--value"},
		{[]string{"--from", "2026-08-01", "--value", "0"}, "--value"},
		{[]string{"--from", "2026-08-01", "--value", "1e3"}, "--value"},
		{[]string{"--from", "2026-08-01"}, "uso"},
		{[]string{"--value", "10"}, "uso"},
	} {
		_, _, err := cli(t, "", append(append([]string{"units", "set"}, tc.args...), "--db", db)...)
		if err == nil || exitCode(err) == 0 || !strings.Contains(oneLine(err), tc.flag) {
			t.Errorf("units set %v: %v (exit %d), want a refusal naming %s", tc.args, err, exitCode(err), tc.flag)
		}
	}
	if _, _, err := cli(t, "", "units", "--from", "2026-08-01", "--value", "10", "--db", db); err == nil || exitCode(err) != 2 {
		t.Errorf("units without set: %v", err)
	}
	values, err := store.UnitValues(context.Background())
	if err != nil || len(values) != 2 {
		t.Errorf("unit values after the refusals: %+v %v, want the 2 set", values, err)
	}
}

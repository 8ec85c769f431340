package models

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestImportCSVAndJSON(t *testing.T) {
	tests := []struct {
		name string
		file string
		want ImportResult
	}{
		{"csv", "nombre,email,placa_patente,marca,color\nAna,ANA@example.com,ab-123 cd,Fiat,Rojo\nAna,ana@example.com,XY987ZW,Ford,Gris\nBruno,bruno@example.com,,,\n",
			ImportResult{PersonsCreated: 2, VehiclesCreated: 2}},
		{"csv with BOM and CRLF", "\xef\xbb\xbfnombre,email,placa_patente,marca,color\r\nAna,ana@example.com,AB123CD,Fiat,Rojo\r\n",
			ImportResult{PersonsCreated: 1, VehiclesCreated: 1}},
		{"json", `[{"nombre":"Ana","email":"ana@example.com","vehiculos":[{"placa_patente":"AB123CD","marca":"Fiat","color":"Rojo"}]},
			{"nombre":"Bruno","email":"bruno@example.com","vehiculos":[]}]`,
			ImportResult{PersonsCreated: 2, VehiclesCreated: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestStore(t)
			res := mustImport(t, s, tt.file)
			if res.PersonsCreated != tt.want.PersonsCreated || res.VehiclesCreated != tt.want.VehiclesCreated {
				t.Fatalf("result %+v, want %+v", res, tt.want)
			}
			p, err := s.PersonByEmail(context.Background(), "ana@example.com")
			if err != nil || p.Name != "Ana" {
				t.Fatalf("Ana: %+v, %v", p, err)
			}
		})
	}
}

func TestImportUpsertsAndMovesVehicles(t *testing.T) {
	s := newTestStore(t)
	mustImport(t, s, "nombre,email,placa_patente,marca,color\nAna,ana@example.com,AB123CD,Fiat,Rojo\n")
	res := mustImport(t, s, "nombre,email,placa_patente,marca,color\nAna María,ana@example.com,,,\nBruno,bruno@example.com,AB123CD,Fiat,Negro\n")
	if res.PersonsUpdated != 1 || res.PersonsCreated != 1 || res.VehiclesMoved != 1 {
		t.Fatalf("result %+v, want Ana renamed, Bruno created, AB123CD moved", res)
	}
	var v Vehicle
	if err := s.readers.NewSelect().Model(&v).Relation("Person").Where("plate = 'AB123CD'").Scan(context.Background()); err != nil {
		t.Fatal(err)
	}
	if v.Person.Email != "bruno@example.com" || v.Color != "Negro" {
		t.Fatalf("vehicle after import: %+v owner %+v", v, v.Person)
	}
	again := mustImport(t, s, "nombre,email,placa_patente,marca,color\nBruno,bruno@example.com,AB123CD,Fiat,Negro\n")
	if again.Unchanged != 2 || again.VehiclesUpdated+again.VehiclesMoved+again.PersonsUpdated != 0 {
		t.Fatalf("re-import of the same rows: %+v, want nothing changed", again)
	}
}

func TestFailedImportLeavesTheDatabaseUnchanged(t *testing.T) {
	tests := []struct {
		name      string
		file      string
		wantLines []int
	}{
		{"bad email and plate", "nombre,email,placa_patente,marca,color\nAna,ana@example.com,AB123CD,Fiat,Rojo\nBruno,no-es-correo,XY987ZW,Ford,Gris\nCarla,carla@example.com,¡¡,Ford,Gris\n", []int{3, 4}},
		{"plate twice", "nombre,email,placa_patente,marca,color\nAna,ana@example.com,AB123CD,Fiat,Rojo\nBruno,bruno@example.com,ab-123-cd,Ford,Gris\n", []int{3}},
		{"missing column", "nombre,email,placa\nAna,ana@example.com,AB123CD\n", []int{1}},
		{"json wrong types", "[\n{\"nombre\":\"Ana\",\"email\":\"ana@example.com\"},\n{\"nombre\":1,\"email\":\"b@example.com\"}\n]", []int{3}},
		{"json not a list", `{"nombre":"Ana"}`, []int{1}},
		{"empty", "", []int{1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestStore(t)
			mustImport(t, s, "nombre,email,placa_patente,marca,color\nZoe,zoe@example.com,ZZ111ZZ,Fiat,Rojo\n")
			before := [3]int{count(t, s, "persons"), count(t, s, "vehicles"), count(t, s, "audit_log")}
			res, err := s.Import(context.Background(), strings.NewReader(tt.file), CLIActor, false)
			var inv *ImportInvalidError
			if !errors.As(err, &inv) {
				t.Fatalf("err = %v, want *ImportInvalidError", err)
			}
			var lines []int
			for _, e := range res.Errors {
				lines = append(lines, e.Line)
				if e.Message == "" {
					t.Errorf("error without a message: %+v", e)
				}
			}
			if len(lines) != len(tt.wantLines) {
				t.Fatalf("error lines %v, want %v (%v)", lines, tt.wantLines, res.Errors)
			}
			for i := range lines {
				if lines[i] != tt.wantLines[i] {
					t.Fatalf("error lines %v, want %v (%v)", lines, tt.wantLines, res.Errors)
				}
			}
			after := [3]int{count(t, s, "persons"), count(t, s, "vehicles"), count(t, s, "audit_log")}
			if before != after {
				t.Fatalf("rows before %v, after %v: a failed import wrote", before, after)
			}
		})
	}
}

func TestImportDryRunWritesNothing(t *testing.T) {
	s := newTestStore(t)
	res, err := s.Import(context.Background(), strings.NewReader("nombre,email,placa_patente,marca,color\nAna,ana@example.com,AB123CD,Fiat,Rojo\n"), CLIActor, true)
	if err != nil || res.PersonsCreated != 1 || res.VehiclesCreated != 1 {
		t.Fatalf("dry run: %+v, %v", res, err)
	}
	if count(t, s, "persons")+count(t, s, "vehicles")+count(t, s, "audit_log") != 0 {
		t.Fatal("dry run wrote rows")
	}
}

func TestImportBlankBrandAndColourKeepWhatIsKnown(t *testing.T) {
	s := newTestStore(t)
	mustImport(t, s, "nombre,email,placa_patente,marca,color\nAna,ana@example.com,AB123CD,,\n")
	mustImport(t, s, "nombre,email,placa_patente,marca,color\nAna,ana@example.com,AB123CD,Fiat,Rojo\n")
	res := mustImport(t, s, "nombre,email,placa_patente,marca,color\nAna,ana@example.com,AB123CD,,\n")
	if res.Unchanged != 2 || res.VehiclesUpdated != 0 {
		t.Fatalf("blank cells: %+v, want nothing changed", res)
	}
	var v Vehicle
	if err := s.readers.NewSelect().Model(&v).Where("plate = 'AB123CD'").Scan(context.Background()); err != nil {
		t.Fatal(err)
	}
	if v.Brand != "Fiat" || v.Color != "Rojo" {
		t.Fatalf("vehicle %+v: blank cells erased what was known", v)
	}
}

package models

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

// A preview (dry run) of an import reads and compares on a reader: it needs
// no writer, so it completes while the writer is held, and officers' writes
// never wait for it (issue 10, item 6).
func TestImportPreviewNeedsNoWriter(t *testing.T) {
	s := newTestStore(t)
	mustImport(t, s, "nombre,email,placa_patente,marca,color\nAna,ana@example.com,AB123CD,Fiat,Rojo\n")
	var b strings.Builder
	b.WriteString("nombre,email,placa_patente,marca,color\nAna María,ana@example.com,AB123CD,Fiat,Azul\n")
	for i := range 2000 {
		fmt.Fprintf(&b, "Persona %d,p%d@example.com,PV%05d,Ford,Gris\n", i, i, i)
	}
	release := holdWriter(t, s)
	done := make(chan error, 1)
	var res *ImportResult
	go func() {
		var err error
		res, err = s.Import(context.Background(), strings.NewReader(b.String()), CLIActor, true)
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(20 * time.Second):
		release()
		<-done
		t.Fatal("the preview waited for the writer (it completed only once the writer was released)")
	}
	release()
	want := ImportResult{PersonsCreated: 2000, PersonsUpdated: 1, VehiclesCreated: 2000, VehiclesUpdated: 1}
	if res.PersonsCreated != want.PersonsCreated || res.PersonsUpdated != want.PersonsUpdated ||
		res.VehiclesCreated != want.VehiclesCreated || res.VehiclesUpdated != want.VehiclesUpdated {
		t.Errorf("preview %+v, want %+v", res, want)
	}
	if n := count(t, s, "persons"); n != 1 {
		t.Errorf("the preview wrote: %d persons", n)
	}
}

// The preview says exactly what the import then does, file by file.
func TestImportPreviewMatchesTheImport(t *testing.T) {
	registry := "nombre,email,placa_patente,marca,color\nAna,ana@example.com,AB123CD,Fiat,Rojo\nBruno,bruno@example.com,XY987ZW,Ford,Gris\nBruno,bruno@example.com,BB222BB,,\nCarla,carla@example.com,,,\n"
	files := []struct {
		name, file string
		want       ImportResult
	}{
		{"csv: rename, move, recolour, create, unchanged, blank cells", "nombre,email,placa_patente,marca,color\n" +
			"Ana María,ana@example.com,XY987ZW,Ford,Gris\nBruno,bruno@example.com,AB123CD,Fiat,Negro\nBruno,bruno@example.com,BB222BB,Renault,\n" +
			"Carla,carla@example.com,CC333CC,Peugeot,Blanco\nDiego,diego@example.com,DD444DD,,\nDiego,diego@example.com,,,\n",
			ImportResult{PersonsCreated: 1, PersonsUpdated: 1, VehiclesCreated: 2, VehiclesUpdated: 1, VehiclesMoved: 2, Unchanged: 2}},
		{"csv: nothing changes", registry, ImportResult{Unchanged: 6}},
		{"json: one e-mail twice with two names, a vehicle under a new person", `[
			{"nombre":"Ana","email":"ana@example.com","vehiculos":[{"placa_patente":"AB123CD","marca":"Fiat","color":"Rojo"}]},
			{"nombre":"Ana Otra","email":"ANA@example.com","vehiculos":[{"placa_patente":"EE555EE"}]},
			{"nombre":"Eva","email":"eva@example.com","vehiculos":[{"placa_patente":"XY987ZW","marca":"","color":"Verde"}]},
			{"nombre":"Eva","email":"eva@example.com","vehiculos":[]},
			{"nombre":"Carla","email":"carla@example.com"}]`,
			ImportResult{PersonsCreated: 1, PersonsUpdated: 1, VehiclesCreated: 1, VehiclesMoved: 1, Unchanged: 4}},
	}
	for _, tt := range files {
		t.Run(tt.name, func(t *testing.T) {
			file := tt.file
			s := newTestStore(t)
			mustImport(t, s, registry)
			before := [3]int{count(t, s, "persons"), count(t, s, "vehicles"), count(t, s, "audit_log")}
			preview, err := s.Import(context.Background(), strings.NewReader(file), CLIActor, true)
			if err != nil {
				t.Fatal(err)
			}
			if after := [3]int{count(t, s, "persons"), count(t, s, "vehicles"), count(t, s, "audit_log")}; after != before {
				t.Fatalf("the preview wrote: %v → %v", before, after)
			}
			done := mustImport(t, s, file)
			done.Errors, preview.Errors = nil, nil
			counts := *done
			counts.Rows = ImportRows{}
			if !reflect.DeepEqual(counts, tt.want) {
				t.Errorf("import %+v, want %+v", counts, tt.want)
			}
			if !reflect.DeepEqual(preview, done) {
				t.Errorf("preview %+v, import %+v", *preview, *done)
			}
		})
	}
}

// The preview lists the rows behind its counts — the first ImportListed of
// each kind, in file order, with what changes (a vehicle's owner before and
// after) — however big the file.
func TestImportPreviewRows(t *testing.T) {
	s := newTestStore(t)
	mustImport(t, s, "nombre,email,placa_patente,marca,color\nAna,ana@example.com,AB123CD,Toyota,Blanco\n")
	var b strings.Builder
	b.WriteString("nombre,email,placa_patente,marca,color\nAna María,ana@example.com,,,\nBruno,bruno@example.com,AB123CD,Toyota,Rojo\n")
	for i := range ImportListed + 7 {
		fmt.Fprintf(&b, "P%d,p%d@example.com,NEW%03d,Fiat,Azul\n", i, i, i)
	}
	res, err := s.Import(context.Background(), strings.NewReader(b.String()), CLIActor, true)
	if err != nil {
		t.Fatal(err)
	}
	r := res.Rows
	if res.PersonsCreated != ImportListed+8 || len(r.PersonsCreated) != ImportListed || r.PersonsCreated[0].Key != "bruno@example.com" || r.PersonsCreated[0].Line != 3 {
		t.Errorf("persons created: %d, listed %d, first %+v", res.PersonsCreated, len(r.PersonsCreated), r.PersonsCreated[0])
	}
	if res.VehiclesCreated != ImportListed+7 || len(r.VehiclesCreated) != ImportListed || r.VehiclesCreated[0].Key != "NEW000" {
		t.Errorf("vehicles created: %d, listed %d", res.VehiclesCreated, len(r.VehiclesCreated))
	}
	want := ImportRow{Line: 2, Key: "ana@example.com", Name: "Ana María", Changes: []ImportChange{{"Nombre", "Ana", "Ana María"}}}
	if len(r.PersonsUpdated) != 1 || !reflect.DeepEqual(r.PersonsUpdated[0], want) {
		t.Errorf("persons updated %+v, want %+v", r.PersonsUpdated, want)
	}
	want = ImportRow{Line: 3, Key: "AB123CD", Name: "Toyota · Rojo", Changes: []ImportChange{
		{"Titular", "Ana (ana@example.com)", "Bruno (bruno@example.com)"}, {"Color", "Blanco", "Rojo"}}}
	if len(r.VehiclesMoved) != 1 || !reflect.DeepEqual(r.VehiclesMoved[0], want) {
		t.Errorf("vehicles moved %+v, want %+v", r.VehiclesMoved, want)
	}
}

package models

import (
	"context"
	"errors"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"transito/models/rules"
)

// FuzzImport feeds arbitrary CSV and JSON to the importer the CLI and the
// panel share: it either refuses the file with line-numbered Spanish errors
// and writes nothing, or stores only clean, valid records.
func FuzzImport(f *testing.F) {
	s := newTestStore(f)
	for _, seed := range []string{
		"nombre,email,placa_patente,marca,color\nAna,ana@example.com,AB123CD,Fiat,Rojo\n",
		"nombre,email,placa_patente,marca,color\nAna Núñez 🚗,ANA@example.com,ab-123-cd,,\n",
		"nombre,email,placa_patente,marca,color\nمحمد,m@example.com,ＡＢ１２３,Fiat,أحمر\n",
		"nombre,email,placa_patente,marca,color\nAna\x00,ana@example.com,AB123CD,Fiat,Rojo\n",
		"nombre,email,placa_patente,marca,color\n\xff,ana@example.com,АВ123,Fiat,Rojo\n",
		"nombre,email,placa_patente,marca,color\n\"Ana\nBea\",ana@example.com,AB1,Fiat,Rojo\n",
		"nombre,email,placa_patente,marca,color\nAna,ana@example.com,AB123CD,Fiat,Rojo\nBea,ana@example.com,AB123CD,Ford,Gris\n",
		`[{"nombre":"Ana","email":"ana@example.com","vehiculos":[{"placa_patente":"AB123CD","marca":"Fiat","color":"Rojo"}]}]`,
		`[{"nombre":"<img src=x onerror=alert(1)>","email":"x@example.com","vehiculos":[]}]`,
		`[{"nombre":"Ana","email":"ana@example.com","vehiculos":[{"placa_patente":1}]}]`,
		`[{"nombre":"Ana\u0000","email":"ana@example.com"}]`, `[]`, `{}`, `[null]`, ``, "\ufeffnombre,email\n",
	} {
		f.Add(seed)
	}
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, file string) {
		before := [3]int{count(t, s, "persons"), count(t, s, "vehicles"), count(t, s, "audit_log")}
		res, err := s.Import(ctx, strings.NewReader(file), CLIActor, false)
		after := [3]int{count(t, s, "persons"), count(t, s, "vehicles"), count(t, s, "audit_log")}
		var inv *ImportInvalidError
		switch {
		case errors.As(err, &inv):
			if before != after {
				t.Fatalf("refused import wrote: %v → %v", before, after)
			}
			for _, e := range res.Errors {
				if e.Line < 1 || e.Message == "" {
					t.Fatalf("error without a line or message: %+v", e)
				}
			}
		case err != nil:
			t.Fatalf("import %q: %v, want success or *ImportInvalidError", file, err)
		}
		var persons []Person
		if err := s.readers.NewSelect().Model(&persons).Scan(ctx); err != nil {
			t.Fatal(err)
		}
		for _, p := range persons {
			if !rules.ValidEmail(p.Email) || !printable(p.Name) || p.Name == "" {
				t.Fatalf("stored person %+v", p)
			}
		}
		var vehicles []Vehicle
		if err := s.readers.NewSelect().Model(&vehicles).Scan(ctx); err != nil {
			t.Fatal(err)
		}
		for _, v := range vehicles {
			if !rules.ValidPlate(v.Plate) || !printable(v.Brand) || !printable(v.Color) {
				t.Fatalf("stored vehicle %+v", v)
			}
		}
	})
}

func printable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}

package models

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"transito/models/rules"
)

func personNames(t *testing.T, s *Store, q string) []string {
	t.Helper()
	res, err := s.ListPersons(context.Background(), ListQuery{Q: q, PerPage: 100})
	if err != nil {
		t.Fatalf("ListPersons(%q): %v", q, err)
	}
	var names []string
	for _, p := range res.Items {
		names = append(names, p.Name)
	}
	if res.Total != len(names) {
		t.Errorf("ListPersons(%q): total %d, %d rows", q, res.Total, len(names))
	}
	return names
}

// TestSearchIgnoresAccentsAndCase: one key for every spelling, on both
// databases, in the list and in the owner picker.
func TestSearchIgnoresAccentsAndCase(t *testing.T) {
	s := newTestStore(t)
	mustImport(t, s, `nombre,email,placa_patente,marca,color
Facundo Romero,romero@example.com,AA111AA,Ford,Rojo
Facundo Álvarez,falvarez@example.com,AA222AA,Citroën,Gris
ana ALVAREZ,ana.alvarez@example.com,AA333AA,Fiat,Blanco
Ángel Núñez,angel@example.com,AB123CD,Peugeot,Azul
Juana Peña,juana@example.com,XY987ZW,Toyota,Negro
`)
	all := []string{"Facundo Álvarez", "Facundo Romero", "ana ALVAREZ"}
	slices.Sort(all)
	for _, q := range []string{"alvarez", "ÁLVAREZ", "Álvarez", "ALVÁREZ", "varez"} {
		if got := personNames(t, s, q); !slices.Equal(got, []string{"ana ALVAREZ", "Facundo Álvarez"}) {
			t.Errorf("search %q = %q", q, got)
		}
	}
	for q, want := range map[string][]string{
		"angel":           {"Ángel Núñez"},
		"ÁNGEL NUÑEZ":     {"Ángel Núñez"},
		"pena":            {"Juana Peña"},
		"peña":            {"Juana Peña"},
		"facundo":         {"Facundo Álvarez", "Facundo Romero"},
		"ana.alv":         {"ana ALVAREZ"},
		"@example":        {"ana ALVAREZ", "Ángel Núñez", "Facundo Álvarez", "Facundo Romero", "Juana Peña"},
		"example.com\nx":  {},                             // a line break never matches across fields
		"an":              {"ana ALVAREZ", "Ángel Núñez"}, // 1–2 characters: the start of the name or e-mail
		"ju":              {"Juana Peña"},
		`"quotes" 100%_x`: {},
	} {
		if got := personNames(t, s, rules.SearchText(q)); !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
			t.Errorf("search %q = %q, want %q", q, got, want)
		}
	}
	// "Facundo Álvarez" sorts before "Facundo Romero", both ways.
	res, err := s.ListPersons(context.Background(), ListQuery{Sort: "nombre"})
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, p := range res.Items {
		order = append(order, p.Name)
	}
	if want := []string{"ana ALVAREZ", "Ángel Núñez", "Facundo Álvarez", "Facundo Romero", "Juana Peña"}; !slices.Equal(order, want) {
		t.Errorf("sorted %q, want %q", order, want)
	}
	picked, err := s.SearchPersons(context.Background(), "ÁLVAREZ", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(picked) != 2 || picked[0].Name != "ana ALVAREZ" {
		t.Errorf("picker: %v", picked)
	}

	vehicles := func(q string, filters map[string]string) []string {
		t.Helper()
		res, err := s.ListVehicles(context.Background(), ListQuery{Q: q, Filters: filters})
		if err != nil {
			t.Fatal(err)
		}
		var plates []string
		for _, v := range res.Items {
			plates = append(plates, v.Plate)
		}
		if res.Total != len(plates) {
			t.Errorf("vehicles %q: total %d, %d rows", q, res.Total, len(plates))
		}
		return plates
	}
	for q, want := range map[string][]string{
		"123":      {"AB123CD"}, // any part of the plate
		"b1-23 c":  {"AB123CD"}, // spelt with a dash and a space
		"citroen":  {"AA222AA"}, // the brand, without its diaeresis
		"BLANCO":   {"AA333AA"}, // the colour
		"NUÑEZ":    {"AB123CD"}, // the owner's name
		"juana@":   {"XY987ZW"}, // the owner's e-mail
		"alvarez":  {"AA222AA", "AA333AA"},
		"ab":       {"AB123CD"}, // short: the start of the plate
		"gr":       {"AA222AA"}, // or of the colour
		"zzz-none": nil,
	} {
		if got := vehicles(q, nil); !slices.Equal(got, want) {
			t.Errorf("vehicles %q = %q, want %q", q, got, want)
		}
	}
	if got := vehicles("", map[string]string{"marca": "CITROEN"}); !slices.Equal(got, []string{"AA222AA"}) {
		t.Errorf("marca filter: %q", got)
	}
	if got := vehicles("", map[string]string{"titular": "ángel"}); !slices.Equal(got, []string{"AB123CD"}) {
		t.Errorf("titular filter: %q", got)
	}
	res2, err := s.ListVehicles(context.Background(), ListQuery{Sort: "titular"})
	if err != nil {
		t.Fatal(err)
	}
	var owners []string
	for _, v := range res2.Items {
		owners = append(owners, v.OwnerName)
	}
	if want := []string{"ana ALVAREZ", "Ángel Núñez", "Facundo Álvarez", "Facundo Romero", "Juana Peña"}; !slices.Equal(owners, want) {
		t.Errorf("vehicles by owner %q", owners)
	}
}

// TestSearchFollowsEveryWrite: the text index follows creates, renames
// (panel and import), transfers and deletes in their own transaction, and
// every stored key is the one the rules make.
func TestSearchFollowsEveryWrite(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	p, err := s.CreatePerson(ctx, rules.PersonInput{Name: "Óscar Ruiz", Email: "oscar@example.com"}, CLIActor)
	if err != nil {
		t.Fatal(err)
	}
	if got := personNames(t, s, "oscar ruiz"); !slices.Equal(got, []string{"Óscar Ruiz"}) {
		t.Fatalf("after create: %q", got)
	}
	if _, err := s.UpdatePerson(ctx, p.ID, rules.PersonInput{Name: "Óscar Muñoz", Email: "oscar@example.com"}, CLIActor); err != nil {
		t.Fatal(err)
	}
	if got := personNames(t, s, "ruiz"); len(got) != 0 {
		t.Errorf("old name still found: %q", got)
	}
	if got := personNames(t, s, "munoz"); !slices.Equal(got, []string{"Óscar Muñoz"}) {
		t.Errorf("new name not found: %q", got)
	}
	mustImport(t, s, "nombre,email,placa_patente,marca,color\nÓscar Díaz,oscar@example.com,AB123CD,Citroën,Gris\n")
	if got := personNames(t, s, "diaz"); !slices.Equal(got, []string{"Óscar Díaz"}) {
		t.Errorf("import rename not found: %q", got)
	}
	mustImport(t, s, "nombre,email,placa_patente,marca,color\nÓscar Díaz,oscar@example.com,AB123CD,Renault,Bordó\n")
	res, err := s.ListVehicles(ctx, ListQuery{Q: "bordo"})
	if err != nil || res.Total != 1 {
		t.Errorf("import update of the colour not found: %v %v", res, err)
	}
	o, err := s.CreateOfficer(ctx, rules.OfficerInput{Name: "Laura Benítez", Badge: "b-77", Active: true}, CLIActor)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateOfficer(ctx, o.ID, rules.OfficerInput{Name: "Laura Benítez Peña", Badge: "B-78", Active: true}, CLIActor); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"benitez pena", "b-78", "B-7", "la"} {
		res, err := s.ListOfficers(ctx, ListQuery{Q: q})
		if err != nil || res.Total != 1 {
			t.Errorf("officer search %q: %v %v", q, res, err)
		}
	}
	if _, err := s.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Seed(ctx, SeedOptions{Persons: 50, Infractions: 10, Seed: 3}); err == nil {
		t.Log("seeded a non-empty database") // Seed refuses; the demo covers the import path
	}
	p2, err := s.CreatePerson(ctx, rules.PersonInput{Name: "Borrar Pérez", Email: "borrar@example.com"}, CLIActor)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DeletePerson(ctx, p2.ID, CLIActor); err != nil {
		t.Fatal(err)
	}
	if got := personNames(t, s, "borrar"); len(got) != 0 {
		t.Errorf("deleted person still found: %q", got)
	}
	checkKeys(t, s)
}

// TestSeedKeys: the seed's bulk insert gets keys and a text index too.
func TestSeedKeys(t *testing.T) {
	s := newTestStore(t)
	if _, err := s.Seed(context.Background(), SeedOptions{Persons: 300, Infractions: 100, Seed: 2}); err != nil {
		t.Fatal(err)
	}
	checkKeys(t, s)
	if got := personNames(t, s, "gonzalez"); len(got) == 0 {
		t.Error("no González among 300 seeded persons")
	} else {
		for _, n := range got {
			if !strings.Contains(rules.Fold(n), "gonzalez") {
				t.Errorf("%q matched gonzalez", n)
			}
		}
	}
	// The seed builds the text indexes after its rows: the ones written
	// after it are indexed as they are written.
	if _, err := s.CreatePerson(context.Background(), rules.PersonInput{Name: "Zoilo Quiroga", Email: "zq@example.com"}, CLIActor); err != nil {
		t.Fatal(err)
	}
	if got := personNames(t, s, "quirog"); !slices.Equal(got, []string{"Zoilo Quiroga"}) {
		t.Errorf("a person created after the seed: search found %q", got)
	}
}

// checkKeys compares every stored key with the one the rules make, and on
// SQLite checks the FTS5 indexes against their tables.
func checkKeys(t *testing.T, s *Store) {
	t.Helper()
	ctx := context.Background()
	var ps []Person
	if err := s.readers.NewSelect().Model(&ps).Scan(ctx); err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		want := p
		want.setKeys()
		if p.NameKey != want.NameKey || p.SearchKey != want.SearchKey {
			t.Errorf("person %d %q: keys %q/%q, want %q/%q", p.ID, p.Name, p.NameKey, p.SearchKey, want.NameKey, want.SearchKey)
		}
	}
	var vs []Vehicle
	if err := s.readers.NewSelect().Model(&vs).Scan(ctx); err != nil {
		t.Fatal(err)
	}
	for _, v := range vs {
		want := v
		want.setKeys()
		if v.BrandKey != want.BrandKey || v.ColorKey != want.ColorKey || v.SearchKey != want.SearchKey {
			t.Errorf("vehicle %d %q: keys %q/%q/%q", v.ID, v.Plate, v.BrandKey, v.ColorKey, v.SearchKey)
		}
	}
	var os []Officer
	if err := s.readers.NewSelect().Model(&os).Scan(ctx); err != nil {
		t.Fatal(err)
	}
	for _, o := range os {
		want := o
		want.setKeys()
		if o.NameKey != want.NameKey || o.SearchKey != want.SearchKey {
			t.Errorf("officer %d %q: keys %q/%q", o.ID, o.Name, o.NameKey, o.SearchKey)
		}
	}
	if _, ok := s.dialect.(sqliteDialect); ok {
		for _, table := range []string{"persons", "vehicles", "officers"} {
			fts := table + "_search"
			if _, err := s.writer.ExecContext(ctx, fmt.Sprintf("INSERT INTO %s(%s, rank) VALUES ('integrity-check', 1)", fts, fts)); err != nil {
				t.Errorf("%s out of step with %s: %v", fts, table, err)
			}
		}
	}
}

// TestDenseSearchPages: a search that matches most rows is read walking the
// list in order (dense), one that matches few through the id list; both give
// the same pages as sorting every match would.
func TestDenseSearchPages(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	var csv strings.Builder
	csv.WriteString("nombre,email,placa_patente,marca,color\n")
	var want []string
	for i := range 40 {
		name := fmt.Sprintf("Gómez %02d", 39-i)
		fmt.Fprintf(&csv, "%s,g%02d@example.com,GG%03dAA,Citroën,Gris\n", name, i, i)
		want = append(want, name)
	}
	csv.WriteString("Ana Ruiz,ana@example.com,RR001AA,Ford,Azul\nJuan Gomez Ruiz,juan@example.com,RR002AA,Ford,Azul\n")
	want = append(want, "Juan Gomez Ruiz")
	mustImport(t, s, csv.String())
	slices.SortFunc(want, func(a, b string) int { return strings.Compare(rules.Fold(a), rules.Fold(b)) })
	for _, per := range []int{5, 100} {
		var got []string
		for page := 1; ; page++ {
			res, err := s.ListPersons(ctx, ListQuery{Q: "GOMEZ", Page: page, PerPage: per})
			if err != nil {
				t.Fatal(err)
			}
			if res.Total != len(want) {
				t.Fatalf("total %d, want %d", res.Total, len(want))
			}
			if page == 1 && per == 5 && !s.dense(ctx, "persons", res.Total, &ListQuery{Page: 1, PerPage: 5}) {
				t.Error("a search matching most rows is not dense")
			}
			for _, p := range res.Items {
				got = append(got, p.Name)
			}
			if page >= res.Pages() {
				break
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("per page %d: %q\nwant %q", per, got, want)
		}
	}
	res, err := s.ListVehicles(ctx, ListQuery{Q: "citroen", PerPage: 5, Sort: "titular", Desc: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 40 || res.Items[0].OwnerName != "Gómez 39" {
		t.Errorf("vehicles: total %d, first %q", res.Total, res.Items[0].OwnerName)
	}
	res, err = s.ListVehicles(ctx, ListQuery{Q: "ruiz", PerPage: 1})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 2 || res.Items[0].Plate != "RR001AA" {
		t.Errorf("vehicles of owners: total %d, first %v", res.Total, res.Items)
	}
}

// TestSearchFindsADocumentInAnySpelling: a DNI or CUIT typed with dots,
// spaces or dashes finds the person whose document the store keeps without
// them, in the list and in the owner picker.
func TestSearchFindsADocumentInAnySpelling(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	for _, in := range []rules.PersonInput{
		{Name: "Ana Díaz", Email: "ana@example.com", Document: "20.123.456"},
		{Name: "Bruno Sosa", Email: "bruno@example.com", Document: "20-33444555-1"},
		{Name: "Carla Ruiz", Email: "carla@example.com"},
	} {
		if _, err := s.CreatePerson(ctx, in, CLIActor); err != nil {
			t.Fatal(err)
		}
	}
	for q, want := range map[string][]string{
		"20.123.456":    {"Ana Díaz"},
		"20 123 456":    {"Ana Díaz"},
		"20123456":      {"Ana Díaz"},
		"123.456":       {"Ana Díaz"},
		"20-33444555-1": {"Bruno Sosa"},
		"33.444.555":    {"Bruno Sosa"},
		"20":            {},
		"ruiz":          {"Carla Ruiz"},
	} {
		got := personNames(t, s, rules.SearchText(q))
		if !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
			t.Errorf("search %q = %q, want %q", q, got, want)
		}
		picked, err := s.SearchPersons(ctx, rules.SearchText(q), 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(picked) != len(want) {
			t.Errorf("owner picker %q: %d persons, want %d", q, len(picked), len(want))
		}
	}
}

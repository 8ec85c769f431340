package rules

import (
	"slices"
	"testing"
)

func TestFold(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Álvarez", "alvarez"},
		{"ÁLVAREZ", "alvarez"},
		{"alvarez", "alvarez"},
		{"Ángel Núñez", "angel nunez"},
		{"PEÑA", "pena"},
		{"Güemes", "guemes"},
		{"Françoise", "francoise"},
		{"  Ana \t  María  ", "ana maria"},
		{"Straße", "strasse"},
		{"ＡＢ１２３", "ab123"}, // full-width
		{"ﬁdel", "fidel"},  // ligature
		{"Citroën C3", "citroen c3"},
		{"a\xffb", "ab"}, // invalid UTF-8 dropped
		{"", ""},
		{"Łódź", "lodz"},
	} {
		if got := Fold(tc.in); got != tc.want {
			t.Errorf("Fold(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestFoldSortsInSpanishOrder: sorting by the folded key puts accented names
// where a Spanish reader looks for them.
func TestFoldSortsInSpanishOrder(t *testing.T) {
	names := []string{"Facundo Romero", "Facundo Álvarez", "facundo alvarez", "Ángel Zapata", "Ñandú Pérez", "Nora Paz", "Óscar Ruiz", "ana ruiz"}
	slices.SortStableFunc(names, func(a, b string) int {
		if Fold(a) < Fold(b) {
			return -1
		}
		if Fold(a) > Fold(b) {
			return 1
		}
		return 0
	})
	want := []string{"ana ruiz", "Ángel Zapata", "Facundo Álvarez", "facundo alvarez", "Facundo Romero", "Ñandú Pérez", "Nora Paz", "Óscar Ruiz"}
	if !slices.Equal(names, want) {
		t.Errorf("sorted %q\nwant   %q", names, want)
	}
}

func TestSearchKey(t *testing.T) {
	if got := SearchKey("Ana Martínez", "", "ana@example.com"); got != "ana martinez\nana@example.com" {
		t.Errorf("SearchKey = %q", got)
	}
}

func TestPrefixEnd(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"an", "ao"}, {"a", "b"}, {"", ""}, {"z", "{"}, {"é", "ê"},
		{"a\U0010FFFF", "b"}, {"\U0010FFFF", ""},
		{"\ud7ff", "\ue000"}, // the surrogates are skipped
	} {
		if got := PrefixEnd(tc.in); got != tc.want {
			t.Errorf("PrefixEnd(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	// Every string with the prefix sorts before the end, and the end after
	// the prefix.
	for _, s := range []string{"an", "ana", "an\U0010FFFF", "anzzz"} {
		if !(s >= "an" && s < PrefixEnd("an")) {
			t.Errorf("%q not in [an, %q)", s, PrefixEnd("an"))
		}
	}
}

func TestPlural(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want string
	}{{0, "0 personas"}, {1, "1 persona"}, {2, "2 personas"}, {1250, "1.250 personas"}, {1000000, "1.000.000 personas"}} {
		if got := Plural(tc.n, "persona", "personas"); got != tc.want {
			t.Errorf("Plural(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
}

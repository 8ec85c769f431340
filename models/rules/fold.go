package rules

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// foldSpecial are letters that carry no combining mark to drop but still
// have a plain spelling.
var foldSpecial = map[rune]string{
	'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "o", 'ł': "l", 'đ': "d", 'ð': "d", 'þ': "th", 'ı': "i",
}

// Fold is the search and sort key of a text: lower case, without
// diacritics (á → a, ü → u, ñ → n, ç → c), compatibility forms spelt plainly
// (full-width letters, ligatures), every run of spaces one space, no space at
// either end. "ÁLVAREZ", "Álvarez" and "alvarez" fold to one key, and keys
// sort in Spanish order by plain byte comparison.
//
// The store keeps folded keys in its tables: a change to Fold needs a
// migration that computes the stored keys again.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range norm.NFKD.String(strings.ToValidUTF8(s, "")) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		r = unicode.ToLower(r)
		if sp, ok := foldSpecial[r]; ok {
			b.WriteString(sp)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// SearchKey is the text a record is searched by: its fields folded, one a
// line. A search text never holds a line break (SearchText drops it), so a
// match never spans two fields.
func SearchKey(fields ...string) string {
	parts := make([]string, 0, len(fields))
	for _, f := range fields {
		if k := Fold(f); k != "" {
			parts = append(parts, k)
		}
	}
	return strings.Join(parts, "\n")
}

// PrefixEnd is the least string greater than every string that starts with
// prefix, in byte order: key >= prefix AND key < PrefixEnd(prefix) is a
// prefix match an index serves. It is "" when no such string exists.
func PrefixEnd(prefix string) string {
	for prefix != "" {
		r, size := utf8.DecodeLastRuneInString(prefix)
		prefix = prefix[:len(prefix)-size]
		for r++; r <= unicode.MaxRune; r++ {
			if utf8.ValidRune(r) {
				return prefix + string(r)
			}
		}
	}
	return ""
}

// Plural writes a count with its noun: "1 persona", "2 personas",
// "1.250 infracciones" (thousands grouped with dots, as Spanish does).
func Plural(n int, one, many string) string {
	if n == 1 || n == -1 {
		return Thousands(n) + " " + one
	}
	return Thousands(n) + " " + many
}

// Thousands writes n with dots between thousands: 1.250.000.
func Thousands(n int) string {
	s := strconv.Itoa(n)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	var out []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, '.')
		}
		out = append(out, s[i])
	}
	if neg {
		return "-" + string(out)
	}
	return string(out)
}

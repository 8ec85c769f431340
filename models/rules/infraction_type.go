package rules

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"transito/models/fines"
)

// Limits of a type of the catalogue.
const (
	MaxUnits       = 20000 // Ley 24.449, art. 84: fines go up to 20,000 units
	MaxPoints      = 20    // the licence's points
	maxLegalRefLen = 200
)

var codeRE = regexp.MustCompile(`^[A-Z0-9.-]{1,20}$`)

// CodeRule says what a code of the catalogue looks like.
const CodeRule = "debe tener de 1 a 20 letras (A–Z), dígitos, puntos o guiones"

// NormalizeCode trims a code of the catalogue and upper-cases it.
func NormalizeCode(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

// ValidCode reports whether a normalised code has the catalogue's shape.
func ValidCode(code string) bool { return codeRE.MatchString(code) }

// NormalizeSeverity reads a severity as people write it ("Gravísima",
// " GRAVE ") into one of the three values; anything else is returned
// lower-cased, and fails Severity.Valid.
func NormalizeSeverity(s string) fines.Severity {
	s = strings.ToLower(strings.TrimSpace(s))
	return fines.Severity(strings.NewReplacer("í", "i", "Í", "i").Replace(s))
}

// InfractionTypeInput is a type of the catalogue as the panel, the CLI's
// import and the store submit it.
type InfractionTypeInput struct {
	Code        string `json:"codigo"`
	Description string `json:"descripcion"`
	LegalRef    string `json:"referencia_legal"`
	Severity    string `json:"gravedad"`
	Units       int    `json:"unidades"`
	Points      int    `json:"puntos"`
	Active      bool   `json:"activo"`
}

// Clean normalises the input and validates it.
func (in *InfractionTypeInput) Clean() FieldErrors {
	fe := FieldErrors{}
	in.Code = NormalizeCode(in.Code)
	in.Description = strings.TrimSpace(in.Description)
	in.LegalRef = strings.TrimSpace(in.LegalRef)
	in.Severity = string(NormalizeSeverity(in.Severity))
	switch {
	case in.Code == "":
		fe.Add(FieldCode, "es obligatorio")
	case !ValidCode(in.Code):
		fe.Add(FieldCode, CodeRule)
	}
	requiredText(fe, FieldDescription, in.Description, maxNameLen)
	if msg := checkText(in.LegalRef, maxLegalRefLen, false); msg != "" {
		fe.Add(FieldLegalRef, msg)
	}
	if !fines.Severity(in.Severity).Valid() {
		fe.Add(FieldSeverity, "debe ser leve, grave o gravisima")
	}
	if in.Units < 1 || in.Units > MaxUnits {
		fe.Add(FieldUnits, UnitsRule)
	}
	if in.Points < 0 || in.Points > MaxPoints {
		fe.Add(FieldPoints, PointsRule)
	}
	return fe
}

// UnitsRule and PointsRule say the ranges of a type's units and points.
var (
	UnitsRule  = "debe ser un número entero de 1 a " + strconv.Itoa(MaxUnits)
	PointsRule = "debe ser un número entero de 0 a " + strconv.Itoa(MaxPoints)
)

// ParseWhole reads a whole number typed in a form or a file ("1200",
// " 20 "); ok is false for anything else.
func ParseWhole(s string) (n int, ok bool) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	return n, err == nil
}

// CatalogRecord is one type of a catalogue file with its line.
type CatalogRecord struct {
	Line int
	Type InfractionTypeInput
	// HasActive says the file has an activo column, which then sets Active;
	// without one a new type is active and an existing one keeps its state.
	HasActive bool
}

// CatalogHeader is the header of a catalogue file; the column activo
// (sí/no) may follow.
var CatalogHeader = []string{FieldCode, FieldDescription, FieldLegalRef, FieldSeverity, FieldUnits, FieldPoints}

// ParseCatalog reads a catalogue CSV file (header codigo,descripcion,
// referencia_legal,gravedad,unidades,puntos, in any order, and optionally
// activo) and validates every row, normalised. The file is good when no
// error comes back; errors name the line (the header is line 1) and the
// field.
func ParseCatalog(r io.Reader) ([]CatalogRecord, []ImportError) {
	data, errs := readFile(r)
	if errs != nil {
		return nil, errs
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	cols, errs := csvColumns(cr, CatalogHeader)
	if errs != nil {
		return nil, errs
	}
	_, hasActive := cols[FieldActive]
	var recs []CatalogRecord
	var bad []ImportError
	seen := map[string]int{}
	errs = csvRows(cr, cols, func(line int, get func(string) string) {
		rec := CatalogRecord{Line: line, HasActive: hasActive, Type: InfractionTypeInput{
			Code: get(FieldCode), Description: get(FieldDescription), LegalRef: get(FieldLegalRef),
			Severity: get(FieldSeverity), Active: true,
		}}
		fe := FieldErrors{}
		number := func(field string, dst *int, rule string) {
			n, ok := ParseWhole(get(field))
			if !ok {
				fe.Add(field, rule)
			}
			*dst = n
		}
		number(FieldUnits, &rec.Type.Units, UnitsRule)
		number(FieldPoints, &rec.Type.Points, PointsRule)
		if hasActive {
			active, ok := ParseYesNo(get(FieldActive))
			if !ok {
				fe.Add(FieldActive, "debe ser sí o no")
			}
			rec.Type.Active = active
		}
		for k, v := range rec.Type.Clean() {
			fe.Add(k, v)
		}
		if first, dup := seen[rec.Type.Code]; dup && fe[FieldCode] == "" {
			fe.Add(FieldCode, fmt.Sprintf("el código %s ya figura en la línea %d", rec.Type.Code, first))
		} else if !dup {
			seen[rec.Type.Code] = line
		}
		for _, field := range append(append([]string{}, CatalogHeader...), FieldActive) {
			if msg, ok := fe[field]; ok {
				bad = append(bad, ImportError{Line: line, Field: field, Message: msg})
			}
		}
		recs = append(recs, rec)
	})
	errs = append(bad, errs...)
	if len(recs) == 0 && len(errs) == 0 {
		errs = append(errs, ImportError{Line: 2, Message: "el archivo no tiene ningún tipo después del encabezado"})
	}
	return recs, errs
}

// ParseYesNo reads sí/no, si, 1/0, true/false, yes/no, x or an empty cell
// (no), in any case.
func ParseYesNo(s string) (v, ok bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "sí", "si", "s", "1", "true", "yes", "x":
		return true, true
	case "no", "n", "0", "false", "":
		return false, true
	}
	return false, false
}

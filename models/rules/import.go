package rules

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// MaxImportSize bounds an import file.
const MaxImportSize = 32 << 20

// ImportRecord is one person of an import file with the vehicles listed
// under them. Line is where the record starts in the file.
type ImportRecord struct {
	Line     int
	Person   PersonInput
	Vehicles []ImportVehicle
}

// ImportVehicle is one vehicle of an import record.
type ImportVehicle struct {
	Line    int
	Vehicle VehicleInput
}

// ImportError is a bad row: its line, the field and a Spanish message.
type ImportError struct {
	Line    int    `json:"linea"`
	Field   string `json:"campo"`
	Message string `json:"mensaje"`
}

func (e ImportError) String() string {
	if e.Field == "" {
		return fmt.Sprintf("línea %d: %s", e.Line, e.Message)
	}
	return fmt.Sprintf("línea %d: %s: %s", e.Line, e.Field, e.Message)
}

// ParseImport reads a CSV file (header nombre,email,placa_patente,marca,color
// and optionally documento) or a JSON file
// ([{"nombre","email","documento","vehiculos":[{"placa_patente","marca","color"}]}],
// documento optional)
// and validates every record, normalising them in place. The format is JSON
// when the first non-blank character is '['. The file is good when no error
// comes back.
func ParseImport(r io.Reader) ([]ImportRecord, []ImportError) {
	recs, errs := readImport(r)
	return recs, append(errs, validateImport(recs)...)
}

func readImport(r io.Reader) ([]ImportRecord, []ImportError) {
	data, errs := readFile(r)
	if errs != nil {
		return nil, errs
	}
	if bytes.TrimSpace(data)[0] == '[' {
		return parseImportJSON(data)
	}
	return parseImportCSV(data)
}

// readFile reads an import file of at most MaxImportSize bytes without its
// byte-order mark; an empty file is an error.
func readFile(r io.Reader) ([]byte, []ImportError) {
	data, err := io.ReadAll(io.LimitReader(r, MaxImportSize+1))
	if err != nil {
		return nil, []ImportError{{Line: 0, Message: "no se pudo leer el archivo"}}
	}
	if len(data) > MaxImportSize {
		return nil, []ImportError{{Line: 0, Message: fmt.Sprintf("el archivo supera los %d MiB", MaxImportSize>>20)}}
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, []ImportError{{Line: 1, Message: "el archivo está vacío"}}
	}
	return data, nil
}

// csvColumns reads the header row of cr and maps each column name (lower
// case) to its position; a missing one of want is an error on line 1.
func csvColumns(cr *csv.Reader, want []string) (map[string]int, []ImportError) {
	header, err := cr.Read()
	if err != nil {
		return nil, []ImportError{{Line: 1, Message: "no se pudo leer la fila de encabezado"}}
	}
	cols := map[string]int{}
	for i, h := range header {
		cols[strings.ToLower(strings.TrimSpace(h))] = i
	}
	for _, h := range want {
		if _, ok := cols[h]; !ok {
			return nil, []ImportError{{Line: 1, Message: "falta la columna «" + h + "»; el encabezado debe ser " + strings.Join(want, ",")}}
		}
	}
	return cols, nil
}

// csvRows calls row with each non-blank row of cr after the header, with
// its line number and a getter of its cells by column name; a malformed row
// ends the file with an error.
func csvRows(cr *csv.Reader, cols map[string]int, row func(line int, get func(name string) string)) []ImportError {
	for {
		line, _ := cr.FieldPos(0)
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return []ImportError{{Line: pe.StartLine, Message: csvErrorMessage(pe)}}
			}
			return []ImportError{{Line: line, Message: "CSV mal formado"}}
		}
		line, _ = cr.FieldPos(0)
		if strings.TrimSpace(strings.Join(rec, "")) == "" {
			continue
		}
		row(line, func(name string) string {
			if i, ok := cols[name]; ok && i < len(rec) {
				return rec[i]
			}
			return ""
		})
	}
}

var importHeader = []string{FieldName, FieldEmail, FieldPlate, FieldBrand, FieldColor}

func parseImportCSV(data []byte) ([]ImportRecord, []ImportError) {
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	cols, errs := csvColumns(cr, importHeader)
	if errs != nil {
		return nil, errs
	}
	var recs []ImportRecord
	byEmail := map[string]int{}
	errs = csvRows(cr, cols, func(line int, get func(string) string) {
		person := PersonInput{Name: get(FieldName), Email: get(FieldEmail), Document: get(FieldDocument)}
		key := NormalizeEmail(person.Email)
		i, seen := byEmail[key]
		if !seen || key == "" {
			recs = append(recs, ImportRecord{Line: line, Person: person})
			i = len(recs) - 1
			byEmail[key] = i
		} else if recs[i].Person.Document == "" {
			recs[i].Person.Document = person.Document
		}
		v := VehicleInput{Plate: get(FieldPlate), Brand: get(FieldBrand), Color: get(FieldColor)}
		if v.Plate != "" || v.Brand != "" || v.Color != "" {
			recs[i].Vehicles = append(recs[i].Vehicles, ImportVehicle{Line: line, Vehicle: v})
		}
	})
	return recs, errs
}

// csvErrorMessage says in Spanish what is wrong with a malformed CSV row
// (never Go's English parser text).
func csvErrorMessage(pe *csv.ParseError) string {
	msg := "CSV mal formado"
	switch {
	case errors.Is(pe.Err, csv.ErrBareQuote):
		msg += `: hay comillas (") dentro de un campo que no está entre comillas; encierre el campo entre comillas y escriba las comillas interiores dobles ("")`
	case errors.Is(pe.Err, csv.ErrQuote):
		msg += `: unas comillas (") de un campo entre comillas no se cierran, o sobran; las comillas dentro de un campo se escriben dobles ("")`
	}
	if pe.Line != pe.StartLine {
		msg += fmt.Sprintf(" (la fila sigue hasta la línea %d)", pe.Line)
	}
	return msg
}

type importJSONPerson struct {
	Name     *string `json:"nombre"`
	Email    *string `json:"email"`
	Document *string `json:"documento"`
	Vehicles []struct {
		Plate *string `json:"placa_patente"`
		Brand *string `json:"marca"`
		Color *string `json:"color"`
	} `json:"vehiculos"`
}

func parseImportJSON(data []byte) ([]ImportRecord, []ImportError) {
	lineAt := func(off int64) int {
		for off < int64(len(data)) && (data[off] == ' ' || data[off] == '\n' || data[off] == '\r' || data[off] == '\t' || data[off] == ',') {
			off++
		}
		return bytes.Count(data[:off], []byte("\n")) + 1
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		return nil, []ImportError{{Line: 1, Message: "JSON mal formado: se esperaba una lista de personas"}}
	}
	var recs []ImportRecord
	var errs []ImportError
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	for dec.More() {
		line := lineAt(dec.InputOffset())
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return recs, append(errs, ImportError{Line: line, Message: "JSON mal formado"})
		}
		var p importJSONPerson
		if err := json.Unmarshal(raw, &p); err != nil {
			errs = append(errs, ImportError{Line: line, Message: "se esperaba un objeto {\"nombre\", \"email\", \"vehiculos\": [...]} con textos"})
			continue
		}
		rec := ImportRecord{Line: line, Person: PersonInput{Name: str(p.Name), Email: str(p.Email), Document: str(p.Document)}}
		for _, v := range p.Vehicles {
			rec.Vehicles = append(rec.Vehicles, ImportVehicle{Line: line, Vehicle: VehicleInput{
				Plate: str(v.Plate), Brand: str(v.Brand), Color: str(v.Color),
			}})
		}
		recs = append(recs, rec)
	}
	if _, err := dec.Token(); err != nil {
		errs = append(errs, ImportError{Line: lineAt(dec.InputOffset()), Message: "JSON mal formado: falta cerrar la lista"})
	}
	return recs, errs
}

// validateImport checks every record and the file as a whole (a plate listed
// twice). It normalises the records in place.
func validateImport(recs []ImportRecord) []ImportError {
	var errs []ImportError
	plates := map[string]int{}
	documents := map[string]int{}
	for i := range recs {
		rec := &recs[i]
		fe := rec.Person.Clean()
		for field, msg := range fe {
			errs = append(errs, ImportError{Line: rec.Line, Field: field, Message: msg})
		}
		if doc := rec.Person.Document; doc != "" && fe[FieldDocument] == "" {
			if first, dup := documents[doc]; dup {
				errs = append(errs, ImportError{Line: rec.Line, Field: FieldDocument,
					Message: fmt.Sprintf("el documento %s ya figura en la línea %d, de otra persona", doc, first)})
			} else {
				documents[doc] = rec.Line
			}
		}
		for k := range rec.Vehicles {
			v := &rec.Vehicles[k]
			v.Vehicle.PersonID = 1 // the owner is the record's person
			fe := v.Vehicle.Clean()
			for _, field := range []string{FieldPlate, FieldBrand, FieldColor} {
				if msg, ok := fe[field]; ok {
					errs = append(errs, ImportError{Line: v.Line, Field: field, Message: msg})
				}
			}
			if _, bad := fe[FieldPlate]; bad {
				continue
			}
			if first, dup := plates[v.Vehicle.Plate]; dup {
				errs = append(errs, ImportError{Line: v.Line, Field: FieldPlate,
					Message: fmt.Sprintf("la patente %s ya figura en la línea %d", v.Vehicle.Plate, first)})
				continue
			}
			plates[v.Vehicle.Plate] = v.Line
		}
	}
	return errs
}

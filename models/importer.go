package models

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/uptrace/bun"
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

// ImportResult counts what an import did (or would do, in a preview).
type ImportResult struct {
	PersonsCreated  int           `json:"personas_creadas"`
	PersonsUpdated  int           `json:"personas_actualizadas"`
	VehiclesCreated int           `json:"vehiculos_creados"`
	VehiclesUpdated int           `json:"vehiculos_actualizados"`
	VehiclesMoved   int           `json:"vehiculos_transferidos"`
	Unchanged       int           `json:"sin_cambios"`
	Errors          []ImportError `json:"errores,omitempty"`
}

// ImportInvalidError is returned when a file has bad rows; nothing was written.
type ImportInvalidError struct{ Errors []ImportError }

func (e *ImportInvalidError) Error() string {
	parts := make([]string, 0, len(e.Errors))
	for _, ie := range e.Errors {
		parts = append(parts, ie.String())
	}
	return "models: import: " + strings.Join(parts, "; ")
}

// ParseImport reads a CSV file (header nombre,email,placa_patente,marca,color)
// or a JSON file ([{"nombre","email","vehiculos":[{"placa_patente","marca","color"}]}]).
// The format is JSON when the first non-blank character is '['.
func ParseImport(r io.Reader) ([]ImportRecord, []ImportError) {
	data, err := io.ReadAll(io.LimitReader(r, MaxImportSize+1))
	if err != nil {
		return nil, []ImportError{{Line: 0, Message: "no se pudo leer el archivo"}}
	}
	if len(data) > MaxImportSize {
		return nil, []ImportError{{Line: 0, Message: "el archivo supera los 32 MiB"}}
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, []ImportError{{Line: 1, Message: "el archivo está vacío"}}
	}
	if trimmed[0] == '[' {
		return parseImportJSON(data)
	}
	return parseImportCSV(data)
}

var importHeader = []string{"nombre", "email", "placa_patente", "marca", "color"}

func parseImportCSV(data []byte) ([]ImportRecord, []ImportError) {
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	header, err := cr.Read()
	if err != nil {
		return nil, []ImportError{{Line: 1, Message: "no se pudo leer la fila de encabezado"}}
	}
	cols := map[string]int{}
	for i, h := range header {
		cols[strings.ToLower(strings.TrimSpace(h))] = i
	}
	for _, h := range importHeader {
		if _, ok := cols[h]; !ok {
			return nil, []ImportError{{Line: 1, Message: "falta la columna «" + h + "»; el encabezado debe ser " + strings.Join(importHeader, ",")}}
		}
	}
	var recs []ImportRecord
	var errs []ImportError
	byEmail := map[string]int{}
	for {
		line, _ := cr.FieldPos(0)
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				errs = append(errs, ImportError{Line: pe.StartLine, Message: csvErrorMessage(pe)})
			} else {
				errs = append(errs, ImportError{Line: line, Message: "CSV mal formado"})
			}
			break
		}
		line, _ = cr.FieldPos(0)
		get := func(name string) string {
			if i := cols[name]; i < len(row) {
				return row[i]
			}
			return ""
		}
		if strings.TrimSpace(strings.Join(row, "")) == "" {
			continue
		}
		person := PersonInput{Name: get("nombre"), Email: get("email")}
		key := NormalizeEmail(person.Email)
		i, seen := byEmail[key]
		if !seen || key == "" {
			recs = append(recs, ImportRecord{Line: line, Person: person})
			i = len(recs) - 1
			byEmail[key] = i
		}
		v := VehicleInput{Plate: get("placa_patente"), Brand: get("marca"), Color: get("color")}
		if v.Plate != "" || v.Brand != "" || v.Color != "" {
			recs[i].Vehicles = append(recs[i].Vehicles, ImportVehicle{Line: line, Vehicle: v})
		}
	}
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
		rec := ImportRecord{Line: line, Person: PersonInput{Name: str(p.Name), Email: str(p.Email)}}
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
	for i := range recs {
		rec := &recs[i]
		for field, msg := range rec.Person.Clean() {
			errs = append(errs, ImportError{Line: rec.Line, Field: field, Message: msg})
		}
		for k := range rec.Vehicles {
			v := &rec.Vehicles[k]
			v.Vehicle.PersonID = 1 // the owner is the record's person
			fe := v.Vehicle.Clean()
			for _, field := range []string{"placa_patente", "marca", "color"} {
				if msg, ok := fe[field]; ok {
					errs = append(errs, ImportError{Line: v.Line, Field: field, Message: msg})
				}
			}
			if _, bad := fe["placa_patente"]; bad {
				continue
			}
			if first, dup := plates[v.Vehicle.Plate]; dup {
				errs = append(errs, ImportError{Line: v.Line, Field: "placa_patente",
					Message: fmt.Sprintf("la patente %s ya figura en la línea %d", v.Vehicle.Plate, first)})
				continue
			}
			plates[v.Vehicle.Plate] = v.Line
		}
	}
	return errs
}

// Import upserts the persons and vehicles of an import file, all or nothing:
// persons by e-mail (the name is updated), vehicles by plate (brand, colour
// and owner updated — a plate listed under another owner moves to them).
// With dryRun it computes the same result on a reader and writes nothing
// (it never holds the writer). A file with bad rows returns
// *ImportInvalidError and writes nothing.
func (s *Store) Import(ctx context.Context, r io.Reader, actor Actor, dryRun bool) (*ImportResult, error) {
	recs, errs := ParseImport(r)
	errs = append(errs, validateImport(recs)...)
	if len(errs) > 0 {
		return &ImportResult{Errors: errs}, &ImportInvalidError{Errors: errs}
	}
	if dryRun {
		// The preview reads on a reader: it never holds the writer, and
		// officers' writes never wait for it.
		plan, err := planImport(ctx, s.rdb, recs)
		if err != nil {
			return nil, err
		}
		return &plan.res, nil
	}
	res := &ImportResult{}
	err := s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		plan, err := planImport(ctx, tx, recs)
		if err != nil {
			return err
		}
		entries, err := plan.apply(ctx, tx, actor)
		if err != nil {
			return err
		}
		*res = plan.res
		for len(entries) > 0 {
			n := min(len(entries), 500)
			chunk := entries[:n]
			if _, err := tx.NewInsert().Model(&chunk).Exec(ctx); err != nil {
				return fmt.Errorf("models: import audit: %w", err)
			}
			entries = entries[n:]
		}
		return audit(ctx, tx, actor, "import", "registry", 0, res)
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

package models

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/uptrace/bun"

	"transito/models/rules"
)

// importPlan is what an import file changes in the registry as it stands:
// the preview's answer, and the real import's list of writes. Working it out
// only reads, so that a preview runs on a reader and never holds the writer.
type importPlan struct {
	res ImportResult
	ops []importOp
}

type importOpKind int

const (
	personCreate importOpKind = iota
	personUpdate
	vehicleCreate
	vehicleUpdate
)

// importOp is one write of an import, in file order. person is shared by
// the ops of one person, so that a person created by the import gets its id
// before its vehicles are written.
type importOp struct {
	kind     importOpKind
	line     int
	person   *Person
	name     string // personCreate, personUpdate: the name and document to store
	document string
	oldName  string
	oldDoc   string
	vehicle  *Vehicle // vehicleUpdate: the stored row; vehicleCreate: the new one
	brand    string
	color    string
	oldOwner int64
}

// importChunk bounds the values of one IN (...) look-up.
const importChunk = 500

// selectIn reads, from idb, the rows of T whose column is one of values,
// importChunk values at a time.
func selectIn[T any](ctx context.Context, idb bun.IDB, column string, values []string) ([]T, error) {
	var rows []T
	for len(values) > 0 {
		n := min(len(values), importChunk)
		var chunk []T
		if err := idb.NewSelect().Model(&chunk).Where("? IN (?)", bun.Ident(column), bun.In(values[:n])).Scan(ctx); err != nil {
			return nil, err
		}
		rows = append(rows, chunk...)
		values = values[n:]
	}
	return rows, nil
}

// planImport reads, from idb, the persons and vehicles that recs (valid and
// normalised) name, a chunk at a time, and works out the writes: persons by
// e-mail (created, renamed, given a document, or unchanged — a blank
// document keeps what the registry knows), vehicles by plate (created, or
// brand, colour and owner changed — a blank brand or colour keeps what the
// registry knows). A document that another person of the registry has is an
// *ImportInvalidError naming the line.
func planImport(ctx context.Context, idb bun.IDB, recs []rules.ImportRecord) (*importPlan, error) {
	persons := map[string]*Person{}
	vehicles := map[string]*Vehicle{}
	var emails, plates, docs []string
	for _, rec := range recs {
		emails = append(emails, rec.Person.Email)
		if rec.Person.Document != "" {
			docs = append(docs, rec.Person.Document)
		}
		for _, iv := range rec.Vehicles {
			plates = append(plates, iv.Vehicle.Plate)
		}
	}
	ps, err := selectIn[Person](ctx, idb, "email", emails)
	if err != nil {
		return nil, fmt.Errorf("models: import: persons: %w", err)
	}
	for i := range ps {
		persons[ps[i].Email] = &ps[i]
	}
	holders, err := selectIn[Person](ctx, idb, "document", docs)
	if err != nil {
		return nil, fmt.Errorf("models: import: documents: %w", err)
	}
	holder := map[string]string{} // document → e-mail of the person who has it
	for _, p := range holders {
		holder[p.DocumentText()] = p.Email
	}
	var bad []rules.ImportError
	for _, rec := range recs {
		if h, ok := holder[rec.Person.Document]; ok && h != rec.Person.Email {
			bad = append(bad, rules.ImportError{Line: rec.Line, Field: rules.FieldDocument,
				Message: "el documento " + rec.Person.Document + " ya es de otra persona del registro (" + h + ")"})
		}
	}
	if len(bad) > 0 {
		return nil, &ImportInvalidError{Errors: bad}
	}
	vs, err := selectIn[Vehicle](ctx, idb, "plate", plates)
	if err != nil {
		return nil, fmt.Errorf("models: import: vehicles: %w", err)
	}
	for i := range vs {
		vehicles[vs[i].Plate] = &vs[i]
	}

	plan := &importPlan{}
	// The listed moves' owners before and after, named once the plan is
	// made (the one before may not be in the file).
	var movedFrom []int64
	var movedTo []*Person
	for _, rec := range recs {
		p, ok := persons[rec.Person.Email]
		doc := rec.Person.Document
		if ok && doc == "" {
			doc = p.DocumentText()
		}
		switch {
		case !ok:
			p = &Person{Name: rec.Person.Name, Email: rec.Person.Email, Document: documentOf(doc)}
			persons[p.Email] = p
			plan.ops = append(plan.ops, importOp{kind: personCreate, line: rec.Line, person: p, name: p.Name, document: doc})
			plan.res.PersonsCreated++
			if rows := &plan.res.Rows.PersonsCreated; len(*rows) < ImportListed {
				*rows = append(*rows, ImportRow{Line: rec.Line, Key: p.Email, Name: p.Name, Changes: changed(nil, "Documento", "", doc)})
			}
		case p.Name != rec.Person.Name || p.DocumentText() != doc:
			plan.ops = append(plan.ops, importOp{kind: personUpdate, line: rec.Line, person: p, name: rec.Person.Name, oldName: p.Name,
				document: doc, oldDoc: p.DocumentText()})
			if rows := &plan.res.Rows.PersonsUpdated; len(*rows) < ImportListed {
				*rows = append(*rows, ImportRow{Line: rec.Line, Key: p.Email, Name: rec.Person.Name,
					Changes: changed(changed(nil, "Nombre", p.Name, rec.Person.Name), "Documento", p.DocumentText(), doc)})
			}
			p.Name, p.Document = rec.Person.Name, documentOf(doc)
			plan.res.PersonsUpdated++
		default:
			plan.res.Unchanged++
		}
		for _, iv := range rec.Vehicles {
			in := iv.Vehicle
			v, ok := vehicles[in.Plate]
			if !ok {
				v = &Vehicle{Plate: in.Plate, Brand: in.Brand, Color: in.Color}
				vehicles[v.Plate] = v
				plan.ops = append(plan.ops, importOp{kind: vehicleCreate, line: iv.Line, person: p, vehicle: v})
				plan.res.VehiclesCreated++
				if rows := &plan.res.Rows.VehiclesCreated; len(*rows) < ImportListed {
					*rows = append(*rows, ImportRow{Line: iv.Line, Key: v.Plate, Name: vehicleName(v.Brand, v.Color),
						Changes: changed(nil, "Titular", "", ownerName(p))})
				}
				continue
			}
			if in.Brand == "" {
				in.Brand = v.Brand
			}
			if in.Color == "" {
				in.Color = v.Color
			}
			moved := v.PersonID != p.ID // a person the import creates has no id yet: moved
			if v.Brand == in.Brand && v.Color == in.Color && !moved {
				plan.res.Unchanged++
				continue
			}
			plan.ops = append(plan.ops, importOp{kind: vehicleUpdate, line: iv.Line, person: p, vehicle: v,
				brand: in.Brand, color: in.Color, oldOwner: v.PersonID})
			rows := &plan.res.Rows.VehiclesUpdated
			if moved {
				plan.res.VehiclesMoved++
				rows = &plan.res.Rows.VehiclesMoved
			} else {
				plan.res.VehiclesUpdated++
			}
			if len(*rows) < ImportListed {
				*rows = append(*rows, ImportRow{Line: iv.Line, Key: v.Plate, Name: vehicleName(in.Brand, in.Color),
					Changes: changed(changed(nil, "Marca", v.Brand, in.Brand), "Color", v.Color, in.Color)})
				if moved {
					movedFrom = append(movedFrom, v.PersonID)
					movedTo = append(movedTo, p)
				}
			}
		}
	}
	if err := plan.nameOwners(ctx, idb, movedFrom, movedTo); err != nil {
		return nil, err
	}
	return plan, nil
}

// changed appends to cs the change of a field, when it changes.
func changed(cs []ImportChange, label, from, to string) []ImportChange {
	if from == to {
		return cs
	}
	return append(cs, ImportChange{Label: label, From: from, To: to})
}

func vehicleName(brand, color string) string {
	if brand == "" || color == "" {
		return brand + color
	}
	return brand + " · " + color
}

// ownerName is how an import's preview names a person: name and e-mail.
func ownerName(p *Person) string { return p.Name + " (" + p.Email + ")" }

// nameOwners puts the owner change first in the listed moves: the owner
// before (from, read from idb) and after (to).
func (plan *importPlan) nameOwners(ctx context.Context, idb bun.IDB, from []int64, to []*Person) error {
	if len(from) == 0 {
		return nil
	}
	var owners []Person
	if err := idb.NewSelect().Model(&owners).Where("id IN (?)", bun.In(from)).Scan(ctx); err != nil {
		return fmt.Errorf("models: import: owners: %w", err)
	}
	byID := make(map[int64]*Person, len(owners))
	for i := range owners {
		byID[owners[i].ID] = &owners[i]
	}
	rows := plan.res.Rows.VehiclesMoved
	for i := range rows {
		before := "—"
		if o, ok := byID[from[i]]; ok {
			before = ownerName(o)
		}
		rows[i].Changes = append([]ImportChange{{Label: "Titular", From: before, To: ownerName(to[i])}}, rows[i].Changes...)
	}
	return nil
}

// The statements of an import's writes, prepared once per import: bun would
// build and SQLite parse each of them again for every row, and a RETURNING
// clause would make SQLite keep a statement journal (see sqliteDialect.insertID).
const (
	importPersonSQL  = `INSERT INTO persons (name, email, document, name_key, search_key, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`
	importRenameSQL  = `UPDATE persons SET name = ?, document = ?, name_key = ?, search_key = ?, updated_at = ? WHERE id = ?`
	importVehicleSQL = `INSERT INTO vehicles (plate, brand, color, person_id, brand_key, color_key, search_key, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
	importChangeSQL  = `UPDATE vehicles SET brand = ?, color = ?, person_id = ?, brand_key = ?, color_key = ?, search_key = ?, updated_at = ? WHERE id = ?`
)

// apply makes the plan's writes inside tx and returns their audit entries.
func (plan *importPlan) apply(ctx context.Context, tx bun.Tx, d dialect, actor Actor) ([]AuditEntry, error) {
	var stmts [4]*sql.Stmt
	for i, q := range []string{importPersonSQL, importRenameSQL, importVehicleSQL, importChangeSQL} {
		if i == 0 || i == 2 {
			q = d.rowSQL(q)
		} else {
			q = d.sql(q)
		}
		stmt, err := tx.PrepareContext(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("models: import: prepare: %w", err)
		}
		defer stmt.Close()
		stmts[i] = stmt
	}
	t := timeArg(now())
	entries := make([]AuditEntry, 0, len(plan.ops))
	for _, op := range plan.ops {
		p := op.person
		var err error
		switch op.kind {
		case personCreate:
			k := Person{Name: op.name, Email: p.Email, Document: documentOf(op.document)}
			k.setKeys()
			if p.ID, err = d.rowID(ctx, stmts[0], op.name, p.Email, documentOf(op.document), k.NameKey, k.SearchKey, t, t); err != nil {
				return nil, fmt.Errorf("models: import person line %d: %w", op.line, err)
			}
			detail := map[string]any{"nombre": op.name, "email": p.Email, "via": "import"}
			if op.document != "" {
				detail[rules.FieldDocument] = op.document
			}
			entries = append(entries, newAuditEntry(actor, "create", "person", p.ID, detail))
		case personUpdate:
			k := Person{Name: op.name, Email: p.Email, Document: documentOf(op.document)}
			k.setKeys()
			if _, err = stmts[1].ExecContext(ctx, op.name, documentOf(op.document), k.NameKey, k.SearchKey, t, p.ID); err != nil {
				return nil, fmt.Errorf("models: import person line %d: %w", op.line, err)
			}
			detail := map[string]any{"via": "import"}
			if op.oldName != op.name {
				detail["nombre"] = []string{op.oldName, op.name}
			}
			if op.oldDoc != op.document {
				detail[rules.FieldDocument] = []string{op.oldDoc, op.document}
			}
			entries = append(entries, newAuditEntry(actor, "update", "person", p.ID, detail))
		case vehicleCreate:
			v := op.vehicle
			v.setKeys()
			if v.ID, err = d.rowID(ctx, stmts[2], v.Plate, v.Brand, v.Color, p.ID, v.BrandKey, v.ColorKey, v.SearchKey, t, t); err != nil {
				return nil, fmt.Errorf("models: import vehicle line %d: %w", op.line, err)
			}
			entries = append(entries, newAuditEntry(actor, "create", "vehicle", v.ID, map[string]any{"placa_patente": v.Plate, "persona_id": p.ID, "via": "import"}))
		case vehicleUpdate:
			v := op.vehicle
			k := Vehicle{Plate: v.Plate, Brand: op.brand, Color: op.color}
			k.setKeys()
			if _, err = stmts[3].ExecContext(ctx, op.brand, op.color, p.ID, k.BrandKey, k.ColorKey, k.SearchKey, t, v.ID); err != nil {
				return nil, fmt.Errorf("models: import vehicle line %d: %w", op.line, err)
			}
			detail := map[string]any{"placa_patente": v.Plate, "via": "import"}
			if op.oldOwner != p.ID {
				detail["persona_id"] = []int64{op.oldOwner, p.ID}
			}
			entries = append(entries, newAuditEntry(actor, "update", "vehicle", v.ID, detail))
		}
	}
	return entries, nil
}

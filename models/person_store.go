package models

import (
	"context"
	"fmt"
	"strings"

	"github.com/uptrace/bun"

	"transito/models/rules"
)

// PersonRow is a person as the list shows it, with how many vehicles they own.
type PersonRow struct {
	Person   `bun:",extend"`
	Vehicles int `bun:"vehicles"`
}

var personSorts = sortTable{
	"nombre": {"p.name_key", "p.id"},
	"email":  {"p.email"},
	"creado": {"p.id"},
}

// ListPersons returns one page of persons matching q (any part of the name
// or the e-mail, accents and case ignored).
func (s *Store) ListPersons(ctx context.Context, q ListQuery) (*Paged[PersonRow], error) {
	lq := &q
	m := s.match(personSearch, lq.Q)
	count := s.readers.NewSelect().TableExpr("persons AS p")
	if m != nil {
		count = s.countMatches(m)
	}
	total, err := s.clampPage(ctx, count, lq)
	if err != nil {
		return nil, err
	}
	// The page's ids first (a deep page skips index entries only), then
	// those persons with their vehicle counts.
	ids := m.where(s.readers.NewSelect().Column("p.id").TableExpr("persons AS p"), "p", s.dense(ctx, "persons", total, lq))
	personSorts.apply(ids, lq, "nombre")
	var rows []PersonRow
	err = pageIDs(ctx, ids, lq, func(page []int64) error {
		list := s.readers.NewSelect().Model(&rows).
			ColumnExpr("p.*").
			ColumnExpr("(SELECT count(*) FROM vehicles AS v WHERE v.person_id = p.id) AS vehicles").
			ModelTableExpr("persons AS p").
			Where("p.id IN (?)", bun.In(page))
		personSorts.apply(list, lq, "nombre")
		return list.Scan(ctx)
	})
	if err != nil {
		return nil, err
	}
	return pageOf(rows, total, lq), nil
}

// SearchPersons returns at most limit persons whose name or e-mail contains
// q: the vehicle form's owner picker, which never loads every person.
func (s *Store) SearchPersons(ctx context.Context, q string, limit int) ([]Person, error) {
	var ps []Person
	m := s.match(personSearch, rules.SearchText(q))
	err := m.where(s.readers.NewSelect().Model(&ps).ModelTableExpr("persons AS p").ColumnExpr("p.*"), "p", false).
		OrderExpr("p.name_key ASC, p.id ASC").Limit(int64(limit)).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("models: search persons: %w", err)
	}
	return ps, nil
}

// PersonByID returns one person.
func (s *Store) PersonByID(ctx context.Context, id int64) (*Person, error) {
	p := new(Person)
	err := s.readers.NewSelect().Model(p).Where("id = ?", id).Scan(ctx)
	if isNoRows(err) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("models: person: %w", err)
	}
	return p, nil
}

// VehiclesOf returns the vehicles a person owns, by plate.
func (s *Store) VehiclesOf(ctx context.Context, personID int64) ([]Vehicle, error) {
	var vs []Vehicle
	err := s.readers.NewSelect().Model(&vs).Where("person_id = ?", personID).OrderExpr("plate").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("models: vehicles of person: %w", err)
	}
	return vs, nil
}

func emailConflict(email string) *ConflictError {
	return &ConflictError{Field: rules.FieldEmail, Message: "ya existe otra persona con el correo " + email}
}

func documentConflict(doc string) *ConflictError {
	return &ConflictError{Field: rules.FieldDocument, Message: "ya existe otra persona con el documento " + doc}
}

// documentTaken is a *ConflictError when a person other than id has the
// document. It runs before the write, so that a unique violation of the
// write is about the e-mail (PostgreSQL allows no query after one).
func documentTaken(ctx context.Context, tx bun.Tx, id int64, doc string) error {
	if doc == "" {
		return nil
	}
	n, err := tx.NewSelect().Table("persons").Where("document = ?", doc).Where("id <> ?", id).Count(ctx)
	if err != nil {
		return fmt.Errorf("models: person by document: %w", err)
	}
	if n > 0 {
		return documentConflict(doc)
	}
	return nil
}

// documentOf is a document as persons.document stores it: nil when empty.
func documentOf(doc string) *string {
	if doc == "" {
		return nil
	}
	return &doc
}

// CreatePerson adds a person.
func (s *Store) CreatePerson(ctx context.Context, in rules.PersonInput, actor Actor) (*Person, error) {
	if fe := in.Clean(); len(fe) > 0 {
		if err := s.personTaken(ctx, 0, in, fe); err != nil {
			return nil, err
		}
		return nil, fe
	}
	t := now()
	p := &Person{Name: in.Name, Email: in.Email, Document: documentOf(in.Document), CreatedAt: t, UpdatedAt: t}
	err := s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := documentTaken(ctx, tx, 0, in.Document); err != nil {
			return err
		}
		if _, err := tx.NewInsert().Model(p).Exec(ctx); err != nil {
			if isUniqueViolation(err) {
				return emailConflict(in.Email)
			}
			return fmt.Errorf("models: insert person: %w", err)
		}
		return audit(ctx, tx, actor, "create", "person", p.ID, in)
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// UpdatePerson changes a person's name and e-mail.
func (s *Store) UpdatePerson(ctx context.Context, id int64, in rules.PersonInput, actor Actor) (*Person, error) {
	if fe := in.Clean(); len(fe) > 0 {
		if err := s.personTaken(ctx, id, in, fe); err != nil {
			return nil, err
		}
		return nil, fe
	}
	p := new(Person)
	err := s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := tx.NewSelect().Model(p).Where("id = ?", id).Scan(ctx); err != nil {
			if isNoRows(err) {
				return ErrNotFound
			}
			return fmt.Errorf("models: person: %w", err)
		}
		if err := documentTaken(ctx, tx, id, in.Document); err != nil {
			return err
		}
		detail := changes{}
		detail.add("nombre", p.Name, in.Name)
		detail.add("email", p.Email, in.Email)
		detail.add(rules.FieldDocument, p.DocumentText(), in.Document)
		p.Name, p.Email, p.Document, p.UpdatedAt = in.Name, in.Email, documentOf(in.Document), now()
		if _, err := tx.NewUpdate().Model(p).Column("name", "email", "document", "name_key", "search_key", "updated_at").WherePK().Exec(ctx); err != nil {
			if isUniqueViolation(err) {
				return emailConflict(in.Email)
			}
			return fmt.Errorf("models: update person: %w", err)
		}
		return audit(ctx, tx, actor, "update", "person", p.ID, detail)
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// PersonDependents explains what keeps a person from being deleted, or ""
// when nothing does.
func (s *Store) PersonDependents(ctx context.Context, id int64) (string, error) {
	return personDependents(ctx, s.readers, id)
}

func personDependents(ctx context.Context, idb bun.IDB, id int64) (string, error) {
	var plates []string
	if err := idb.NewSelect().Table("vehicles").Column("plate").Where("person_id = ?", id).
		OrderExpr("plate").Scan(ctx, &plates); err != nil && !isNoRows(err) {
		return "", fmt.Errorf("models: person dependents: %w", err)
	}
	if len(plates) > 0 {
		return fmt.Sprintf("La persona tiene %s: %s. Transfiera o elimine primero %s.",
			rules.Plural(len(plates), "vehículo", "vehículos"), listNames(plates, 10), map[bool]string{true: "ese vehículo", false: "esos vehículos"}[len(plates) == 1]), nil
	}
	n, err := idb.NewSelect().Table("infractions").Where("person_id = ?", id).Count(ctx)
	if err != nil {
		return "", fmt.Errorf("models: person dependents: %w", err)
	}
	if n > 0 {
		return fmt.Sprintf("La persona tiene %s a su nombre; el historial no se borra.", rules.Plural(int(n), "infracción", "infracciones")), nil
	}
	return "", nil
}

var personDeletion = deletion[Person]{
	entity: "person", dependents: personDependents,
	restricted: "La persona tiene registros que dependen de ella.",
	detail: func(p *Person) any {
		return map[string]string{"nombre": p.Name, "email": p.Email, rules.FieldDocument: p.DocumentText()}
	},
}

// DeletePerson deletes a person who owns no vehicles and has no infractions;
// otherwise it returns a *ConflictError naming what blocks it.
func (s *Store) DeletePerson(ctx context.Context, id int64, actor Actor) error {
	return personDeletion.run(ctx, s, id, actor)
}

// changes is the audit detail of an update: field → [old, new].
type changes map[string][2]any

func (c changes) add(field string, old, new any) {
	if old != new {
		c[field] = [2]any{old, new}
	}
}

// listNames joins names, cutting after max with "y N más".
func listNames(names []string, max int) string {
	if len(names) <= max {
		return strings.Join(names, ", ")
	}
	return strings.Join(names[:max], ", ") + fmt.Sprintf(" y %d más", len(names)-max)
}

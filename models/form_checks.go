package models

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"transito/models/rules"
)

// A form refused for its own fields also answers what its write would have
// met — an e-mail, document or plate taken, a plate or officer unknown — so
// that it shows every error at once. These read-only checks run only on a
// form already refused; the write itself checks again, in its transaction.

// taken reports whether a row of table other than id has column = value.
func (s *Store) taken(ctx context.Context, table, column string, value any, id int64) (bool, error) {
	n, err := s.readers.NewSelect().Table(table).Where("? = ?", bun.Ident(column), value).Where("id <> ?", id).Count(ctx)
	if err != nil {
		return false, fmt.Errorf("models: %s by %s: %w", table, column, err)
	}
	return n > 0, nil
}

// takenField adds to fe, when field has no error yet and value is not
// empty, the conflict's message if another row of table than id has
// column = value.
func (s *Store) takenField(ctx context.Context, fe rules.FieldErrors, field, table, column, value string, id int64, conflict func(string) *ConflictError) error {
	if _, bad := fe[field]; bad || value == "" {
		return nil
	}
	t, err := s.taken(ctx, table, column, value, id)
	if err != nil {
		return err
	}
	if t {
		fe.Add(field, conflict(value).Message)
	}
	return nil
}

// officerTaken adds to fe the badge another officer than id has.
func (s *Store) officerTaken(ctx context.Context, id int64, in rules.OfficerInput, fe rules.FieldErrors) error {
	return s.takenField(ctx, fe, rules.FieldBadge, "officers", "badge", in.Badge, id, badgeConflict)
}

// adminTaken adds to fe a username another account has.
func (s *Store) adminTaken(ctx context.Context, in rules.AdminInput, fe rules.FieldErrors) error {
	return s.takenField(ctx, fe, rules.FieldUsername, "admins", "username", in.Username, 0, usernameConflict)
}

// typeTaken adds to fe the code another type of the catalogue than id has.
func (s *Store) typeTaken(ctx context.Context, id int64, in rules.InfractionTypeInput, fe rules.FieldErrors) error {
	return s.takenField(ctx, fe, rules.FieldCode, "infraction_types", "code", in.Code, id, codeConflict)
}

// personTaken adds to fe the e-mail and document other persons than id have.
func (s *Store) personTaken(ctx context.Context, id int64, in rules.PersonInput, fe rules.FieldErrors) error {
	if err := s.takenField(ctx, fe, rules.FieldEmail, "persons", "email", in.Email, id, emailConflict); err != nil {
		return err
	}
	return s.takenField(ctx, fe, rules.FieldDocument, "persons", "document", in.Document, id, documentConflict)
}

// vehicleTaken adds to fe a plate another vehicle than id has and an owner
// that does not exist.
func (s *Store) vehicleTaken(ctx context.Context, id int64, in rules.VehicleInput, fe rules.FieldErrors) error {
	if err := s.takenField(ctx, fe, rules.FieldPlate, "vehicles", "plate", in.Plate, id, plateConflict); err != nil {
		return err
	}
	if _, bad := fe[rules.FieldOwner]; !bad && in.PersonID > 0 {
		ok, err := s.readers.NewSelect().Model((*Person)(nil)).Where("id = ?", in.PersonID).Exists(ctx)
		if err != nil {
			return fmt.Errorf("models: owner: %w", err)
		}
		if !ok {
			fe.Add(rules.FieldOwner, "la persona elegida no existe")
		}
	}
	return nil
}

// InfractionRefs adds to fe, the errors of a refused infraction form, an
// unknown plate and an unknown or inactive officer, as the write would
// find them.
func (s *Store) InfractionRefs(ctx context.Context, in rules.InfractionInput, fe rules.FieldErrors) error {
	if _, bad := fe[rules.FieldOfficer]; !bad && in.Badge != "" {
		o := new(Officer)
		err := s.readers.NewSelect().Model(o).Where("badge = ?", in.Badge).Scan(ctx)
		switch {
		case isNoRows(err):
			fe.Add(rules.FieldOfficer, "no hay ningún oficial con el número "+in.Badge)
		case err != nil:
			return fmt.Errorf("models: officer: %w", err)
		case !o.Active:
			fe.Add(rules.FieldOfficer, "el número "+o.Badge+" está inactivo: no puede registrar infracciones")
		}
	}
	if _, bad := fe[rules.FieldPlate]; !bad && in.Plate != "" {
		ok, err := s.readers.NewSelect().Model((*Vehicle)(nil)).Where("plate = ?", in.Plate).Exists(ctx)
		if err != nil {
			return fmt.Errorf("models: vehicle: %w", err)
		}
		if !ok {
			fe.Add(rules.FieldPlate, "no hay ningún vehículo con la patente "+in.Plate)
		}
	}
	return nil
}

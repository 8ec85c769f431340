package models

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/uptrace/bun"

	"transito/models/rules"
)

// VehicleRow is a vehicle as the list shows it, with its owner.
type VehicleRow struct {
	Vehicle    `bun:",extend"`
	OwnerName  string `bun:"owner_name"`
	OwnerEmail string `bun:"owner_email"`
}

var vehicleSorts = sortTable{
	"patente": {"v.plate"},
	"marca":   {"v.brand_key", "v.color_key", "v.plate"},
	"color":   {"v.color_key", "v.plate"},
	"titular": {"p.name_key", "p.id", "v.plate"},
	"creado":  {"v.id"},
}

// ListVehicles returns one page of vehicles. q matches any part of the
// plate, the brand or the colour, or of the owner's name or e-mail (accents
// and case ignored); filters: marca, color (exact, accents and case
// ignored), persona (owner id), titular (the owner's e-mail, or the start of
// their name).
func (s *Store) ListVehicles(ctx context.Context, q ListQuery) (*Paged[VehicleRow], error) {
	lq := &q
	m := s.match(vehicleSearch, lq.Q)
	filtered := lq.filtered()
	filter := func(q *bun.SelectQuery) *bun.SelectQuery { return filterVehicles(q, lq) }
	vehicleSorts.normalize(lq, "patente")
	count := filter(s.readers.NewSelect().TableExpr("vehicles AS v"))
	if !filtered && m != nil {
		count = s.countMatches(m)
	} else {
		count = m.where(count, "v", false)
	}
	total, err := s.clampPage(ctx, count, lq)
	if err != nil {
		return nil, err
	}
	ids := s.readers.NewSelect().Column("v.id")
	if lq.Sort == "titular" {
		ids = ids.TableExpr("persons AS p").Join("CROSS JOIN vehicles AS v").Where("v.person_id = p.id")
	} else {
		ids = ids.TableExpr("vehicles AS v")
	}
	ids = m.where(filter(ids), "v", !filtered && s.dense(ctx, "vehicles", total, lq))
	vehicleSorts.apply(ids, lq, "patente")
	var rows []VehicleRow
	err = pageIDs(ctx, ids, lq, func(page []int64) error {
		list := s.readers.NewSelect().Model(&rows).ModelTableExpr("vehicles AS v").
			ColumnExpr("v.*, p.name AS owner_name, p.email AS owner_email").
			Join("JOIN persons AS p ON p.id = v.person_id").
			Where("v.id IN (?)", bun.In(page))
		vehicleSorts.apply(list, lq, "patente")
		return list.Scan(ctx)
	})
	if err != nil {
		return nil, err
	}
	return pageOf(rows, total, lq), nil
}

// filterVehicles applies the vehicle list's filters (see ListVehicles).
func filterVehicles(q *bun.SelectQuery, lq *ListQuery) *bun.SelectQuery {
	if b := lq.Filter("marca"); b != "" {
		q = q.Where("v.brand_key = ?", rules.Fold(b))
	}
	if c := lq.Filter("color"); c != "" {
		q = q.Where("v.color_key = ?", rules.Fold(c))
	}
	if id, err := strconv.ParseInt(lq.Filter("persona"), 10, 64); err == nil {
		q = q.Where("v.person_id = ?", id)
	}
	if t := lq.Filter("titular"); strings.Contains(t, "@") {
		q = q.Where("v.person_id IN (SELECT id FROM persons WHERE email = ?)", rules.NormalizeEmail(t))
	} else if t := rules.Fold(t); t != "" {
		q = q.Where("v.person_id IN (SELECT id FROM persons WHERE name_key >= ? AND name_key < ?)", t, rules.PrefixEnd(t))
	}
	return q
}

// VehicleBrands returns the distinct brands, for the list's filter. It
// skips through the brand index (one seek per brand) instead of reading
// every vehicle.
func (s *Store) VehicleBrands(ctx context.Context) ([]string, error) {
	var bs []string
	err := s.readers.NewRaw(`WITH RECURSIVE b(brand, n) AS (
		SELECT min(brand), 1 FROM vehicles
		UNION ALL
		SELECT (SELECT min(brand) FROM vehicles WHERE brand > b.brand), n + 1 FROM b WHERE b.brand IS NOT NULL AND n < 200
	) SELECT brand FROM b WHERE brand IS NOT NULL`).Scan(ctx, &bs)
	if err != nil && !isNoRows(err) {
		return nil, fmt.Errorf("models: brands: %w", err)
	}
	return bs, nil
}

// VehicleByID returns a vehicle with its owner.
func (s *Store) VehicleByID(ctx context.Context, id int64) (*Vehicle, error) {
	v := new(Vehicle)
	err := s.readers.NewSelect().Model(v).Relation("Person").Where("vehicle.id = ?", id).Scan(ctx)
	if isNoRows(err) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("models: vehicle: %w", err)
	}
	return v, nil
}

func plateConflict(plate string) *ConflictError {
	return &ConflictError{Field: rules.FieldPlate, Message: "ya existe un vehículo con la patente " + plate}
}

func ownerExists(ctx context.Context, tx bun.Tx, id int64) error {
	ok, err := tx.NewSelect().Model((*Person)(nil)).Where("id = ?", id).Exists(ctx)
	if err != nil {
		return fmt.Errorf("models: owner: %w", err)
	}
	if !ok {
		return rules.FieldErrors{rules.FieldOwner: "la persona elegida no existe"}
	}
	return nil
}

// CreateVehicle adds a vehicle.
func (s *Store) CreateVehicle(ctx context.Context, in rules.VehicleInput, actor Actor) (*Vehicle, error) {
	if fe := in.Clean(); len(fe) > 0 {
		if err := s.vehicleTaken(ctx, 0, in, fe); err != nil {
			return nil, err
		}
		return nil, fe
	}
	t := now()
	v := &Vehicle{Plate: in.Plate, Brand: in.Brand, Color: in.Color, PersonID: in.PersonID, CreatedAt: t, UpdatedAt: t}
	err := s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := ownerExists(ctx, tx, in.PersonID); err != nil {
			return err
		}
		if _, err := tx.NewInsert().Model(v).Exec(ctx); err != nil {
			if isUniqueViolation(err) {
				return plateConflict(in.Plate)
			}
			return fmt.Errorf("models: insert vehicle: %w", err)
		}
		return audit(ctx, tx, actor, "create", "vehicle", v.ID, in)
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

// UpdateVehicle changes a vehicle; a new owner means a transfer (old
// infractions stay with the previous owner).
func (s *Store) UpdateVehicle(ctx context.Context, id int64, in rules.VehicleInput, actor Actor) (*Vehicle, error) {
	if fe := in.Clean(); len(fe) > 0 {
		if err := s.vehicleTaken(ctx, id, in, fe); err != nil {
			return nil, err
		}
		return nil, fe
	}
	v := new(Vehicle)
	err := s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := tx.NewSelect().Model(v).Where("id = ?", id).Scan(ctx); err != nil {
			if isNoRows(err) {
				return ErrNotFound
			}
			return fmt.Errorf("models: vehicle: %w", err)
		}
		if err := ownerExists(ctx, tx, in.PersonID); err != nil {
			return err
		}
		detail := changes{}
		detail.add("placa_patente", v.Plate, in.Plate)
		detail.add("marca", v.Brand, in.Brand)
		detail.add("color", v.Color, in.Color)
		detail.add("persona_id", v.PersonID, in.PersonID)
		v.Plate, v.Brand, v.Color, v.PersonID, v.UpdatedAt = in.Plate, in.Brand, in.Color, in.PersonID, now()
		if _, err := tx.NewUpdate().Model(v).Column("plate", "brand", "color", "person_id", "brand_key", "color_key", "search_key", "updated_at").WherePK().Exec(ctx); err != nil {
			if isUniqueViolation(err) {
				return plateConflict(in.Plate)
			}
			return fmt.Errorf("models: update vehicle: %w", err)
		}
		return audit(ctx, tx, actor, "update", "vehicle", v.ID, detail)
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

// VehicleDependents explains what keeps a vehicle from being deleted, or "".
func (s *Store) VehicleDependents(ctx context.Context, id int64) (string, error) {
	return vehicleDependents(ctx, s.readers, id)
}

func vehicleDependents(ctx context.Context, idb bun.IDB, id int64) (string, error) {
	n, err := idb.NewSelect().Table("infractions").Where("vehicle_id = ?", id).Count(ctx)
	if err != nil {
		return "", fmt.Errorf("models: vehicle dependents: %w", err)
	}
	if n > 0 {
		return fmt.Sprintf("El vehículo tiene %s; el historial no se borra.", rules.Plural(int(n), "infracción registrada", "infracciones registradas")), nil
	}
	return "", nil
}

var vehicleDeletion = deletion[Vehicle]{
	entity: "vehicle", dependents: vehicleDependents,
	restricted: "El vehículo tiene registros que dependen de él.",
	detail:     func(v *Vehicle) any { return map[string]any{"placa_patente": v.Plate, "persona_id": v.PersonID} },
}

// DeleteVehicle deletes a vehicle without infractions; otherwise it returns a
// *ConflictError saying why not.
func (s *Store) DeleteVehicle(ctx context.Context, id int64, actor Actor) error {
	return vehicleDeletion.run(ctx, s, id, actor)
}

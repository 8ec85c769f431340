package models

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// SeedOptions describe a synthetic data set.
type SeedOptions struct {
	Persons     int
	Infractions int
	Officers    int // 0 picks a few hundred
	Seed        uint64
	// Now anchors "the last year"; zero means time.Now.
	Now time.Time
}

// SeedResult counts what Seed wrote.
type SeedResult struct {
	Persons, Vehicles, Officers, Infractions int
}

var (
	seedFirstNames = []string{"María", "José", "Lucía", "Juan", "Sofía", "Carlos", "Valentina", "Martín", "Camila", "Diego", "Florencia", "Pablo", "Agustina", "Federico", "Julieta", "Nicolás", "Paula", "Santiago", "Micaela", "Tomás"}
	seedLastNames  = []string{"González", "Rodríguez", "Gómez", "Fernández", "López", "Díaz", "Martínez", "Pérez", "García", "Sánchez", "Romero", "Sosa", "Álvarez", "Torres", "Ruiz", "Ramírez", "Flores", "Acosta", "Benítez", "Medina"}
	seedBrands     = []string{"Toyota", "Volkswagen", "Ford", "Chevrolet", "Renault", "Fiat", "Peugeot", "Honda", "Nissan", "Citroën"}
	seedColors     = []string{"Blanco", "Negro", "Gris", "Rojo", "Azul", "Plata", "Verde", "Bordó"}
	seedComments   = []string{"Semáforo en rojo", "Exceso de velocidad", "Estacionamiento prohibido", "Sin cinturón de seguridad", "Uso de celular al conducir", "Giro indebido", "Doble fila", "Luces apagadas", ""}
)

// seedPlate spells vehicle number n as a Mercosur-style plate (AB123CD),
// distinct for every n below 26^4·1000.
func seedPlate(n int) string {
	b := []byte("AA000AA")
	b[4] = byte('0' + n%10)
	b[3] = byte('0' + n/10%10)
	b[2] = byte('0' + n/100%10)
	n /= 1000
	for _, i := range []int{6, 5, 1, 0} {
		b[i] = byte('A' + n%26)
		n /= 26
	}
	return string(b)
}

// Seed fills an empty database with deterministic synthetic data: persons
// with 1–3 vehicles each, officers, and infractions spread over the last
// year. The same options give the same data.
func (s *Store) Seed(ctx context.Context, opts SeedOptions) (*SeedResult, error) {
	if opts.Persons < 1 {
		return nil, errors.New("models: seed: at least one person is needed")
	}
	if opts.Officers <= 0 {
		opts.Officers = 300
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	n, err := s.writer.NewSelect().Model((*Person)(nil)).Count(ctx)
	if err != nil {
		return nil, fmt.Errorf("models: seed: %w", err)
	}
	if n > 0 {
		return nil, errors.New("models: seed: the database already has persons; seed an empty one")
	}
	defer s.dialect.bulkLoad(ctx, s)()
	rng := rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x9e3779b97f4a7c15))
	t := now()
	res := &SeedResult{Persons: opts.Persons, Officers: opts.Officers}

	// Persons and their vehicles are inserted chunk at a time.
	const chunk = 500
	// vehicleIDs[i] and owners[i] are the id and owner of every seeded
	// vehicle; officerIDs are the seeded officers'.
	var vehicleIDs, owners, officerIDs []int64
	err = s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		persons := make([]Person, 0, chunk)
		counts := make([]int, 0, chunk)
		for i := 1; i <= opts.Persons; i++ {
			first := seedFirstNames[rng.IntN(len(seedFirstNames))]
			last := seedLastNames[rng.IntN(len(seedLastNames))]
			persons = append(persons, Person{
				Name:      first + " " + last,
				Email:     fmt.Sprintf("%s.%s%d@example.com", strings.ToLower(asciiFold(first)), strings.ToLower(asciiFold(last)), i),
				CreatedAt: t, UpdatedAt: t,
			})
			counts = append(counts, 1+rng.IntN(3))
			if len(persons) < chunk && i < opts.Persons {
				continue
			}
			if _, err := tx.NewInsert().Model(&persons).Exec(ctx); err != nil {
				return err
			}
			vehicles := make([]Vehicle, 0, 3*chunk)
			for k, p := range persons {
				for range counts[k] {
					vehicles = append(vehicles, Vehicle{
						Plate: seedPlate(len(owners) + len(vehicles) + 1), Brand: seedBrands[rng.IntN(len(seedBrands))],
						Color: seedColors[rng.IntN(len(seedColors))], PersonID: p.ID, CreatedAt: t, UpdatedAt: t,
					})
				}
			}
			if _, err := tx.NewInsert().Model(&vehicles).Exec(ctx); err != nil {
				return err
			}
			for _, v := range vehicles {
				vehicleIDs = append(vehicleIDs, v.ID)
				owners = append(owners, v.PersonID)
			}
			persons, counts = persons[:0], counts[:0]
		}
		officers := make([]Officer, 0, opts.Officers)
		for i := 1; i <= opts.Officers; i++ {
			officers = append(officers, Officer{
				Name:  seedFirstNames[rng.IntN(len(seedFirstNames))] + " " + seedLastNames[rng.IntN(len(seedLastNames))],
				Badge: fmt.Sprintf("SEED-%05d", i), Active: true, CreatedAt: t, UpdatedAt: t,
			})
		}
		if _, err := tx.NewInsert().Model(&officers).On("CONFLICT (badge) DO NOTHING").Exec(ctx); err != nil {
			return err
		}
		return tx.NewSelect().Model((*Officer)(nil)).Column("id").Where("badge LIKE 'SEED-%'").Order("id").Scan(ctx, &officerIDs)
	})
	if err != nil {
		return nil, fmt.Errorf("models: seed persons: %w", err)
	}
	res.Vehicles = len(vehicleIDs)

	// Infractions go in one transaction: the table's indexes are dropped,
	// the rows inserted through one prepared statement, and the indexes built
	// again (sorting once is far cheaper than a million random index
	// inserts). A failure rolls all of it back, indexes included.
	year := int64(365 * 24 * time.Hour / time.Second)
	end := opts.Now.UTC().Unix()
	ts := timeArg(t)
	err = s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		occurredAt := tally{}
		err := s.withoutIndexes(ctx, tx, "infractions", func() error {
			stmt, err := tx.PrepareContext(ctx, s.dialect.sql(`INSERT INTO infractions
				(vehicle_id, officer_id, person_id, occurred_at, recorded_at, comments, status, void_reason, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, '', ?, ?)`))
			if err != nil {
				return err
			}
			defer stmt.Close()
			for range opts.Infractions {
				v := rng.IntN(len(vehicleIDs))
				occurred := time.Unix(end-rng.Int64N(year), 0).UTC()
				if _, err := stmt.ExecContext(ctx, vehicleIDs[v], officerIDs[rng.IntN(len(officerIDs))], owners[v],
					timeArg(occurred), timeArg(occurred.Add(time.Duration(rng.IntN(600))*time.Second)),
					seedComments[rng.IntN(len(seedComments))], StatusValid, ts, ts); err != nil {
					return err
				}
				occurredAt.add(occurred)
			}
			return nil
		})
		if err != nil {
			return err
		}
		return countDates(ctx, tx, countInfractions, 0, occurredAt)
	})
	if err != nil {
		return nil, fmt.Errorf("models: seed infractions: %w", err)
	}
	res.Infractions = opts.Infractions
	if err := audit(ctx, s.writer, CLIActor, "seed", "database", 0, res); err != nil {
		return nil, err
	}
	return res, nil
}

// asciiFold drops the accents of the seed's names for e-mail addresses.
func asciiFold(s string) string {
	return strings.NewReplacer("á", "a", "é", "e", "í", "i", "ó", "o", "ú", "u", "Á", "A", "É", "E", "Í", "I", "Ó", "O", "Ú", "U", "ñ", "n").Replace(s)
}

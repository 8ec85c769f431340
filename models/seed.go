package models

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"transito/docs"
	"transito/models/fines"
	"transito/models/rules"
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
	insertOwners := func(tx bun.Tx) error {
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
		return nil
	}
	err = s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		// The persons' and vehicles' indexes, their text indexes too, are
		// built once, after the rows.
		err := s.withoutIndexes(ctx, tx, "persons", func() error {
			return s.withoutIndexes(ctx, tx, "vehicles", func() error { return insertOwners(tx) })
		})
		if err != nil {
			return err
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

	// The example catalogue and two unit values (from five years before and
	// from the start of this year), as the demo has them.
	if _, err := s.ImportCatalog(ctx, bytes.NewReader(docs.ExampleCatalog), CLIActor); err != nil {
		return nil, fmt.Errorf("models: seed catalogue: %w", err)
	}
	loc := s.Locale().Location
	for _, v := range demoUnitValues(opts.Now, loc) {
		if _, err := s.SetUnitValue(ctx, v, CLIActor); err != nil {
			return nil, fmt.Errorf("models: seed unit value: %w", err)
		}
	}
	tariff, err := loadTariff(ctx, s.writer)
	if err != nil {
		return nil, err
	}

	// Infractions go in one transaction: the table's indexes are dropped,
	// the rows inserted through prepared statements, and the indexes built
	// again (sorting once is far cheaper than a million random index
	// inserts). A failure rolls all of it back, indexes included.
	year := int64(365 * 24 * time.Hour / time.Second)
	end := opts.Now.UTC().Unix()
	ts := timeArg(t)
	err = s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		occurredAt := tally{}
		err := s.withoutIndexes(ctx, tx, "infractions", func() error {
			w, err := newSeedWriter(ctx, tx, s.dialect)
			if err != nil {
				return err
			}
			defer w.close()
			for range opts.Infractions {
				v := rng.IntN(len(vehicleIDs))
				occurred := time.Unix(end-rng.Int64N(year), 0).UTC()
				f := seedFine{vehicle: vehicleIDs[v], officer: officerIDs[rng.IntN(len(officerIDs))], person: owners[v],
					occurred: occurred, recorded: occurred.Add(time.Duration(rng.IntN(600)) * time.Second),
					comments: seedComments[rng.IntN(len(seedComments))], status: StatusValid}
				if k := rng.IntN(2 * len(seedPlaces)); k < len(seedPlaces) {
					f.place = seedPlaces[k]
				}
				if rng.IntN(100) >= 12 { // most are issued
					f.issue(rng, tariff, opts.Now, loc)
				}
				if err := w.write(ctx, &f, ts); err != nil {
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

// seedPlaces are where the seed's infractions happened (half of them say).
var seedPlaces = []rules.Place{
	seedPlace("Av. Corrientes y Callao", -34.6043, -58.3923), seedPlace("Av. 9 de Julio y Belgrano", -34.6131, -58.3808),
	seedPlace("Av. Santa Fe 1800", -34.5955, -58.3930), seedPlace("Av. Rivadavia 5000", -34.6189, -58.4360),
	seedPlace("Av. Cabildo 2100", -34.5620, -58.4560), seedPlace("Av. Libertador 4400", -34.5680, -58.4180),
	{Description: "Ruta 2, km 54"}, {Description: "Autopista 25 de Mayo, km 3"}, {Description: "Plaza de Mayo"},
}

func seedPlace(desc string, lat, lon float64) rules.Place {
	return rules.Place{Lat: &lat, Lon: &lon, Description: desc}
}

// seedFine is one infraction of the seed and what happened to it.
type seedFine struct {
	vehicle, officer, person int64
	occurred, recorded       time.Time
	comments, status, reason string
	place                    rules.Place
	// The fine, when issued (at recorded).
	typ    *InfractionType
	amount int64
	// A payment (paid non-zero) or a descargo (filed non-zero).
	paid           time.Time
	paidCents      int64
	filed, decided time.Time
	dispute        fines.DisputeStatus
}

// issue gives f a type and an outcome: about a quarter paid with what was
// owed that day, some annulled, some with a pending, rejected or accepted
// descargo, the rest still owed.
func (f *seedFine) issue(rng *rand.Rand, t *Tariff, now time.Time, loc *time.Location) {
	f.typ = &t.Types[rng.IntN(len(t.Types))]
	amount, err := fines.Amount(f.typ.Units, t.history, fines.DateOf(f.recorded, loc))
	if err != nil {
		f.typ = nil
		return
	}
	f.amount = amount
	switch roll := rng.IntN(100); {
	case roll < 25:
		paid := f.recorded.Add(time.Duration(rng.Int64N(int64(70 * day))))
		if paid.After(now) {
			return
		}
		fine := fines.Fine{OccurredAt: f.occurred, IssuedAt: f.recorded, AmountCents: amount, Severity: fines.Severity(f.typ.Severity), Status: fines.Vigente}
		if owed := fines.Assess(fine, t.Settings, paid, loc).ToPay; owed != nil {
			f.paid, f.paidCents, f.status = paid, *owed, StatusPaid
		}
	case roll < 28:
		f.status, f.reason = StatusVoided, "Anulada en la revisión del acta."
	case roll < 32:
		f.filed = f.recorded.Add(time.Duration(1+rng.IntN(15)) * day)
		f.decided = f.filed.Add(time.Duration(5+rng.IntN(30)) * day)
		switch {
		case f.filed.After(now):
			f.filed = time.Time{}
		case roll < 30 || f.decided.After(now):
			f.dispute, f.status, f.decided = fines.DisputePending, StatusDisputed, time.Time{}
		case roll == 30:
			f.dispute, f.status, f.reason = fines.DisputeAccepted, StatusVoided, "Descargo aceptado: la señalización no era visible."
		default:
			f.dispute = fines.DisputeRejected
		}
	}
}

// seedWriter holds the seed's prepared statements.
type seedWriter struct {
	d                                  dialect
	plain, returning, payment, dispute *sql.Stmt
	n                                  int
}

const seedInfractionSQL = `INSERT INTO infractions
	(vehicle_id, officer_id, person_id, occurred_at, recorded_at, comments, status, void_reason,
	type_id, units, amount_cents, points, issued_at, latitude, longitude, place, created_at, updated_at)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

func newSeedWriter(ctx context.Context, tx bun.Tx, d dialect) (*seedWriter, error) {
	w := &seedWriter{d: d}
	for _, x := range []struct {
		dst **sql.Stmt
		sql string
	}{
		{&w.plain, d.sql(seedInfractionSQL)},
		{&w.returning, d.rowSQL(seedInfractionSQL)},
		{&w.payment, d.sql(`INSERT INTO payments (infraction_id, amount_cents, method, reference, paid_at, actor, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, 'cli:seed', ?, ?)`)},
		{&w.dispute, d.sql(`INSERT INTO disputes (infraction_id, text, contact_email, status, resolution, resolved_at, reference, created_at, updated_at)
			VALUES (?, 'Descargo de prueba.', 'descargo@example.com', ?, ?, ?, ?, ?, ?)`)},
	} {
		stmt, err := tx.PrepareContext(ctx, x.sql)
		if err != nil {
			w.close()
			return nil, err
		}
		*x.dst = stmt
	}
	return w, nil
}

func (w *seedWriter) close() {
	for _, st := range []*sql.Stmt{w.plain, w.returning, w.payment, w.dispute} {
		if st != nil {
			st.Close()
		}
	}
}

var seedMethods = []string{MethodCash, MethodTransfer, MethodCard, MethodGateway}

func (w *seedWriter) write(ctx context.Context, f *seedFine, ts any) error {
	w.n++
	var typeID, issued any
	var units, points int
	if f.typ != nil {
		typeID, units, points, issued = f.typ.ID, f.typ.Units, f.typ.Points, timeArg(f.recorded)
	}
	args := []any{f.vehicle, f.officer, f.person, timeArg(f.occurred), timeArg(f.recorded), f.comments, f.status, f.reason,
		typeID, units, f.amount, points, issued, f.place.Lat, f.place.Lon, f.place.Description, ts, ts}
	if f.paid.IsZero() && f.filed.IsZero() {
		_, err := w.plain.ExecContext(ctx, args...)
		return err
	}
	id, err := w.d.rowID(ctx, w.returning, args...)
	if err != nil {
		return err
	}
	if !f.paid.IsZero() {
		_, err := w.payment.ExecContext(ctx, id, f.paidCents, seedMethods[w.n%len(seedMethods)], fmt.Sprintf("SEED-%09d", w.n),
			timeArg(f.paid), ts, ts)
		return err
	}
	var resolution string
	var resolved any
	if f.dispute != fines.DisputePending {
		resolution, resolved = "Resolución de prueba.", timeArg(f.decided)
	}
	_, err = w.dispute.ExecContext(ctx, id, string(f.dispute), resolution, resolved, fmt.Sprintf("S-%09d", w.n), timeArg(f.filed), ts)
	return err
}

package models

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"transito/docs"
	"transito/models/fines"
	"transito/models/rules"
)

// demoBadge is the demo officer's badge.
const demoBadge = "DEMO-001"

// demoFine is one infraction of the demo data set and what happens to it.
type demoFine struct {
	plate    string
	ago      time.Duration // when it happened, before now
	comments string
	place    string
	lat, lon float64 // 0, 0: no coordinates
	code     string  // "": sin tipificar
	// then is what happens after it is issued (an hour later).
	then demoStep
}

type demoStep int

const (
	demoNothing  demoStep = iota
	demoPaid              // paid two days after issue, with the discount
	demoPending           // a descargo filed two days after issue, pending
	demoRejected          // a descargo filed on day 5, rejected on day 55
	demoAccepted          // a descargo filed on day 2, accepted on day 10
	demoAnnulled          // annulled from the panel on the next day
)

const day = 24 * time.Hour

// HasDemo reports whether the demo data set is already loaded.
func (s *Store) HasDemo(ctx context.Context) (bool, error) {
	_, err := s.OfficerByBadge(ctx, demoBadge)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// LoadDemo adds a small demo data set once (it is idempotent) and returns
// the demo officer: a few persons and vehicles, two officers, the example
// catalogue (docs.ExampleCatalog), a history of unit values, and fines in
// every state — sin tipificar, with the discount, at the full amount,
// surcharged, paid, with a pending descargo, with a rejected and with an
// accepted one, annulled and prescribed.
func (s *Store) LoadDemo(ctx context.Context) (*Officer, error) {
	if o, err := s.OfficerByBadge(ctx, demoBadge); err == nil {
		return o, nil
	}
	const csv = `nombre,email,placa_patente,marca,color,documento
Ana Martínez,ana.martinez@example.com,AB123CD,Toyota,Blanco,27.123.456
Ana Martínez,ana.martinez@example.com,AC456EF,Ford,Gris,
Bruno Díaz,bruno.diaz@example.com,AD789GH,Renault,Rojo,20-30111222-3
Carla Gómez,carla.gomez@example.com,ABC123,Volkswagen,Negro,
Diego Fernández,diego.fernandez@example.com,AE321KL,Peugeot,Gris,23.456.789
Elena Sosa,elena.sosa@example.com,AF654MN,Honda,Azul,
`
	if _, err := s.Import(ctx, strings.NewReader(csv), SystemActor, false); err != nil {
		return nil, fmt.Errorf("models: demo: %w", err)
	}
	if _, err := s.ImportCatalog(ctx, bytes.NewReader(docs.ExampleCatalog), SystemActor); err != nil {
		return nil, fmt.Errorf("models: demo catalogue: %w", err)
	}
	now := time.Now()
	loc := s.Locale().Location
	for _, v := range demoUnitValues(now, loc) {
		if _, err := s.SetUnitValue(ctx, v, SystemActor); err != nil {
			return nil, fmt.Errorf("models: demo unit value: %w", err)
		}
	}
	var officer *Officer
	for _, in := range []rules.OfficerInput{
		{Name: "Oficial Demo", Badge: demoBadge, Active: true},
		{Name: "Laura Benítez", Badge: "DEMO-002", Active: true},
	} {
		o, err := s.CreateOfficer(ctx, in, SystemActor)
		if err != nil {
			return nil, fmt.Errorf("models: demo: %w", err)
		}
		if officer == nil {
			officer = o
		}
	}
	base := now.UTC().Truncate(time.Hour)
	demo := []demoFine{
		{"AB123CD", 30 * time.Hour, "Semáforo en rojo en Av. Corrientes y Callao", "Av. Corrientes y Callao", -34.6043, -58.3923, "SEM-ROJO", demoNothing},
		{"AB123CD", 200 * time.Hour, "Estacionamiento en doble fila", "Av. Santa Fe 1800", -34.5955, -58.3930, "DOBLE-FILA", demoPaid},
		{"AC456EF", 75 * time.Hour, "Exceso de velocidad: 92 km/h en zona de 60", "Av. 9 de Julio y Belgrano", -34.6131, -58.3808, "VEL-MAS", demoPending},
		{"AD789GH", 5 * time.Hour, "Uso de celular al conducir", "Av. Rivadavia 5000", 0, 0, "", demoNothing},
		{"AD789GH", 35 * day, "Estacionado frente a una rampa", "Av. Cabildo 2100", 0, 0, "EST-PROH", demoNothing},
		{"AD789GH", 80 * day, "Conductor sin cinturón de seguridad", "Av. Libertador 4400", -34.5680, -58.4180, "CINTURON", demoNothing},
		{"AE321KL", 70 * day, "Giro a la izquierda prohibido", "Av. Córdoba y Pueyrredón", -34.5994, -58.4030, "GIRO-PROH", demoRejected},
		{"AE321KL", 25 * day, "Estacionado en un lugar reservado sin credencial", "Hospital Italiano, Gascón 450", 0, 0, "EST-DISC", demoAccepted},
		{"AE321KL", 3*365*day + 30*day, "Sin luces bajas en la Ruta 2", "Ruta 2, km 54", -35.0010, -58.0250, "LUCES", demoNothing},
		{"AF654MN", 12 * day, "Hablando por teléfono en el semáforo", "Av. Scalabrini Ortiz 1500", 0, 0, "CELULAR", demoNothing},
		{"AF654MN", 10 * day, "Patente leída con error", "", 0, 0, "", demoAnnulled},
	}
	ids := make([]int64, len(demo))
	err := s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		auth := OfficerAuth{OfficerID: officer.ID, Name: officer.Name, Badge: officer.Badge, Active: true}
		for k, d := range demo {
			req := RecordRequest{Officer: auth, Plate: d.plate, OccurredAt: base.Add(-d.ago), Comments: d.comments,
				Place: rules.Place{Description: d.place}}
			if d.lat != 0 {
				lat, lon := d.lat, d.lon
				req.Place.Lat, req.Place.Lon = &lat, &lon
			}
			rec, err := recordInTx(ctx, tx, s, req)
			if err != nil {
				return err
			}
			ids[k] = rec.Infraction.ID
			if err := countDates(ctx, tx, countInfractions, 0, tallyOf(rec.Infraction.OccurredAt)); err != nil {
				return err
			}
			if err := audit(ctx, tx, SystemActor, "create", "infraction", rec.Infraction.ID, map[string]string{"placa_patente": d.plate, "via": "demo"}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("models: demo infractions: %w", err)
	}
	for k, d := range demo {
		if err := s.demoLifecycle(ctx, ids[k], d, base.Add(-d.ago)); err != nil {
			return nil, fmt.Errorf("models: demo infraction %d: %w", ids[k], err)
		}
	}
	return officer, nil
}

// demoUnitValues are the demo's unit values: one from five years ago, and
// a higher one from the first day of this year.
func demoUnitValues(now time.Time, loc *time.Location) []rules.UnitValueInput {
	today := fines.DateOf(now, loc)
	return []rules.UnitValueInput{
		{From: fines.NewDate(today.Year-5, time.January, 1), Cents: 95000},
		{From: fines.NewDate(today.Year, time.January, 1), Cents: 125000},
	}
}

// demoLifecycle issues a demo infraction an hour after it happened and
// takes it through its step, at the times the step says.
func (s *Store) demoLifecycle(ctx context.Context, id int64, d demoFine, occurred time.Time) error {
	if d.then == demoAnnulled {
		return s.Annul(ctx, []int64{id}, rules.VoidInput{
			Reason:       "Patente mal leída: el vehículo no coincide con la foto.",
			PublicReason: "Anulada de oficio: error en la identificación del vehículo.",
		}, SystemActor)
	}
	if d.code == "" {
		return nil
	}
	issued := occurred.Add(time.Hour)
	if _, err := s.classifyAt(ctx, id, d.code, issued, SystemActor); err != nil {
		return err
	}
	dispute := rules.DisputeInput{Text: "El vehículo no estaba en ese lugar a esa hora: adjunto el ticket de estacionamiento de otro barrio.", Email: "descargos@example.com"}
	switch d.then {
	case demoPaid:
		t, err := s.Tariff(ctx)
		if err != nil {
			return err
		}
		row, err := s.InfractionByID(ctx, id)
		if err != nil {
			return err
		}
		paid := issued.Add(2 * day)
		owed := t.Assess(&row.InfractionRow, paid, s.Locale().Location).ToPay
		_, err = s.RecordPayment(ctx, rules.PaymentInput{InfractionID: id, AmountCents: *owed, Method: MethodTransfer,
			Reference: fmt.Sprintf("DEMO-TR-%06d", id), PaidAt: paid}, SystemActor)
		return err
	case demoPending:
		_, err := s.fileDisputeAt(ctx, id, dispute, nil, issued.Add(2*day), SystemActor)
		return err
	case demoRejected, demoAccepted:
		filed, decided, in := issued.Add(5*day), issued.Add(55*day), rules.ResolutionInput{Decision: rules.DecisionReject,
			Resolution: "La foto del acta muestra el vehículo girando con la señal a la vista; el ticket es de otro día."}
		if d.then == demoAccepted {
			filed, decided, in = issued.Add(2*day), issued.Add(10*day), rules.ResolutionInput{Decision: rules.DecisionAccept,
				Resolution: "El titular acreditó su credencial de estacionamiento vigente: se anula el acta."}
		}
		dp, err := s.fileDisputeAt(ctx, id, dispute, nil, filed, SystemActor)
		if err != nil {
			return err
		}
		_, err = s.resolveDisputeAt(ctx, dp.ID, in, decided, SystemActor)
		return err
	}
	return nil
}

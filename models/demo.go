package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"transito/models/rules"
)

// demoBadge is the demo officer's badge.
const demoBadge = "DEMO-001"

// HasDemo reports whether the demo data set is already loaded.
func (s *Store) HasDemo(ctx context.Context) (bool, error) {
	_, err := s.OfficerByBadge(ctx, demoBadge)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// LoadDemo adds a small demo data set once (it is idempotent) and returns
// the demo officer.
func (s *Store) LoadDemo(ctx context.Context) (*Officer, error) {
	if o, err := s.OfficerByBadge(ctx, demoBadge); err == nil {
		return o, nil
	}
	const csv = `nombre,email,placa_patente,marca,color
Ana Martínez,ana.martinez@example.com,AB123CD,Toyota,Blanco
Ana Martínez,ana.martinez@example.com,AC456EF,Ford,Gris
Bruno Díaz,bruno.diaz@example.com,AD789GH,Renault,Rojo
Carla Gómez,carla.gomez@example.com,ABC123,Volkswagen,Negro
`
	if _, err := s.Import(ctx, strings.NewReader(csv), SystemActor, false); err != nil {
		return nil, fmt.Errorf("models: demo: %w", err)
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
	base := time.Now().UTC().Truncate(time.Hour)
	demo := []struct {
		plate    string
		hoursAgo int
		comments string
	}{
		{"AB123CD", 30, "Semáforo en rojo en Av. Corrientes y Callao"},
		{"AB123CD", 200, "Estacionamiento en doble fila"},
		{"AC456EF", 75, "Exceso de velocidad: 92 km/h en zona de 60"},
		{"AD789GH", 5, "Uso de celular al conducir"},
	}
	err := s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		auth := OfficerAuth{OfficerID: officer.ID, Name: officer.Name, Badge: officer.Badge, Active: true}
		for _, d := range demo {
			rec, err := recordInTx(ctx, tx, s.dialect, RecordRequest{
				Officer: auth, Plate: d.plate, OccurredAt: base.Add(-time.Duration(d.hoursAgo) * time.Hour), Comments: d.comments,
			})
			if err != nil {
				return err
			}
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
	return officer, nil
}

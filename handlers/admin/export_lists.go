package admin

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"transito/models"
	"transito/models/fines"
	"transito/views"
)

// The export of each list: its columns, in order. Every export carries the
// records' ids; times are in the display zone, which the headers name.

var personExport = []exportColumn[models.PersonRow]{
	{"ID", func(p *models.PersonRow) any { return p.ID }},
	{"Nombre", func(p *models.PersonRow) any { return p.Name }},
	{"Correo", func(p *models.PersonRow) any { return p.Email }},
	{"Vehículos", func(p *models.PersonRow) any { return p.Vehicles }},
}

var vehicleExport = []exportColumn[models.VehicleRow]{
	{"ID", func(v *models.VehicleRow) any { return v.ID }},
	{"Patente", func(v *models.VehicleRow) any { return v.Plate }},
	{"Marca", func(v *models.VehicleRow) any { return v.Brand }},
	{"Color", func(v *models.VehicleRow) any { return v.Color }},
	{"ID del titular", func(v *models.VehicleRow) any { return v.PersonID }},
	{"Titular", func(v *models.VehicleRow) any { return v.OwnerName }},
	{"Correo del titular", func(v *models.VehicleRow) any { return v.OwnerEmail }},
}

func officerExport(zone string) []exportColumn[models.OfficerRow] {
	return []exportColumn[models.OfficerRow]{
		{"ID", func(o *models.OfficerRow) any { return o.ID }},
		{"Nombre", func(o *models.OfficerRow) any { return o.Name }},
		{"Número", func(o *models.OfficerRow) any { return o.Badge }},
		{"Estado", func(o *models.OfficerRow) any { return map[bool]string{true: "Activo", false: "Inactivo"}[o.Active] }},
		{"Token", func(o *models.OfficerRow) any {
			if o.TokenPrefix == nil {
				return nil
			}
			return *o.TokenPrefix + "…"
		}},
		{"Último uso del token (" + zone + ")", func(o *models.OfficerRow) any { return timeOrNil(o.TokenLastUsed) }},
	}
}

// infractionExport: the owner is the one at the time of the infraction
// (infractions.person_id), not the vehicle's owner today.
// infractionExport are the infraction export's columns; the status is the
// one a person sees at now (sin tipificar, prescrita), the amount the one
// at issue.
func infractionExport(zone string, t *models.Tariff, loc *time.Location, now time.Time) []exportColumn[models.InfractionDetail] {
	return []exportColumn[models.InfractionDetail]{
		{"ID", func(i *models.InfractionDetail) any { return i.ID }},
		{"Fecha (" + zone + ")", func(i *models.InfractionDetail) any { return i.OccurredAt }},
		{"Registrada (" + zone + ")", func(i *models.InfractionDetail) any { return i.RecordedAt }},
		{"ID del vehículo", func(i *models.InfractionDetail) any { return i.VehicleID }},
		{"Patente", func(i *models.InfractionDetail) any { return i.Plate }},
		{"Marca", func(i *models.InfractionDetail) any { return i.Brand }},
		{"Color", func(i *models.InfractionDetail) any { return i.Color }},
		{"ID del titular", func(i *models.InfractionDetail) any { return i.PersonID }},
		{"Titular a la fecha", func(i *models.InfractionDetail) any { return i.PersonName }},
		{"Correo del titular", func(i *models.InfractionDetail) any { return i.PersonEmail }},
		{"ID del oficial", func(i *models.InfractionDetail) any { return i.OfficerID }},
		{"Oficial", func(i *models.InfractionDetail) any { return i.OfficerName }},
		{"Número del oficial", func(i *models.InfractionDetail) any { return i.OfficerBadge }},
		{"Código", func(i *models.InfractionDetail) any { return i.Code }},
		{"Importe", func(i *models.InfractionDetail) any {
			if !i.Issued() {
				return nil
			}
			return fines.FormatAmount(i.AmountCents)
		}},
		{"Estado", func(i *models.InfractionDetail) any {
			return views.StatusLabel(listStatus(&i.InfractionRow, t, loc, now))
		}},
		{"Motivo de anulación", func(i *models.InfractionDetail) any { return i.VoidReason }},
		{"Comentarios", func(i *models.InfractionDetail) any { return i.Comments }},
	}
}

func auditExport(zone string) []exportColumn[models.AuditEntry] {
	return []exportColumn[models.AuditEntry]{
		{"ID", func(e *models.AuditEntry) any { return e.ID }},
		{"Fecha (" + zone + ")", func(e *models.AuditEntry) any { return e.At }},
		{"Origen", func(e *models.AuditEntry) any { return views.AuditActor(e.ActorKind) }},
		{"Quién", func(e *models.AuditEntry) any { return e.ActorName }},
		{"Acción", func(e *models.AuditEntry) any { return views.AuditAction(e.Action) }},
		{"Registro", func(e *models.AuditEntry) any { return views.AuditEntity(e.Entity) }},
		{"ID del registro", func(e *models.AuditEntry) any {
			if e.EntityID == nil {
				return nil
			}
			return *e.EntityID
		}},
		{"Detalle", func(e *models.AuditEntry) any { return auditDetail(e.Detail) }},
	}
}

func adminExport(zone string) []exportColumn[models.Admin] {
	return []exportColumn[models.Admin]{
		{"ID", func(a *models.Admin) any { return a.ID }},
		{"Usuario", func(a *models.Admin) any { return a.Username }},
		{"Último ingreso (" + zone + ")", func(a *models.Admin) any { return timeOrNil(a.LastLoginAt) }},
		{"Creado (" + zone + ")", func(a *models.Admin) any { return a.CreatedAt }},
	}
}

func timeOrNil(t *time.Time) any {
	if t == nil {
		return nil
	}
	return *t
}

// exported answers the list's export when the request asks for one (done
// is true then).
func exported[T any](h *Handler, c *fiber.Ctx, name, sheet string, cols []exportColumn[T], open func(ctx context.Context) (*models.Cursor[T], error)) (done bool, err error) {
	format, err := exportFormat(c)
	if err != nil || format == "" {
		return err != nil, err
	}
	return true, export(h, c, format, name, sheet, cols, open)
}

package admin

import (
	"context"
	"strconv"
	"time"

	"transito/views"
)

// filterLabels names the search and every list filter, in the order the
// active filters are shown.
var filterLabels = []struct{ key, label string }{
	{"q", "Búsqueda"}, {"persona", "Titular"}, {"vehiculo", "Vehículo"}, {"entidad", "Registro"},
	{"registro", "N.º de registro"}, {"titular", "Titular"}, {"patente", "Patente"}, {"oficial", "Oficial"},
	{"marca", "Marca"}, {"color", "Color"}, {"estado", "Estado"}, {"accion", "Acción"}, {"actor", "Origen"},
	{"desde", "Desde"}, {"hasta", "Hasta"},
}

// activeFilters names what l is filtered by, for people: a person by name,
// a vehicle by plate, a record of the audit log by name, statuses and
// actions in words, dates as dd/mm/aaaa.
func (h *Handler) activeFilters(ctx context.Context, l views.List) ([]views.ActiveFilter, error) {
	var out []views.ActiveFilter
	for _, f := range filterLabels {
		v := l.Query.Get(f.key)
		if v == "" {
			continue
		}
		a := views.ActiveFilter{Key: f.key, Label: f.label, Value: v}
		switch f.key {
		case "q":
			a.Value = "«" + v + "»"
		case "persona", "vehiculo":
			kind := map[string]string{"persona": "person", "vehiculo": "vehicle"}[f.key]
			n, err := h.recordName(ctx, kind, v)
			if err != nil {
				return nil, err
			}
			a.Value = n
		case "registro":
			entity := l.Query.Get("entidad")
			n, err := h.recordName(ctx, entity, v)
			if err != nil {
				return nil, err
			}
			a.Label, a.Value = views.AuditEntity(entity), n
		case "entidad":
			if l.Query.Get("registro") != "" {
				continue
			}
			a.Value = views.AuditEntity(v)
		case "estado":
			a.Value = views.StatusLabel(v)
		case "accion":
			a.Value = views.AuditAction(v)
		case "actor":
			a.Value = views.AuditActor(v)
		case "desde", "hasta":
			if d, err := time.Parse("2006-01-02", v); err == nil {
				a.Value = d.Format("02/01/2006")
			}
		}
		out = append(out, a)
	}
	return out, nil
}

// recordName names one record of a kind by its id as the URL gives it
// ("n.º 12" when it has no name or is gone).
func (h *Handler) recordName(ctx context.Context, kind, id string) (string, error) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return id, nil
	}
	names, err := h.store.RecordNames(ctx, kind, []int64{n})
	if err != nil {
		return "", err
	}
	if name, ok := names[n]; ok {
		return name, nil
	}
	return "n.º " + id, nil
}

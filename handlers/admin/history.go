package admin

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"transito/models"
	"transito/models/fines"
	"transito/models/rules"
	"transito/paths"
	"transito/views"
)

// historyLimit is how many audit entries a detail page shows; the audit
// log, filtered by the record, has the rest.
const historyLimit = 20

// auditNames names the records a page of audit entries mentions: kind →
// id → name.
type auditNames map[string]map[int64]string

// auditIDKeys are the detail keys whose number is a record of a kind.
var auditIDKeys = map[string]string{"persona_id": "person", "infraccion_id": "infraction"}

// namesOf looks up, a kind at a time, the names of the records and actors
// entries mention.
func (h *Handler) namesOf(ctx context.Context, entries []models.AuditEntry) (auditNames, error) {
	ids := map[string][]int64{}
	for _, e := range entries {
		if e.EntityID != nil {
			ids[e.Entity] = append(ids[e.Entity], *e.EntityID)
		}
		if e.ActorID != nil {
			ids[e.ActorKind] = append(ids[e.ActorKind], *e.ActorID)
		}
		for k, v := range decodeDetail(e.Detail) {
			kind, ok := auditIDKeys[k]
			if !ok {
				continue
			}
			vals := []any{v}
			if pair, ok := v.([]any); ok {
				vals = pair
			}
			for _, x := range vals {
				if n, ok := x.(float64); ok && n > 0 {
					ids[kind] = append(ids[kind], int64(n))
				}
			}
		}
	}
	names := auditNames{}
	for kind, list := range ids {
		m, err := h.store.RecordNames(ctx, kind, list)
		if err != nil {
			return nil, err
		}
		names[kind] = m
	}
	return names, nil
}

func decodeDetail(raw string) map[string]any {
	var m map[string]any
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		return nil
	}
	return m
}

// auditView writes an audit entry for people.
func (h *Handler) auditView(e models.AuditEntry, names auditNames) views.AuditView {
	a := views.AuditView{
		Kind: e.Action, When: h.fmtTime(e.At), Source: views.AuditActor(e.ActorKind), Action: views.AuditAction(e.Action),
		Actor: e.ActorName,
	}
	if e.ActorID != nil {
		a.ActorHref = paths.Entity(e.ActorKind, *e.ActorID)
		if n, ok := names[e.ActorKind][*e.ActorID]; ok {
			a.Actor = n
		}
	}
	a.Record = views.AuditEntity(e.Entity)
	if e.EntityID != nil {
		id := *e.EntityID
		a.RecordHref = paths.Entity(e.Entity, id)
		if n, ok := names[e.Entity][id]; ok {
			a.Record += " " + n
		} else {
			a.Record += " n.º " + itoa64(id)
		}
	}
	m := decodeDetail(e.Detail)
	if m == nil && e.Detail != "" && e.Detail != "{}" {
		a.Changes = []views.Change{{Label: "Detalle", New: views.Value{Text: e.Detail}}}
		return a
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		c := views.Change{Label: views.AuditField(k)}
		if pair, ok := m[k].([]any); ok && len(pair) == 2 && e.Action == "update" {
			c.Changed, c.Old, c.New = true, h.auditValue(k, pair[0], names), h.auditValue(k, pair[1], names)
		} else {
			c.New = h.auditValue(k, m[k], names)
		}
		a.Changes = append(a.Changes, c)
	}
	return a
}

// auditViews writes entries for people, naming what they mention.
func (h *Handler) auditViews(ctx context.Context, entries []models.AuditEntry) ([]views.AuditView, error) {
	names, err := h.namesOf(ctx, entries)
	if err != nil {
		return nil, err
	}
	out := make([]views.AuditView, len(entries))
	for i, e := range entries {
		out[i] = h.auditView(e, names)
	}
	return out, nil
}

// history is one record's newest audit entries, for its detail page.
func (h *Handler) history(ctx context.Context, entity string, id int64) (views.History, error) {
	entries, err := h.store.HistoryOf(ctx, entity, id, historyLimit)
	if err != nil {
		return views.History{}, err
	}
	vs, err := h.auditViews(ctx, entries)
	if err != nil {
		return views.History{}, err
	}
	return views.History{Entries: vs, More: len(entries) == historyLimit,
		All: paths.Audit + "?entidad=" + entity + "&registro=" + itoa64(id)}, nil
}

// detailPage is page with the history of the record the page shows.
func (h *Handler) detailPage(c *fiber.Ctx, title, nav, entity string, id int64) (views.Page, error) {
	hist, err := h.history(c.UserContext(), entity, id)
	if err != nil {
		return views.Page{}, err
	}
	p := h.page(c, title, nav)
	p.History = &hist
	return p, nil
}

// moneyKeys are the detail keys that hold an amount (FormatAmount's form).
var moneyKeys = map[string]bool{"importe": true, "valor": true, "anterior": true}

// auditValue formats one detail value: "sí/no", money, times in the
// configured zone, records by name.
func (h *Handler) auditValue(key string, v any, names auditNames) views.Value {
	switch x := v.(type) {
	case nil:
		return views.Value{Text: "—"}
	case bool:
		if x {
			return views.Value{Text: "sí"}
		}
		return views.Value{Text: "no"}
	case float64:
		if kind, ok := auditIDKeys[key]; ok && x > 0 {
			id := int64(x)
			if n, ok := names[kind][id]; ok {
				return views.Value{Text: n, Href: paths.Entity(kind, id)}
			}
			return views.Value{Text: "n.º " + itoa64(id), Href: paths.Entity(kind, id)}
		}
		if x == math.Trunc(x) && math.Abs(x) < 1e15 {
			return views.Value{Text: strconv.FormatInt(int64(x), 10)}
		}
		return views.Value{Text: strconv.FormatFloat(x, 'f', -1, 64)}
	case string:
		if x == "" {
			return views.Value{Text: "—"}
		}
		if moneyKeys[key] {
			if cents, err := fines.ParseAmount(x); err == nil {
				return views.Value{Text: fines.DisplayAmount(cents, h.currency)}
			}
		}
		if key == "rol" {
			if r, msg := rules.ParseRole(x); msg == "" {
				return views.Value{Text: r.Label()}
			}
		}
		if t, err := time.Parse(time.RFC3339Nano, x); err == nil {
			return views.Value{Text: h.fmtTime(t)}
		}
		return views.Value{Text: x}
	default:
		b, err := json.Marshal(x)
		if err != nil {
			return views.Value{Text: fmt.Sprint(x)}
		}
		return views.Value{Text: string(b)}
	}
}

// fineLines is how many fines a person's or vehicle's page lists.
const fineLines = 20

// recordFines are the fines of a person or a vehicle (of) as its page
// shows them: the newest, and what is owed today over all of them.
func (h *Handler) recordFines(ctx context.Context, of string, id int64, all string) (views.RecordFines, error) {
	rows, err := h.store.InfractionsOf(ctx, of, id)
	if err != nil {
		return views.RecordFines{}, err
	}
	t, err := h.store.Tariff(ctx)
	if err != nil {
		return views.RecordFines{}, err
	}
	now := time.Now()
	f := views.RecordFines{Count: len(rows), All: all}
	var owed int64
	for i := range rows {
		a := t.Assess(&rows[i], now, h.loc)
		toPay := "—"
		if a.ToPay != nil {
			owed += *a.ToPay
			f.OwedCount++
			toPay = fines.DisplayAmount(*a.ToPay, h.currency)
		}
		if len(f.Lines) < fineLines {
			code := rows[i].Code
			if code == "" {
				code = "sin tipificar"
			}
			f.Lines = append(f.Lines, views.FineLine{ID: rows[i].ID, When: h.fmtTime(rows[i].OccurredAt), Plate: rows[i].Plate,
				Code: code, Status: string(a.Status), ToPay: toPay})
		}
	}
	f.Owed = fines.DisplayAmount(owed, h.currency)
	return f, nil
}

// vehicleOwners are a vehicle's owners over time, newest first, read from
// the audit log (its alta and every change of persona_id); without any
// entry (a vehicle loaded by seed), the current owner since the vehicle's
// creation.
func (h *Handler) vehicleOwners(ctx context.Context, v *models.Vehicle) ([]views.Ownership, error) {
	entries, err := h.store.HistoryOf(ctx, "vehicle", v.ID, 500)
	if err != nil {
		return nil, err
	}
	type period struct {
		owner    int64
		from, to time.Time
	}
	var ps []period
	for i := len(entries) - 1; i >= 0; i-- {
		e := entries[i]
		switch x := decodeDetail(e.Detail)["persona_id"].(type) {
		case float64:
			if len(ps) == 0 || ps[len(ps)-1].owner != int64(x) {
				ps = append(ps, period{owner: int64(x), from: e.At})
			}
		case []any:
			if len(x) != 2 {
				continue
			}
			oldID, _ := x[0].(float64)
			newID, _ := x[1].(float64)
			if len(ps) == 0 {
				ps = append(ps, period{owner: int64(oldID)})
			}
			ps[len(ps)-1].to = e.At
			ps = append(ps, period{owner: int64(newID), from: e.At})
		}
	}
	if len(ps) == 0 || ps[len(ps)-1].owner != v.PersonID {
		ps = append(ps, period{owner: v.PersonID, from: v.CreatedAt})
	}
	ids := make([]int64, len(ps))
	for i, p := range ps {
		ids[i] = p.owner
	}
	names, err := h.store.RecordNames(ctx, "person", ids)
	if err != nil {
		return nil, err
	}
	out := make([]views.Ownership, 0, len(ps))
	for i := len(ps) - 1; i >= 0; i-- {
		p := ps[i]
		name, ok := names[p.owner]
		if !ok {
			name = "persona n.º " + itoa64(p.owner) + " (eliminada)"
		}
		o := views.Ownership{Owner: views.Value{Text: name, Href: paths.Of(paths.Person, p.owner)}, From: h.fmtTime(p.from), To: h.fmtTime(p.to)}
		if !ok {
			o.Owner.Href = ""
		}
		out = append(out, o)
	}
	return out, nil
}

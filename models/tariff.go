package models

import (
	"context"
	"fmt"
	"hash/fnv"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/uptrace/bun"

	"transito/models/fines"
	"transito/models/rules"
)

// Tariff is what fines are priced with, read at one moment: the legal
// catalogue, the unit value's history and the settings of "Tarifas y
// plazos". The store keeps one in memory for the request path (Store.Tariff)
// and reads it again at most tariffTTL after any process changed it.
type Tariff struct {
	Settings fines.Settings
	// Units is the unit value's history, oldest first.
	Units []UnitValue
	// Types is the whole catalogue, inactive types included, by code.
	Types []InfractionType
	// Version changes whenever anything above does.
	Version string

	history []fines.UnitValue
	byCode  map[string]*InfractionType
	byID    map[int64]*InfractionType
}

// tariffTTL bounds how long a change of the catalogue, the unit value or
// the settings made by another process goes unseen (DESIGN: within 5 s).
// Changes through this Store are seen at once.
const tariffTTL = time.Second

// tariffCache is the Store's Tariff and when it was read.
type tariffCache struct {
	mu     sync.Mutex
	t      *Tariff
	loaded time.Time
}

// Tariff returns the catalogue, the unit values and the settings, from
// memory when they were read less than tariffTTL ago and this Store has not
// changed them since.
func (s *Store) Tariff(ctx context.Context) (*Tariff, error) {
	s.tariff.mu.Lock()
	defer s.tariff.mu.Unlock()
	if s.tariff.t != nil && time.Since(s.tariff.loaded) < tariffTTL {
		return s.tariff.t, nil
	}
	t, err := loadTariff(ctx, s.readers)
	if err != nil {
		return nil, err
	}
	s.tariff.t, s.tariff.loaded = t, time.Now()
	return t, nil
}

// tariffChanged makes the next Tariff read the database again.
func (s *Store) tariffChanged() {
	s.tariff.mu.Lock()
	s.tariff.t = nil
	s.tariff.mu.Unlock()
}

// settingPrefix prefixes the fines settings' keys in the settings table.
const settingPrefix = "fines."

func loadTariff(ctx context.Context, idb bun.IDB) (*Tariff, error) {
	t := &Tariff{}
	if err := idb.NewSelect().Model(&t.Types).OrderExpr("code").Scan(ctx); err != nil && !isNoRows(err) {
		return nil, fmt.Errorf("models: catalogue: %w", err)
	}
	if err := idb.NewSelect().Model(&t.Units).OrderExpr("valid_from").Scan(ctx); err != nil && !isNoRows(err) {
		return nil, fmt.Errorf("models: unit values: %w", err)
	}
	var rows []setting
	if err := idb.NewSelect().Model(&rows).Where("key LIKE ?", settingPrefix+"%").Scan(ctx); err != nil && !isNoRows(err) {
		return nil, fmt.Errorf("models: settings: %w", err)
	}
	values := map[string]string{}
	for _, r := range rows {
		values[strings.TrimPrefix(r.Key, settingPrefix)] = r.Value
	}
	// A stored value that no longer validates (a limit tightened since)
	// falls back to the default rather than stopping every fine.
	if s, fe := fines.ParseSettings(fines.DefaultSettings(), values); len(fe) == 0 {
		t.Settings = s
	} else {
		t.Settings = fines.DefaultSettings()
	}
	t.index()
	return t, nil
}

// NewTariff is a tariff of the given settings, unit values and catalogue,
// for code that prices without a database (tests, fuzzing).
func NewTariff(settings fines.Settings, units []UnitValue, types []InfractionType) *Tariff {
	t := &Tariff{Settings: settings, Units: units, Types: types}
	t.index()
	return t
}

// index fills the look-ups and the version.
func (t *Tariff) index() {
	t.byCode = make(map[string]*InfractionType, len(t.Types))
	t.byID = make(map[int64]*InfractionType, len(t.Types))
	h := fnv.New64a()
	for i := range t.Types {
		it := &t.Types[i]
		t.byCode[it.Code], t.byID[it.ID] = it, it
		fmt.Fprintf(h, "t%d|%s|%s|%s|%s|%d|%d|%t\n", it.ID, it.Code, it.Description, it.LegalRef, it.Severity, it.Units, it.Points, it.Active)
	}
	t.history = make([]fines.UnitValue, 0, len(t.Units))
	for _, u := range t.Units {
		var d fines.Date
		if d.UnmarshalText([]byte(u.ValidFrom)) == nil {
			t.history = append(t.history, fines.UnitValue{From: d, Cents: u.Cents})
		}
		fmt.Fprintf(h, "u%s|%d\n", u.ValidFrom, u.Cents)
	}
	values := t.Settings.Values()
	names := make([]string, 0, len(values))
	for k := range values {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		fmt.Fprintf(h, "s%s=%s\n", k, values[k])
	}
	t.Version = strconv.FormatUint(h.Sum64(), 36)
}

// TypeByCode returns the type with that code (normalised here), active or
// not.
func (t *Tariff) TypeByCode(code string) (*InfractionType, bool) {
	it, ok := t.byCode[rules.NormalizeCode(code)]
	return it, ok
}

// TypeByID returns the type with that id.
func (t *Tariff) TypeByID(id int64) (*InfractionType, bool) {
	it, ok := t.byID[id]
	return it, ok
}

// Active returns the active types, by code.
func (t *Tariff) Active() []InfractionType {
	out := make([]InfractionType, 0, len(t.Types))
	for _, it := range t.Types {
		if it.Active {
			out = append(out, it)
		}
	}
	return out
}

// UnitValueOn returns the unit value in force on day; ok is false when
// none had started by then.
func (t *Tariff) UnitValueOn(day fines.Date) (int64, bool) {
	return fines.UnitValueOn(t.history, day)
}

// Issue is what issuing an infraction sets: its type, the copies of the
// type's units and points, the amount at the unit value of the issue date,
// and the issue time.
type Issue struct {
	Type        InfractionType
	Units       int
	Points      int
	AmountCents int64
	IssuedAt    time.Time
	// settings are the deadlines the owner's mail states.
	settings fines.Settings
}

// Issue prices a fine of the active type code issued at (its date in loc):
// a FieldErrors on codigo when no active type has the code or no unit value
// is in force that day.
func (t *Tariff) Issue(code string, at time.Time, loc *time.Location) (*Issue, error) {
	code = rules.NormalizeCode(code)
	it, ok := t.byCode[code]
	switch {
	case !rules.ValidCode(code):
		return nil, rules.FieldErrors{rules.FieldCode: rules.CodeRule}
	case !ok:
		return nil, rules.FieldErrors{rules.FieldCode: "no hay ningún tipo con el código «" + code + "» en el catálogo"}
	case !it.Active:
		return nil, rules.FieldErrors{rules.FieldCode: "el tipo «" + code + "» está dado de baja en el catálogo"}
	}
	amount, err := fines.Amount(it.Units, t.history, fines.DateOf(at, loc))
	if err != nil {
		return nil, rules.FieldErrors{rules.FieldCode: err.Error() + " (" + fines.DateOf(at, loc).Display() + "): fíjelo en «Tarifas y plazos»"}
	}
	return &Issue{Type: *it, Units: it.Units, Points: it.Points, AmountCents: amount, IssuedAt: at.UTC().Truncate(time.Microsecond),
		settings: t.Settings}, nil
}

// Assess returns the infraction as it stands at now, with these settings.
func (t *Tariff) Assess(r *InfractionRow, now time.Time, loc *time.Location) fines.Assessment {
	return fines.Assess(r.Fine(), t.Settings, now, loc)
}

// FinesSettings returns the settings of "Tarifas y plazos" in force.
func (s *Store) FinesSettings(ctx context.Context) (fines.Settings, error) {
	t, err := s.Tariff(ctx)
	if err != nil {
		return fines.Settings{}, err
	}
	return t.Settings, nil
}

// SetFinesSettings stores the settings of "Tarifas y plazos": a
// FieldErrors by setting name when one is out of range. Fines already
// issued keep their amount; their deadlines follow the new settings.
func (s *Store) SetFinesSettings(ctx context.Context, settings fines.Settings, actor Actor) error {
	if fe := settings.Validate(); len(fe) > 0 {
		return rules.FieldErrors(fe)
	}
	defer s.tariffChanged()
	return s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		old, err := loadTariff(ctx, tx)
		if err != nil {
			return err
		}
		was := old.Settings.Values()
		detail := changes{}
		t := now()
		for name, v := range settings.Values() {
			detail.add(name, was[name], v)
			row := setting{Key: settingPrefix + name, Value: v, CreatedAt: t, UpdatedAt: t}
			if _, err := tx.NewInsert().Model(&row).
				On("CONFLICT (key) DO UPDATE").Set("value = EXCLUDED.value").Set("updated_at = EXCLUDED.updated_at").
				Exec(ctx); err != nil {
				return fmt.Errorf("models: save setting %s: %w", name, err)
			}
		}
		if len(detail) == 0 {
			return nil
		}
		return audit(ctx, tx, actor, "update", "settings", 0, detail)
	})
}

// UnitValues returns the unit value's history, newest first.
func (s *Store) UnitValues(ctx context.Context) ([]UnitValue, error) {
	var vs []UnitValue
	if err := s.readers.NewSelect().Model(&vs).OrderExpr("valid_from DESC").Scan(ctx); err != nil && !isNoRows(err) {
		return nil, fmt.Errorf("models: unit values: %w", err)
	}
	return vs, nil
}

// SetUnitValue sets the value of one fixed unit from a date on (replacing
// the value set for that same date, if any). Fines issued before keep the
// amount they were issued with.
func (s *Store) SetUnitValue(ctx context.Context, in rules.UnitValueInput, actor Actor) (*UnitValue, error) {
	if err := in.Clean().Err(); err != nil {
		return nil, err
	}
	t := now()
	v := &UnitValue{ValidFrom: in.From.String(), Cents: in.Cents, CreatedAt: t, UpdatedAt: t}
	defer s.tariffChanged()
	err := s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var old []UnitValue
		if err := tx.NewSelect().Model(&old).Where("valid_from = ?", v.ValidFrom).Scan(ctx); err != nil && !isNoRows(err) {
			return fmt.Errorf("models: unit value: %w", err)
		}
		if _, err := tx.NewInsert().Model(v).
			On("CONFLICT (valid_from) DO UPDATE").Set("cents = EXCLUDED.cents").Set("updated_at = EXCLUDED.updated_at").
			Returning("id").Exec(ctx); err != nil {
			return fmt.Errorf("models: save unit value: %w", err)
		}
		detail := map[string]any{"desde": v.ValidFrom, "valor": fines.FormatAmount(v.Cents)}
		if len(old) == 1 {
			detail["anterior"] = fines.FormatAmount(old[0].Cents)
		}
		return audit(ctx, tx, actor, "update", "unit_value", 0, detail)
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

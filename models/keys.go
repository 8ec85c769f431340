package models

import (
	"context"

	"github.com/uptrace/bun"

	"transito/models/rules"
)

// The folded keys of persons, vehicles and officers (rules.Fold): what the
// lists sort by and what search matches. Bun sets them before every insert
// or update of the model (an update that names its columns must name the
// keys too); migration 20261204000001 made them for the rows already there,
// the same way.
//
// To search a kind of record by one more column (a person's document, say):
// add the field to its SearchKey below, and add a migration that calls
// migrations.Rekey with the new key recipe (the text indexes follow the
// search_key column by themselves: FTS5 triggers, a GIN index).

func (p *Person) setKeys() {
	p.NameKey = rules.Fold(p.Name)
	p.SearchKey = rules.SearchKey(p.Name, p.Email, p.DocumentText())
}

func (v *Vehicle) setKeys() {
	v.BrandKey, v.ColorKey = rules.Fold(v.Brand), rules.Fold(v.Color)
	v.SearchKey = rules.SearchKey(v.Plate, v.Brand, v.Color)
}

func (o *Officer) setKeys() {
	o.NameKey = rules.Fold(o.Name)
	o.SearchKey = rules.SearchKey(o.Name, o.Badge)
}

// Person, Vehicle and Officer are the only models whose rows carry keys.
var (
	_ bun.BeforeAppendModelHook = (*Person)(nil)
	_ bun.BeforeAppendModelHook = (*Vehicle)(nil)
	_ bun.BeforeAppendModelHook = (*Officer)(nil)
)

// writes reports whether q inserts or updates rows.
func writes(q bun.Query) bool {
	switch q.(type) {
	case *bun.InsertQuery, *bun.UpdateQuery:
		return true
	}
	return false
}

// BeforeAppendModel sets the person's keys before it is written.
func (p *Person) BeforeAppendModel(_ context.Context, q bun.Query) error {
	if writes(q) {
		p.setKeys()
	}
	return nil
}

// BeforeAppendModel sets the vehicle's keys before it is written.
func (v *Vehicle) BeforeAppendModel(_ context.Context, q bun.Query) error {
	if writes(q) {
		v.setKeys()
	}
	return nil
}

// BeforeAppendModel sets the officer's keys before it is written.
func (o *Officer) BeforeAppendModel(_ context.Context, q bun.Query) error {
	if writes(q) {
		o.setKeys()
	}
	return nil
}

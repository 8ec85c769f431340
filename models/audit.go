package models

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/uptrace/bun"
)

// Actor kinds in the audit log.
const (
	ActorAdmin   = "admin"
	ActorOfficer = "officer"
	ActorCLI     = "cli"
	ActorSystem  = "system"
	// ActorProvider is the payment provider, through its signed webhook.
	ActorProvider = "provider"
)

// Actor is who did something: an admin, an officer, the CLI or the system.
type Actor struct {
	Kind string
	ID   int64
	Name string
}

// CLIActor is the actor of every write made through the transito command.
var CLIActor = Actor{Kind: ActorCLI, Name: "transito"}

// SystemActor is the actor of writes the server makes on its own (demo data,
// first admin).
var SystemActor = Actor{Kind: ActorSystem, Name: "sistema"}

// newAuditEntry builds an audit entry; detail is stored as JSON.
func newAuditEntry(actor Actor, action, entity string, entityID int64, detail any) AuditEntry {
	t := now()
	e := AuditEntry{
		At: t, ActorKind: actor.Kind, ActorName: actor.Name,
		Action: action, Entity: entity, Detail: "{}",
		CreatedAt: t, UpdatedAt: t,
	}
	if actor.ID != 0 {
		id := actor.ID
		e.ActorID = &id
	}
	if entityID != 0 {
		id := entityID
		e.EntityID = &id
	}
	if detail != nil {
		if b, err := json.Marshal(detail); err == nil {
			e.Detail = string(b)
		}
	}
	return e
}

// audit writes one audit entry with the change it belongs to.
func audit(ctx context.Context, idb bun.IDB, actor Actor, action, entity string, entityID int64, detail any) error {
	e := newAuditEntry(actor, action, entity, entityID, detail)
	if _, err := idb.NewInsert().Model(&e).Exec(ctx); err != nil {
		return fmt.Errorf("models: audit %s %s: %w", action, entity, err)
	}
	return countDates(ctx, idb, countAudit, 0, tallyOf(e.At))
}

// Audit records an event that changes no other table (a login, a failed
// login) under actor.
func (s *Store) Audit(ctx context.Context, actor Actor, action, entity string, entityID int64, detail any) error {
	return audit(ctx, s.writer, actor, action, entity, entityID, detail)
}

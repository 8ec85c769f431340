package models

import (
	"time"

	"github.com/uptrace/bun"

	"transito/models/rules"
)

// Person is someone who owns vehicles. Email is stored lower-cased. NameKey
// and SearchKey are folded keys (see keys.go), set on every insert and update.
type Person struct {
	bun.BaseModel `bun:"table:persons"`
	ID            int64     `bun:",pk,autoincrement"`
	Name          string    `bun:",notnull"`
	Email         string    `bun:",notnull"`
	NameKey       string    `bun:",notnull"`
	SearchKey     string    `bun:",notnull"`
	CreatedAt     time.Time `bun:",notnull"`
	UpdatedAt     time.Time `bun:",notnull"`
}

// Vehicle is a registered vehicle. Plate is normalised (see rules.NormalizePlate).
type Vehicle struct {
	bun.BaseModel `bun:"table:vehicles"`
	ID            int64     `bun:",pk,autoincrement"`
	Plate         string    `bun:",notnull"`
	Brand         string    `bun:",notnull"`
	Color         string    `bun:",notnull"`
	PersonID      int64     `bun:",notnull"`
	BrandKey      string    `bun:",notnull"`
	ColorKey      string    `bun:",notnull"`
	SearchKey     string    `bun:",notnull"`
	CreatedAt     time.Time `bun:",notnull"`
	UpdatedAt     time.Time `bun:",notnull"`

	Person *Person `bun:"rel:belongs-to,join:person_id=id"`
}

// Officer is a police officer. Badge is the "número único identificatorio".
type Officer struct {
	bun.BaseModel `bun:"table:officers"`
	ID            int64     `bun:",pk,autoincrement"`
	Name          string    `bun:",notnull"`
	Badge         string    `bun:",notnull"`
	Active        bool      `bun:",notnull"`
	NameKey       string    `bun:",notnull"`
	SearchKey     string    `bun:",notnull"`
	CreatedAt     time.Time `bun:",notnull"`
	UpdatedAt     time.Time `bun:",notnull"`
}

// OfficerToken is an officer's API token. Only its SHA-256 is stored; Prefix
// (the first characters of the token) lets people tell tokens apart.
type OfficerToken struct {
	bun.BaseModel `bun:"table:officer_tokens"`
	ID            int64      `bun:",pk,autoincrement"`
	OfficerID     int64      `bun:",notnull"`
	TokenHash     string     `bun:",notnull"`
	Prefix        string     `bun:",notnull"`
	LastUsedAt    *time.Time `bun:""`
	RevokedAt     *time.Time `bun:""`
	CreatedAt     time.Time  `bun:",notnull"`
	UpdatedAt     time.Time  `bun:",notnull"`
}

// Infraction statuses.
const (
	StatusValid  = "vigente"
	StatusVoided = "anulada"
)

// Infraction is a traffic infraction. PersonID is the vehicle's owner at the
// time of the infraction: a later sale does not move it.
type Infraction struct {
	bun.BaseModel  `bun:"table:infractions"`
	ID             int64     `bun:",pk,autoincrement"`
	VehicleID      int64     `bun:",notnull"`
	OfficerID      int64     `bun:",notnull"`
	PersonID       int64     `bun:",notnull"`
	OccurredAt     time.Time `bun:",notnull"`
	RecordedAt     time.Time `bun:",notnull"`
	Comments       string    `bun:",notnull"`
	IdempotencyKey *string   `bun:""`
	Status         string    `bun:",notnull"`
	VoidReason     string    `bun:",notnull"`
	CreatedAt      time.Time `bun:",notnull"`
	UpdatedAt      time.Time `bun:",notnull"`

	Vehicle *Vehicle `bun:"rel:belongs-to,join:vehicle_id=id"`
	Officer *Officer `bun:"rel:belongs-to,join:officer_id=id"`
	Person  *Person  `bun:"rel:belongs-to,join:person_id=id"`
}

// Admin is an account of the panel (an "administrador" in the UI's sense:
// every account; Role says what it may do). Only active accounts log in.
type Admin struct {
	bun.BaseModel `bun:"table:admins"`
	ID            int64      `bun:",pk,autoincrement"`
	Username      string     `bun:",notnull"`
	PasswordHash  string     `bun:",notnull"`
	Role          rules.Role `bun:",notnull"`
	Active        bool       `bun:",notnull"`
	LastLoginAt   *time.Time `bun:""`
	CreatedAt     time.Time  `bun:",notnull"`
	UpdatedAt     time.Time  `bun:",notnull"`
}

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	bun.BaseModel `bun:"table:audit_log"`
	ID            int64     `bun:",pk,autoincrement"`
	At            time.Time `bun:",notnull"`
	ActorKind     string    `bun:",notnull"`
	ActorID       *int64    `bun:""`
	ActorName     string    `bun:",notnull"`
	Action        string    `bun:",notnull"`
	Entity        string    `bun:",notnull"`
	EntityID      *int64    `bun:""`
	Detail        string    `bun:",notnull"`
	CreatedAt     time.Time `bun:",notnull"`
	UpdatedAt     time.Time `bun:",notnull"`
}

type setting struct {
	bun.BaseModel `bun:"table:settings"`
	Key           string    `bun:",pk"`
	Value         string    `bun:",notnull"`
	CreatedAt     time.Time `bun:",notnull"`
	UpdatedAt     time.Time `bun:",notnull"`
}

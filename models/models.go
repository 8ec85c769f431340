package models

import (
	"time"

	"github.com/uptrace/bun"

	"transito/models/rules"
)

// Person is someone who owns vehicles. Email is stored lower-cased;
// Document (DNI, CUIT, passport) normalised (rules.NormalizeDocument), nil
// when unknown. NameKey and SearchKey are folded keys (see keys.go), set on
// every insert and update.
type Person struct {
	bun.BaseModel `bun:"table:persons"`
	ID            int64     `bun:",pk,autoincrement"`
	Name          string    `bun:",notnull"`
	Email         string    `bun:",notnull"`
	Document      *string   `bun:"document"`
	NameKey       string    `bun:",notnull"`
	SearchKey     string    `bun:",notnull"`
	CreatedAt     time.Time `bun:",notnull"`
	UpdatedAt     time.Time `bun:",notnull"`
}

// DocumentText is the person's document, "" when unknown.
func (p *Person) DocumentText() string {
	if p.Document == nil {
		return ""
	}
	return *p.Document
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

// Infraction statuses as stored (fines.Status; prescrita is only derived).
const (
	StatusValid    = "vigente"
	StatusDisputed = "en_descargo"
	StatusPaid     = "pagada"
	StatusVoided   = "anulada"
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
	// VoidPublicReason is the annulment's reason as the citizen reads it
	// (VoidReason is the authority's own).
	VoidPublicReason string `bun:",notnull"`
	// The fine: the type, and the copies of its units and points and the
	// amount taken when it was issued (IssuedAt); nil and zero while sin
	// tipificar.
	TypeID      *int64     `bun:"type_id"`
	Units       int        `bun:",notnull"`
	AmountCents int64      `bun:",notnull"`
	Points      int        `bun:",notnull"`
	IssuedAt    *time.Time `bun:"issued_at"`
	// The place: coordinates (both or neither) and a description.
	Latitude  *float64  `bun:"latitude"`
	Longitude *float64  `bun:"longitude"`
	Place     string    `bun:",notnull"`
	CreatedAt time.Time `bun:",notnull"`
	UpdatedAt time.Time `bun:",notnull"`

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

// InfractionType is an entry of the legal catalogue: a code (upper case),
// what it punishes, the article, its severity, its fixed units and the
// licence points. A type in use is deactivated, never deleted.
type InfractionType struct {
	bun.BaseModel `bun:"table:infraction_types"`
	ID            int64     `bun:",pk,autoincrement"`
	Code          string    `bun:",notnull"`
	Description   string    `bun:",notnull"`
	LegalRef      string    `bun:",notnull"`
	Severity      string    `bun:",notnull"`
	Units         int       `bun:",notnull"`
	Points        int       `bun:",notnull"`
	Active        bool      `bun:",notnull"`
	CreatedAt     time.Time `bun:",notnull"`
	UpdatedAt     time.Time `bun:",notnull"`
}

// UnitValue is the money value of one fixed unit from ValidFrom
// (YYYY-MM-DD) on.
type UnitValue struct {
	bun.BaseModel `bun:"table:unit_values"`
	ID            int64     `bun:",pk,autoincrement"`
	ValidFrom     string    `bun:",notnull"`
	Cents         int64     `bun:",notnull"`
	CreatedAt     time.Time `bun:",notnull"`
	UpdatedAt     time.Time `bun:",notnull"`
}

// Payment methods.
const (
	MethodCash     = "efectivo"
	MethodTransfer = "transferencia"
	MethodCard     = "tarjeta"
	MethodGateway  = "pasarela"
)

// Payment is the one payment of a fine. (Method, Reference) is unique;
// Actor names who recorded it.
type Payment struct {
	bun.BaseModel `bun:"table:payments"`
	ID            int64     `bun:",pk,autoincrement"`
	InfractionID  int64     `bun:",notnull"`
	AmountCents   int64     `bun:",notnull"`
	Method        string    `bun:",notnull"`
	Reference     string    `bun:",notnull"`
	PaidAt        time.Time `bun:",notnull"`
	Actor         string    `bun:",notnull"`
	CreatedAt     time.Time `bun:",notnull"`
	UpdatedAt     time.Time `bun:",notnull"`
}

// Dispute is a citizen's descargo of a fine. CreatedAt is when it was
// filed; Reference is the short public code the citizen is given.
type Dispute struct {
	bun.BaseModel `bun:"table:disputes"`
	ID            int64      `bun:",pk,autoincrement"`
	InfractionID  int64      `bun:",notnull"`
	Text          string     `bun:",notnull"`
	ContactEmail  string     `bun:",notnull"`
	Status        string     `bun:",notnull"`
	Resolution    string     `bun:",notnull"`
	ResolvedBy    *int64     `bun:"resolved_by"`
	ResolvedAt    *time.Time `bun:"resolved_at"`
	Reference     string     `bun:",notnull"`
	CreatedAt     time.Time  `bun:",notnull"`
	UpdatedAt     time.Time  `bun:",notnull"`
}

// Attachment sources.
const (
	SourceOfficer = "oficial"
	SourceCitizen = "ciudadano"
	SourceAdmin   = "admin"
)

// Attachment is an evidence photo of an infraction or a document of a
// dispute (exactly one of InfractionID and DisputeID is set), with its
// bytes. SHA256 is hex; (owner, SHA256) is unique.
type Attachment struct {
	bun.BaseModel `bun:"table:attachments"`
	ID            int64     `bun:",pk,autoincrement"`
	InfractionID  *int64    `bun:"infraction_id"`
	DisputeID     *int64    `bun:"dispute_id"`
	SHA256        string    `bun:"sha256,notnull"`
	ContentType   string    `bun:",notnull"`
	Bytes         []byte    `bun:",notnull"`
	Size          int64     `bun:",notnull"`
	Source        string    `bun:",notnull"`
	CreatedAt     time.Time `bun:",notnull"`
	UpdatedAt     time.Time `bun:",notnull"`
}

// Notification kinds.
const (
	NoticeIssued   = "emision"
	NoticePayment  = "pago"
	NoticeDecision = "descargo"
)

// Notification is one mail of the outbox, written in the transaction of
// the event it tells about; SentAt is nil until the mailer sends it.
// MessageID is fixed at creation, so that every retry is the same message.
type Notification struct {
	bun.BaseModel `bun:"table:notifications"`
	ID            int64      `bun:",pk,autoincrement"`
	ToEmail       string     `bun:",notnull"`
	Kind          string     `bun:",notnull"`
	InfractionID  *int64     `bun:"infraction_id"`
	Subject       string     `bun:",notnull"`
	Body          string     `bun:",notnull"`
	MessageID     string     `bun:",notnull"`
	SentAt        *time.Time `bun:"sent_at"`
	Attempts      int        `bun:",notnull"`
	NextAttemptAt time.Time  `bun:",notnull"`
	LastError     string     `bun:",notnull"`
	CreatedAt     time.Time  `bun:",notnull"`
	UpdatedAt     time.Time  `bun:",notnull"`
}

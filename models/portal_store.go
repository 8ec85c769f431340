package models

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"transito/models/rules"
)

// ActorCitizen is a citizen acting through the portal (a descargo, a link).
const ActorCitizen = "citizen"

// CitizenActor is the actor of the portal's writes.
var CitizenActor = Actor{Kind: ActorCitizen, Name: "portal"}

// NoticeAccess is the kind of the mail that carries a one-time link.
const NoticeAccess = "acceso"

// Certificate kinds (DESIGN, Data model).
const (
	CertActa       = "acta"
	CertRecibo     = "recibo"
	CertLibreDeuda = "libre_deuda"
)

// The portal's time limits.
const (
	// AccessLinkTTL is how long a one-time link works.
	AccessLinkTTL = 30 * time.Minute
	// AccessLinkEvery is the least time between two links to one address.
	AccessLinkEvery = 5 * time.Minute
	// LibreDeudaTTL is how long a certificado de libre deuda is valid.
	LibreDeudaTTL = 30 * 24 * time.Hour
)

// Certificate is what a document's QR code points to. Subject is the
// infraction id of an acta or a recibo, the plate of a libre deuda.
type Certificate struct {
	bun.BaseModel `bun:"table:certificates"`
	ID            int64      `bun:",pk,autoincrement"`
	Code          string     `bun:",notnull"`
	Kind          string     `bun:",notnull"`
	Subject       string     `bun:",notnull"`
	IssuedAt      time.Time  `bun:",notnull"`
	ExpiresAt     *time.Time `bun:"expires_at"`
	CreatedAt     time.Time  `bun:",notnull"`
	UpdatedAt     time.Time  `bun:",notnull"`
}

// AccessLink is a one-time link to the portal (only its token's hash).
type AccessLink struct {
	bun.BaseModel `bun:"table:access_links"`
	ID            int64      `bun:",pk,autoincrement"`
	TokenHash     string     `bun:",notnull"`
	Email         string     `bun:",notnull"`
	ExpiresAt     time.Time  `bun:",notnull"`
	UsedAt        *time.Time `bun:"used_at"`
	CreatedAt     time.Time  `bun:",notnull"`
	UpdatedAt     time.Time  `bun:",notnull"`
}

// newCertificateCode is a verification code of 80 random bits, written in
// four groups of four letters and digits (base32): "K7QZ-M2XA-9PLR-W3TB".
func newCertificateCode() string {
	var b [10]byte
	_, _ = rand.Read(b[:])
	s := base32.StdEncoding.EncodeToString(b[:])
	return s[0:4] + "-" + s[4:8] + "-" + s[8:12] + "-" + s[12:16]
}

// NormalizeCertificateCode reads a code as a person may type it: any case,
// with or without its dashes.
func NormalizeCertificateCode(s string) string {
	s = strings.ToUpper(strings.NewReplacer("-", "", " ", "").Replace(strings.TrimSpace(s)))
	if len(s) != 16 {
		return s
	}
	return s[0:4] + "-" + s[4:8] + "-" + s[8:12] + "-" + s[12:16]
}

// ProvePerson returns the person with that e-mail when the proof is good:
// a plate of a vehicle now in their name, or their document. One query
// whatever the e-mail, so that an unknown address and a wrong proof take
// the same time; both are ErrNotFound.
func (s *Store) ProvePerson(ctx context.Context, email, plate, document string) (*Person, error) {
	plate, document = rules.NormalizePlate(plate), rules.NormalizeDocument(document)
	if plate == "" && document == "" {
		plate = "-" // no normalised plate has a dash: matches nothing, costs the same
	}
	p := new(Person)
	err := s.readers.NewSelect().Model(p).Where("email = ?", rules.NormalizeEmail(email)).
		WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Where("document = ?", document).
				WhereOr("EXISTS (SELECT 1 FROM vehicles AS v WHERE v.person_id = person.id AND v.plate = ?)", plate)
		}).Scan(ctx)
	if isNoRows(err) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("models: prove person: %w", err)
	}
	return p, nil
}

// RequestAccessLink sends a one-time link to the portal to email when a
// person has it, through the outbox, in one transaction: the link row and
// its mail. Nothing happens (and no error says so) for an unknown address,
// nor when the address got a link less than AccessLinkEvery ago.
func (s *Store) RequestAccessLink(ctx context.Context, email string) error {
	email = rules.NormalizeEmail(email)
	var b [24]byte
	_, _ = rand.Read(b[:])
	token := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:])
	l := s.Locale()
	return s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		p := new(Person)
		if err := tx.NewSelect().Model(p).Where("email = ?", email).Scan(ctx); err != nil {
			if isNoRows(err) {
				return nil
			}
			return fmt.Errorf("models: access link person: %w", err)
		}
		t := now()
		recent, err := tx.NewSelect().Model((*AccessLink)(nil)).Where("email = ?", email).
			Where("created_at > ?", t.Add(-AccessLinkEvery)).Count(ctx)
		if err != nil {
			return fmt.Errorf("models: access links: %w", err)
		}
		if recent > 0 {
			return nil
		}
		link := &AccessLink{TokenHash: hashToken(token), Email: email, ExpiresAt: t.Add(AccessLinkTTL), CreatedAt: t, UpdatedAt: t}
		if _, err := tx.NewInsert().Model(link).Exec(ctx); err != nil {
			return fmt.Errorf("models: insert access link: %w", err)
		}
		n := l.accessLink(p.Name, token, link.ExpiresAt)
		row := &Notification{ToEmail: email, Kind: n.kind, Subject: n.subject, Body: n.body, MessageID: n.messageID,
			NextAttemptAt: t, CreatedAt: t, UpdatedAt: t}
		if _, err := tx.NewInsert().Model(row).Exec(ctx); err != nil {
			return fmt.Errorf("models: notification: %w", err)
		}
		return audit(ctx, tx, CitizenActor, "access_link", "person", p.ID, map[string]any{"email": email})
	})
}

// accessLink is the mail with a one-time link.
func (l Locale) accessLink(name, token string, expires time.Time) notice {
	var b strings.Builder
	b.WriteString("Hola, " + name + ":\n\n")
	b.WriteString("Pidió un enlace para consultar sus infracciones de tránsito. Ábralo para ver el informe:\n")
	b.WriteString(l.PublicURL + "/consulta?acceso=" + token + "\n\n")
	b.WriteString("El enlace sirve una sola vez y vence el " + l.when(expires) + ". Si no lo pidió, ignore este correo.\n\n")
	b.WriteString("Este correo nunca incluye enlaces de pago: pague solo por los medios que indica el portal.\n\n")
	b.WriteString(l.Authority + "\n")
	return notice{kind: NoticeAccess, subject: "Enlace de acceso a sus infracciones de tránsito", body: b.String(), messageID: l.newMessageID()}
}

// UseAccessLink spends a one-time link: the person it was sent to, once,
// before it expires; ErrNotFound otherwise (unknown, used or expired alike).
func (s *Store) UseAccessLink(ctx context.Context, token string) (*Person, error) {
	if token == "" || len(token) > 100 {
		return nil, ErrNotFound
	}
	var email string
	err := s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		t := now()
		link := new(AccessLink)
		err := tx.NewSelect().Model(link).Where("token_hash = ?", hashToken(token)).Where("used_at IS NULL").
			Where("expires_at > ?", t).Scan(ctx)
		if isNoRows(err) {
			return ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("models: access link: %w", err)
		}
		res, err := tx.NewUpdate().Model(link).Set("used_at = ?", t).Set("updated_at = ?", t).WherePK().Where("used_at IS NULL").Exec(ctx)
		if err != nil {
			return fmt.Errorf("models: use access link: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrNotFound
		}
		email = link.Email
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.PersonByEmail(ctx, email)
}

// DocumentCertificate returns the certificate of an acta or a recibo of an
// infraction, issuing it the first time: a document has one code, so that
// downloading it again prints the same one.
func (s *Store) DocumentCertificate(ctx context.Context, kind string, infractionID int64) (*Certificate, error) {
	subject := strconv.FormatInt(infractionID, 10)
	if c, err := s.certificateWhere(ctx, s.readers, "kind = ? AND subject = ?", kind, subject); err == nil {
		return c, nil
	} else if err != ErrNotFound {
		return nil, err
	}
	t := now()
	c := &Certificate{Code: newCertificateCode(), Kind: kind, Subject: subject, IssuedAt: t, CreatedAt: t, UpdatedAt: t}
	err := s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.NewInsert().Model(c).On("CONFLICT DO NOTHING").Exec(ctx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("models: insert certificate: %w", err)
	}
	return s.certificateWhere(ctx, s.writer, "kind = ? AND subject = ?", kind, subject)
}

// LibreDeuda issues the certificado de libre deuda of a plate at now: a
// *ConflictError saying why while an issued fine of it is unpaid. A
// certificate still valid with no fine issued since is handed out again.
func (s *Store) LibreDeuda(ctx context.Context, plate string, at time.Time) (*Certificate, *VehicleSummary, error) {
	loc := s.Locale().Location
	v, err := s.VehicleByPlate(ctx, plate, at, loc)
	if err != nil {
		return nil, nil, err
	}
	if v.Unpaid > 0 {
		msg := "La patente " + v.Plate + " tiene 1 multa impaga: no se puede emitir el certificado de libre deuda hasta que se pague."
		if v.Unpaid > 1 {
			msg = fmt.Sprintf("La patente %s tiene %d multas impagas: no se puede emitir el certificado de libre deuda hasta que se paguen.", v.Plate, v.Unpaid)
		}
		return nil, nil, &ConflictError{Message: msg}
	}
	var cs []Certificate
	if err := s.readers.NewSelect().Model(&cs).Where("kind = ? AND subject = ?", CertLibreDeuda, v.Plate).
		Where("expires_at > ?", at.UTC()).OrderExpr("issued_at DESC").Limit(1).Scan(ctx); err != nil && !isNoRows(err) {
		return nil, nil, fmt.Errorf("models: libre deuda: %w", err)
	}
	if len(cs) == 1 {
		since, err := s.issuedSince(ctx, v.ID, cs[0].IssuedAt)
		if err != nil {
			return nil, nil, err
		}
		if since == 0 {
			return &cs[0], v, nil
		}
	}
	t := at.UTC().Truncate(time.Microsecond)
	expires := t.Add(LibreDeudaTTL)
	c := &Certificate{Code: newCertificateCode(), Kind: CertLibreDeuda, Subject: v.Plate, IssuedAt: t, ExpiresAt: &expires, CreatedAt: t, UpdatedAt: t}
	if err := s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.NewInsert().Model(c).Exec(ctx)
		return err
	}); err != nil {
		return nil, nil, fmt.Errorf("models: insert certificate: %w", err)
	}
	return c, v, nil
}

func (s *Store) issuedSince(ctx context.Context, vehicleID int64, t time.Time) (int, error) {
	n, err := s.readers.NewSelect().TableExpr("infractions").Where("vehicle_id = ?", vehicleID).
		Where("issued_at > ?", t.UTC()).Count(ctx)
	if err != nil {
		return 0, fmt.Errorf("models: fines issued since: %w", err)
	}
	return int(n), nil
}

// CertificateByCode returns the certificate with a (normalised) code.
func (s *Store) CertificateByCode(ctx context.Context, code string) (*Certificate, error) {
	return s.certificateWhere(ctx, s.readers, "code = ?", NormalizeCertificateCode(code))
}

func (s *Store) certificateWhere(ctx context.Context, idb bun.IDB, where string, args ...any) (*Certificate, error) {
	c := new(Certificate)
	err := idb.NewSelect().Model(c).Where(where, args...).Scan(ctx)
	if isNoRows(err) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("models: certificate: %w", err)
	}
	return c, nil
}

// FinesIssuedSince counts the fines issued to the vehicle with that plate
// after t (for the verification of a libre deuda).
func (s *Store) FinesIssuedSince(ctx context.Context, plate string, t time.Time) (int, error) {
	v := new(Vehicle)
	if err := s.readers.NewSelect().Model(v).Column("id").Where("plate = ?", plate).Scan(ctx); err != nil {
		if isNoRows(err) {
			return 0, nil
		}
		return 0, fmt.Errorf("models: vehicle: %w", err)
	}
	return s.issuedSince(ctx, v.ID, t)
}

// ReportOf returns every infraction charged to the person id, newest
// first, with their descargos (Report, for a person already found).
func (s *Store) ReportOf(ctx context.Context, personID int64) ([]InfractionRow, error) {
	return selectInfractionRows(ctx, s.readers, "i.person_id = ?", personID)
}

// PortalExtras are what the portal shows beside a person's fines: each
// fine's descargos (oldest first) and the ids of its evidence photos.
type PortalExtras struct {
	Disputes map[int64][]Dispute
	Photos   map[int64][]int64
}

// PortalExtrasOf reads the PortalExtras of the person id's fines.
func (s *Store) PortalExtrasOf(ctx context.Context, personID int64) (*PortalExtras, error) {
	x := &PortalExtras{Disputes: map[int64][]Dispute{}, Photos: map[int64][]int64{}}
	var ds []Dispute
	if err := s.readers.NewSelect().Model(&ds).ModelTableExpr("disputes AS d").ColumnExpr("d.*").
		Join("JOIN infractions AS i ON i.id = d.infraction_id").Where("i.person_id = ?", personID).
		OrderExpr("d.id").Scan(ctx); err != nil && !isNoRows(err) {
		return nil, fmt.Errorf("models: disputes of person: %w", err)
	}
	for _, d := range ds {
		x.Disputes[d.InfractionID] = append(x.Disputes[d.InfractionID], d)
	}
	var as []struct {
		ID           int64 `bun:"id"`
		InfractionID int64 `bun:"infraction_id"`
	}
	if err := s.readers.NewSelect().TableExpr("attachments AS a").ColumnExpr("a.id, a.infraction_id").
		Join("JOIN infractions AS i ON i.id = a.infraction_id").Where("i.person_id = ?", personID).
		Where("a.content_type IN (?)", bun.In([]string{rules.TypeJPEG, rules.TypePNG})).
		OrderExpr("a.id").Scan(ctx, &as); err != nil && !isNoRows(err) {
		return nil, fmt.Errorf("models: photos of person: %w", err)
	}
	for _, a := range as {
		x.Photos[a.InfractionID] = append(x.Photos[a.InfractionID], a.ID)
	}
	return x, nil
}

// filed is the mail that confirms a descargo with its reference.
func (l Locale) filed(r *InfractionRow, name string, d *Dispute) notice {
	var b strings.Builder
	b.WriteString("Hola, " + name + ":\n\n")
	b.WriteString("Recibimos su descargo. Su código de referencia es " + d.Reference + ".\n\n")
	l.fineLines(&b, r)
	b.WriteString("\nMientras se resuelve, el importe queda congelado. Le avisaremos la resolución por correo.\n")
	l.portalLines(&b)
	return notice{kind: NoticeDisputeFiled, subject: fmt.Sprintf("Descargo %s recibido — multa n.º %d", d.Reference, r.ID),
		body: b.String(), messageID: l.newMessageID()}
}

// NoticeDisputeFiled is the kind of the mail that confirms a descargo.
const NoticeDisputeFiled = "descargo_recibido"

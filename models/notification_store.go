package models

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"transito/models/fines"
)

// Locale is how the store writes for people: the configured time zone
// (which also dates every fine's issue), the currency shown beside amounts,
// the portal's public address the mails point to, and the authority that
// signs them.
type Locale struct {
	Location  *time.Location
	Currency  string
	PublicURL string
	Authority string
}

// Defaults of a Locale's empty fields (DESIGN, Operations).
const (
	DefaultCurrency  = "ARS"
	DefaultPublicURL = "http://localhost:8000"
	DefaultAuthority = "Dirección de Tránsito"
)

func (l Locale) withDefaults() Locale {
	if l.Location == nil {
		l.Location = time.UTC
	}
	if l.Currency == "" {
		l.Currency = DefaultCurrency
	}
	if l.PublicURL == "" {
		l.PublicURL = DefaultPublicURL
	}
	l.PublicURL = strings.TrimRight(l.PublicURL, "/")
	if l.Authority == "" {
		l.Authority = DefaultAuthority
	}
	return l
}

// SetLocale sets how the store dates fines and writes its mails; the
// server sets it from its configuration before it serves.
func (s *Store) SetLocale(l Locale) {
	l = l.withDefaults()
	s.locale.Store(&l)
}

// Locale is the store's Locale (defaults until SetLocale).
func (s *Store) Locale() Locale {
	if l := s.locale.Load(); l != nil {
		return *l
	}
	return Locale{}.withDefaults()
}

// notice is one mail of the outbox before it is stored.
type notice struct {
	kind, subject, body, messageID string
}

// newMessageID is a Message-ID for a mail from the portal's host, random so
// that replicas never repeat one.
func (l Locale) newMessageID() string {
	host := "transito"
	if u, err := url.Parse(l.PublicURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	var b [12]byte
	_, _ = rand.Read(b[:])
	return "<" + hex.EncodeToString(b[:]) + "@" + host + ">"
}

func (l Locale) when(t time.Time) string { return t.In(l.Location).Format("02/01/2006 15:04") }

func (l Locale) money(cents int64) string { return fines.DisplayAmount(cents, l.Currency) }

// portalLines end every mail: where to see the fine, and the warning that
// a mail never carries a payment link.
func (l Locale) portalLines(b *strings.Builder) {
	b.WriteString("\nVea el detalle, descargue los comprobantes o presente un descargo en el portal:\n")
	b.WriteString(l.PublicURL + "/\n\n")
	b.WriteString("Este correo nunca incluye enlaces de pago: pague solo por los medios que indica el portal.\n\n")
	b.WriteString(l.Authority + "\n")
}

// fineLines describe an infraction: number, plate, date, type and place.
func (l Locale) fineLines(b *strings.Builder, r *InfractionRow) {
	b.WriteString("Infracción n.º " + strconv.FormatInt(r.ID, 10))
	l.fineLinesAfterID(b, r)
}

// fineLinesAfterID are fineLines after the infraction's number.
func (l Locale) fineLinesAfterID(b *strings.Builder, r *InfractionRow) {
	fmt.Fprintf(b, "\nPatente: %s\nFecha: %s\n", r.Plate, l.when(r.OccurredAt))
	if r.Code != "" {
		b.WriteString("Tipo: " + r.Code + " — " + r.Description)
		if r.LegalRef != "" {
			b.WriteString(" (" + r.LegalRef + ")")
		}
		b.WriteByte('\n')
	}
	if r.Place != "" {
		b.WriteString("Lugar: " + r.Place + "\n")
	}
}

// issued is the mail that tells the owner a fine was issued: what, where,
// how much and until when.
func (l Locale) issued(r *InfractionRow, ownerName string, s fines.Settings) notice {
	return l.issuedDraft(r, s).notice(r.ID, ownerName)
}

// issuedDraft is the issued mail without what only the insert knows: the
// infraction's number and its owner's name. The API's requests render it
// before they are queued, so that the single writer only joins the parts.
type issuedDraft struct {
	plate, afterID, messageID string
}

// issuedDraft renders the issued mail of r, whose ID and owner are not
// needed.
func (l Locale) issuedDraft(r *InfractionRow, s fines.Settings) issuedDraft {
	a := fines.Assess(r.Fine(), s, *r.IssuedAt, l.Location)
	var b strings.Builder
	b.Grow(800)
	l.fineLinesAfterID(&b, r)
	b.WriteString("Importe: " + l.money(r.AmountCents) + "\n")
	if a.DiscountUntil != nil && a.ToPay != nil {
		fmt.Fprintf(&b, "Pagando hasta el %s: %s (%d %% de descuento).\n", a.DiscountUntil.Display(), l.money(*a.ToPay), s.DiscountPct)
	}
	if a.DueDate != nil {
		fmt.Fprintf(&b, "Vencimiento: %s", a.DueDate.Display())
		if s.SurchargePct > 0 {
			fmt.Fprintf(&b, "; desde el día siguiente, con %d %% de recargo", s.SurchargePct)
		}
		b.WriteString(".\n")
	}
	l.portalLines(&b)
	return issuedDraft{plate: r.Plate, afterID: b.String(), messageID: l.newMessageID()}
}

// notice is the mail of infraction id to its owner ownerName.
func (d issuedDraft) notice(id int64, ownerName string) notice {
	n := strconv.FormatInt(id, 10)
	return notice{kind: NoticeIssued, subject: "Multa de tránsito n.º " + n + " — patente " + d.plate,
		body: "Hola, " + ownerName + ":\n\nSe emitió una multa de tránsito al vehículo de patente " + d.plate +
			", del que usted es titular.\n\nInfracción n.º " + n + d.afterID,
		messageID: d.messageID}
}

// paid is the mail that confirms a payment.
func (l Locale) paid(r *InfractionRow, ownerName string, p *Payment) notice {
	var b strings.Builder
	b.WriteString("Hola, " + ownerName + ":\n\n")
	b.WriteString("Se registró el pago de una multa de tránsito del vehículo de patente " + r.Plate + ".\n\n")
	l.fineLines(&b, r)
	fmt.Fprintf(&b, "Pagado: %s el %s (%s, referencia %s).\n", l.money(p.AmountCents), l.when(p.PaidAt), p.Method, p.Reference)
	l.portalLines(&b)
	return notice{kind: NoticePayment, subject: fmt.Sprintf("Pago registrado — multa n.º %d, patente %s", r.ID, r.Plate),
		body: b.String(), messageID: l.newMessageID()}
}

// decided is the mail that tells the resolution of a descargo.
func (l Locale) decided(r *InfractionRow, name string, d *Dispute, a fines.Assessment) notice {
	var b strings.Builder
	b.WriteString("Hola, " + name + ":\n\n")
	if d.Status == string(fines.DisputeAccepted) {
		b.WriteString("Su descargo " + d.Reference + " fue aceptado: la multa quedó anulada.\n\n")
	} else {
		b.WriteString("Su descargo " + d.Reference + " fue rechazado: la multa sigue vigente.\n\n")
	}
	l.fineLines(&b, r)
	b.WriteString("\nResolución:\n" + d.Resolution + "\n")
	if d.Status == string(fines.DisputeRejected) && a.ToPay != nil && a.DueDate != nil {
		fmt.Fprintf(&b, "\nA pagar hoy: %s. Vencimiento: %s.\n", l.money(*a.ToPay), a.DueDate.Display())
	}
	l.portalLines(&b)
	return notice{kind: NoticeDecision, subject: fmt.Sprintf("Resolución del descargo %s — multa n.º %d", d.Reference, r.ID),
		body: b.String(), messageID: l.newMessageID()}
}

// insertNotification writes n to the outbox for to, inside the
// transaction of the event.
func insertNotification(ctx context.Context, idb bun.IDB, n notice, to string, infractionID int64) error {
	t := now()
	row := &Notification{ToEmail: to, Kind: n.kind, InfractionID: &infractionID, Subject: n.subject, Body: n.body,
		MessageID: n.messageID, NextAttemptAt: t, CreatedAt: t, UpdatedAt: t}
	if _, err := idb.NewInsert().Model(row).Exec(ctx); err != nil {
		return fmt.Errorf("models: notification: %w", err)
	}
	return nil
}

// The states of a notification, for ListNotifications' estado filter.
const (
	NoticePending = "pendiente" // not sent, not tried yet
	NoticeSent    = "enviada"
	NoticeFailing = "fallida" // tried and failed; waits for its next attempt
)

// NotificationsOf returns the mails about an infraction, oldest first.
func (s *Store) NotificationsOf(ctx context.Context, infractionID int64) ([]Notification, error) {
	var ns []Notification
	if err := s.readers.NewSelect().Model(&ns).Where("infraction_id = ?", infractionID).OrderExpr("id").Scan(ctx); err != nil && !isNoRows(err) {
		return nil, fmt.Errorf("models: notifications: %w", err)
	}
	return ns, nil
}

// ListNotifications returns one page of the outbox, newest first; the
// estado filter is NoticePending, NoticeSent or NoticeFailing.
func (s *Store) ListNotifications(ctx context.Context, q ListQuery) (*Paged[Notification], error) {
	lq := &q
	filter := func(q *bun.SelectQuery) *bun.SelectQuery {
		switch lq.Filter("estado") {
		case NoticePending:
			q = q.Where("n.sent_at IS NULL").Where("n.attempts = 0")
		case NoticeSent:
			q = q.Where("n.sent_at IS NOT NULL")
		case NoticeFailing:
			q = q.Where("n.sent_at IS NULL").Where("n.attempts > 0")
		}
		return q
	}
	count := filter(s.readers.NewSelect().TableExpr("notifications AS n"))
	var rows []Notification
	list := filter(s.readers.NewSelect().Model(&rows).ModelTableExpr("notifications AS n").ColumnExpr("n.*")).OrderExpr("n.id DESC")
	lq.Sort, lq.Desc = "", true
	total, err := s.paginate(ctx, count, list, lq, &rows)
	if err != nil {
		return nil, err
	}
	return pageOf(rows, total, lq), nil
}

// DueNotifications returns at most limit unsent mails whose next attempt is
// due at now, oldest first: the mailer's work.
func (s *Store) DueNotifications(ctx context.Context, now time.Time, limit int) ([]Notification, error) {
	var ns []Notification
	if err := s.readers.NewSelect().Model(&ns).Where("sent_at IS NULL").Where("next_attempt_at <= ?", now.UTC()).
		OrderExpr("next_attempt_at, id").Limit(int64(limit)).Scan(ctx); err != nil && !isNoRows(err) {
		return nil, fmt.Errorf("models: due notifications: %w", err)
	}
	return ns, nil
}

// MarkNotificationSent records that the mail id went out at at.
func (s *Store) MarkNotificationSent(ctx context.Context, id int64, at time.Time) error {
	return s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.NewUpdate().Model((*Notification)(nil)).Set("sent_at = ?", at.UTC()).Set("attempts = attempts + 1").
			Set("last_error = ''").Set("updated_at = ?", now()).Where("id = ?", id).Where("sent_at IS NULL").Exec(ctx)
		return err
	})
}

// MarkNotificationFailed records a failed attempt to send the mail id, its
// error (for the panel) and when to try again.
func (s *Store) MarkNotificationFailed(ctx context.Context, id int64, reason string, next time.Time) error {
	return s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.NewUpdate().Model((*Notification)(nil)).Set("attempts = attempts + 1").Set("last_error = ?", reason).
			Set("next_attempt_at = ?", next.UTC()).Set("updated_at = ?", now()).Where("id = ?", id).Where("sent_at IS NULL").Exec(ctx)
		return err
	})
}

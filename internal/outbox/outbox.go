// Package outbox is the mailer of serve: it sends the notifications the
// store wrote in the transactions of their events (the transactional
// outbox) through a mail relay, and records each result.
//
// A round claims a batch of due rows (models.Store.ClaimNotifications: on
// PostgreSQL FOR UPDATE SKIP LOCKED, so that replicas never take the same
// row; every claim holds its rows for a lease), sends them over one SMTP
// connection, then records the failures one by one, with their error and
// next attempt (exponential backoff), and the ones delivered in one short
// transaction, which in Run also claims the next batch
// (models.Store.MarkSentAndClaim). A process killed mid-round leaves its
// claimed rows to come due again when the lease ends: a mail the relay accepted but that was not
// recorded as sent may go out twice, with the same Message-ID, so that the
// recipient's mail system can tell; a mail recorded as sent never goes out
// again, and none is lost.
package outbox

import (
	"context"
	"errors"
	"html"
	"log/slog"
	"regexp"
	"strings"
	"time"

	"transito/internal/mailer"
	"transito/models"
)

// Sender delivers messages: *mailer.Mailer.
type Sender interface {
	SendBatch(ctx context.Context, msgs []mailer.Message) []error
}

// Config tunes the mailer; zero values take the defaults.
type Config struct {
	From  string        // the sender, TRANSITO_MAIL_FROM
	Batch int           // rows claimed per round (100)
	Lease time.Duration // how long a claim holds its rows (2 min)
	Poll  time.Duration // the pause when nothing was due (1 s)
	// Busy, when set, reports whether the officers' writes are under way
	// (the recorder committed a batch a moment ago). While they are, every
	// round pauses for Poll before it sends: the mailer keeps sending, one
	// batch per Poll, but its claims, marks and SMTP work do not take the
	// writer and the CPU from the POSTs' batches; it catches up when they
	// stop.
	Busy func() bool
	Log  *slog.Logger
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// Backoff bounds of failed attempts: 1 min, doubling, at most 6 h.
const (
	firstRetry = time.Minute
	maxRetry   = 6 * time.Hour
)

// Retry is when to try again after the attempts-th failure (1-based).
func Retry(attempts int) time.Duration {
	d := firstRetry
	for i := 1; i < attempts && d < maxRetry; i++ {
		d *= 2
	}
	return min(d, maxRetry)
}

// Mailer sends the outbox.
type Mailer struct {
	store  *models.Store
	sender Sender
	cfg    Config
}

// New returns a mailer of store's outbox through sender.
func New(store *models.Store, sender Sender, cfg Config) *Mailer {
	if cfg.Batch <= 0 {
		cfg.Batch = 100
	}
	if cfg.Lease <= 0 {
		cfg.Lease = 2 * time.Minute
	}
	if cfg.Poll <= 0 {
		cfg.Poll = time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	return &Mailer{store: store, sender: sender, cfg: cfg}
}

// Run sends the outbox until ctx ends. Each round records the previous
// round's deliveries and claims the next batch in one transaction
// (models.Store.MarkSentAndClaim), then sends it; when nothing was due it
// waits Poll. While Busy says the officers' writes are under way, every
// round waits Poll before it sends, so that the mailer takes the writer
// once per Poll. A batch claimed when ctx ends is not sent: its lease
// keeps it until it comes due again.
func (m *Mailer) Run(ctx context.Context) {
	var sent []int64 // delivered, not yet recorded
	var sentAt time.Time
	for {
		limit := m.cfg.Batch
		if ctx.Err() != nil {
			limit = 0 // stopping: only record
		}
		ns, err := m.store.MarkSentAndClaim(context.WithoutCancel(ctx), sent, sentAt, m.cfg.Now(), limit, m.cfg.Lease)
		if err != nil {
			m.cfg.Log.Warn("mailer: round failed", "err", err)
		} else {
			sent = nil
		}
		if ctx.Err() != nil {
			return
		}
		if len(ns) == 0 || (m.cfg.Busy != nil && m.cfg.Busy()) {
			select {
			case <-ctx.Done():
				continue // records what was sent, then returns
			case <-time.After(m.cfg.Poll):
			}
		}
		if len(ns) > 0 {
			var failed error
			sent, sentAt, failed = m.send(ctx, ns)
			if failed != nil {
				m.cfg.Log.Warn("mailer: round failed", "err", failed)
			}
		}
	}
}

// Round claims the due mails, sends them and records the results; it
// returns how many it claimed.
func (m *Mailer) Round(ctx context.Context) (int, error) {
	ns, err := m.store.ClaimNotifications(ctx, m.cfg.Now(), m.cfg.Batch, m.cfg.Lease)
	if err != nil || len(ns) == 0 {
		return 0, err
	}
	sent, at, failed := m.send(ctx, ns)
	if err := m.store.MarkNotificationsSent(context.WithoutCancel(ctx), sent, at); err != nil {
		failed = errors.Join(failed, err)
	}
	return len(ns), failed
}

// send delivers the claimed mails ns and records each failure with its
// error and next attempt; it returns the ones delivered, and when, for the
// caller to record.
func (m *Mailer) send(ctx context.Context, ns []models.Notification) (sent []int64, at time.Time, failed error) {
	msgs := make([]mailer.Message, len(ns))
	for i := range ns {
		msgs[i] = Message(&ns[i], m.cfg.From)
	}
	// The sending is not cut by ctx: a mail half-sent at shutdown is
	// finished and recorded, within the relay's own timeout.
	errs := m.sender.SendBatch(context.WithoutCancel(ctx), msgs)
	at = m.cfg.Now()
	for i, err := range errs {
		if err == nil {
			sent = append(sent, ns[i].ID)
			continue
		}
		reason := err.Error()
		if mailer.Permanent(err) {
			reason = "rechazado por el servidor de correo: " + reason
		}
		next := at.Add(Retry(ns[i].Attempts + 1))
		if e := m.store.MarkNotificationFailed(context.WithoutCancel(ctx), ns[i].ID, reason, next); e != nil {
			failed = errors.Join(failed, e)
		}
		m.cfg.Log.Warn("mailer: not sent", "notification", ns[i].ID, "attempts", ns[i].Attempts+1, "next", next, "err", err)
	}
	return sent, at, failed
}

// Message is the mail of a notification: its subject and text as stored,
// the HTML alternative composed from the text, and its Message-ID, the same
// on every attempt.
func Message(n *models.Notification, from string) mailer.Message {
	return mailer.Message{MessageID: n.MessageID, From: from, To: n.ToEmail, Subject: n.Subject, Text: n.Body, HTML: HTML(n.Subject, n.Body)}
}

var linkRE = regexp.MustCompile(`https?://[^\s<>"]+`)

// HTML composes the HTML part of a mail from its plain text: one paragraph
// per blank-line-separated block, the lines kept, the portal's addresses as
// links; everything escaped.
func HTML(subject, text string) string {
	var b strings.Builder
	b.Grow(len(text)*2 + 300)
	b.WriteString(`<!DOCTYPE html><html lang="es"><head><meta charset="utf-8"><title>`)
	b.WriteString(html.EscapeString(subject))
	b.WriteString(`</title></head><body style="font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5;color:#0f172a">`)
	for _, para := range strings.Split(strings.TrimSpace(text), "\n\n") {
		b.WriteString("<p>")
		for i, line := range strings.Split(para, "\n") {
			if i > 0 {
				b.WriteString("<br>")
			}
			last := 0
			for _, loc := range linkRE.FindAllStringIndex(line, -1) {
				b.WriteString(html.EscapeString(line[last:loc[0]]))
				u := html.EscapeString(line[loc[0]:loc[1]])
				b.WriteString(`<a href="` + u + `">` + u + `</a>`)
				last = loc[1]
			}
			b.WriteString(html.EscapeString(line[last:]))
		}
		b.WriteString("</p>")
	}
	b.WriteString("</body></html>")
	return b.String()
}

package models

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
	bundialect "github.com/uptrace/bun/dialect"
)

// ClaimNotifications takes at most limit mails due at now for sending and
// holds them for lease: their next attempt moves to now + lease, so that
// neither this mailer nor another replica's takes them again while they
// are being sent. A mailer that dies mid-send leaves them to be retried when
// the lease ends (with the same Message-ID). On PostgreSQL the claim skips
// the rows another replica is claiming (FOR UPDATE SKIP LOCKED); on SQLite
// it is one short transaction of the single writer.
func (s *Store) ClaimNotifications(ctx context.Context, at time.Time, limit int, lease time.Duration) ([]Notification, error) {
	return s.MarkSentAndClaim(ctx, nil, time.Time{}, at, limit, lease)
}

// MarkNotificationsSent records, in one short transaction, that the mails
// ids went out at at.
func (s *Store) MarkNotificationsSent(ctx context.Context, ids []int64, at time.Time) error {
	_, err := s.MarkSentAndClaim(ctx, ids, at, at, 0, 0)
	return err
}

// MarkSentAndClaim records that the mails sent went out at sentAt and claims
// the next ones as ClaimNotifications does (none when limit is 0), in one
// transaction: a mailer's round takes the writer once, not twice.
func (s *Store) MarkSentAndClaim(ctx context.Context, sent []int64, sentAt, at time.Time, limit int, lease time.Duration) ([]Notification, error) {
	if len(sent) == 0 && limit <= 0 {
		return nil, nil
	}
	var ns []Notification
	err := s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if len(sent) > 0 {
			_, err := tx.NewUpdate().Model((*Notification)(nil)).Set("sent_at = ?", sentAt.UTC()).Set("attempts = attempts + 1").
				Set("last_error = ''").Set("updated_at = ?", now()).Where("id IN (?)", bun.In(sent)).Where("sent_at IS NULL").Exec(ctx)
			if err != nil {
				return fmt.Errorf("models: notifications sent: %w", err)
			}
		}
		if limit <= 0 {
			return nil
		}
		sub := tx.NewSelect().Model((*Notification)(nil)).Column("id").Where("sent_at IS NULL").
			Where("next_attempt_at <= ?", at.UTC()).OrderExpr("next_attempt_at, id").Limit(int64(limit))
		if tx.Dialect().Name() == bundialect.PG {
			sub = sub.For("UPDATE SKIP LOCKED")
		}
		err := tx.NewUpdate().Model(&ns).Set("next_attempt_at = ?", at.Add(lease).UTC()).
			Where("id IN (?)", sub).Returning("*").Scan(ctx)
		if err != nil && !isNoRows(err) {
			return fmt.Errorf("models: claim notifications: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ns, nil
}

// NotificationCounts returns how many mails are pending, sent and failing.
func (s *Store) NotificationCounts(ctx context.Context) (map[string]int, error) {
	var rows []struct {
		State string `bun:"state"`
		N     int    `bun:"n"`
	}
	err := s.readers.NewSelect().TableExpr("notifications").
		ColumnExpr("CASE WHEN sent_at IS NOT NULL THEN ? WHEN attempts > 0 THEN ? ELSE ? END AS state", NoticeSent, NoticeFailing, NoticePending).
		ColumnExpr("count(*) AS n").GroupExpr("1").Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("models: notification counts: %w", err)
	}
	out := map[string]int{NoticePending: 0, NoticeSent: 0, NoticeFailing: 0}
	for _, r := range rows {
		out[r.State] = r.N
	}
	return out, nil
}

// Mail is a message to queue in the outbox by itself, not tied to an
// event (a test mail; the benchmarks' load).
type Mail struct {
	To, Kind, Subject, Body string
}

// QueueMails writes mails to the outbox in one transaction, each with its
// own Message-ID.
func (s *Store) QueueMails(ctx context.Context, mails []Mail) error {
	l := s.Locale()
	return s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		t := now()
		rows := make([]Notification, len(mails))
		for i, m := range mails {
			rows[i] = Notification{ToEmail: m.To, Kind: m.Kind, Subject: m.Subject, Body: m.Body, MessageID: l.newMessageID(),
				NextAttemptAt: t, CreatedAt: t, UpdatedAt: t}
		}
		for len(rows) > 0 {
			n := min(len(rows), 500)
			chunk := rows[:n]
			if _, err := tx.NewInsert().Model(&chunk).Exec(ctx); err != nil {
				return fmt.Errorf("models: queue mails: %w", err)
			}
			rows = rows[n:]
		}
		return nil
	})
}

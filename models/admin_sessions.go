package models

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// AdminSession is the server side of a panel session. The cookie carries a
// random id; only its SHA-256 is stored.
type AdminSession struct {
	bun.BaseModel `bun:"table:admin_sessions"`
	ID            int64      `bun:",pk,autoincrement"`
	IDHash        string     `bun:",notnull"`
	AdminID       int64      `bun:",notnull"`
	CreatedAt     time.Time  `bun:",notnull"`
	LastSeenAt    time.Time  `bun:",notnull"`
	RevokedAt     *time.Time `bun:""`
	UpdatedAt     time.Time  `bun:",notnull"`
}

// ErrSessionEnded means a panel session is unknown, logged out, revoked by a
// password change, idle too long or past its maximum age.
var ErrSessionEnded = errors.New("models: admin session ended")

// sessionSeenEvery is how often a session's last_seen_at is written at most.
const sessionSeenEvery = time.Minute

func sessionHash(sessionID string) string {
	h := sha256.Sum256([]byte(sessionID))
	return hex.EncodeToString(h[:])
}

// StartAdminSession records a new session of admin adminID under the
// cookie's random id. Sessions that have ended (revoked, or older than
// maxAge) are deleted on the way.
func (s *Store) StartAdminSession(ctx context.Context, adminID int64, sessionID string, maxAge time.Duration) error {
	t := now()
	return s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewDelete().Model((*AdminSession)(nil)).
			Where("revoked_at IS NOT NULL OR created_at < ?", t.Add(-maxAge)).Exec(ctx); err != nil {
			return fmt.Errorf("models: prune admin sessions: %w", err)
		}
		as := &AdminSession{IDHash: sessionHash(sessionID), AdminID: adminID, CreatedAt: t, LastSeenAt: t, UpdatedAt: t}
		if _, err := tx.NewInsert().Model(as).Exec(ctx); err != nil {
			return fmt.Errorf("models: start admin session: %w", err)
		}
		return nil
	})
}

// CheckAdminSession returns nil when the session with the cookie's id is
// admin adminID's and still open: not revoked, seen within idle, started
// within maxAge. Otherwise ErrSessionEnded. It records the use at most once
// a minute, in the background.
func (s *Store) CheckAdminSession(ctx context.Context, sessionID string, adminID int64, idle, maxAge time.Duration) error {
	as := new(AdminSession)
	err := s.readers.NewSelect().Model(as).Where("id_hash = ?", sessionHash(sessionID)).Scan(ctx)
	if isNoRows(err) {
		return ErrSessionEnded
	}
	if err != nil {
		return fmt.Errorf("models: admin session: %w", err)
	}
	t := now()
	if as.AdminID != adminID || as.RevokedAt != nil || t.Sub(as.CreatedAt) > maxAge || t.Sub(as.LastSeenAt) > idle {
		return ErrSessionEnded
	}
	if t.Sub(as.LastSeenAt) >= sessionSeenEvery {
		s.touchSession(as.ID)
	}
	return nil
}

// touchSession writes a session's last_seen_at in the background, one at a
// time and briefly (it shares the writer with everything else): a request
// never waits for it.
func (s *Store) touchSession(id int64) {
	if !s.touchingSession.CompareAndSwap(false, true) {
		return
	}
	go func() {
		defer s.touchingSession.Store(false)
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		t := now()
		_, _ = s.writer.NewUpdate().Model((*AdminSession)(nil)).Set("last_seen_at = ?", t).Set("updated_at = ?", t).
			Where("id = ?", id).Where("revoked_at IS NULL").Exec(ctx)
	}()
}

// EndAdminSession ends the session with the cookie's id for good (logout).
func (s *Store) EndAdminSession(ctx context.Context, sessionID string) error {
	t := now()
	return s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewUpdate().Model((*AdminSession)(nil)).Set("revoked_at = ?", t).Set("updated_at = ?", t).
			Where("id_hash = ?", sessionHash(sessionID)).Where("revoked_at IS NULL").Exec(ctx); err != nil {
			return fmt.Errorf("models: end admin session: %w", err)
		}
		return nil
	})
}

// revokeAdminSessions ends every session of admin adminID inside tx (a
// password change).
func revokeAdminSessions(ctx context.Context, tx bun.Tx, adminID int64) error {
	t := now()
	if _, err := tx.NewUpdate().Model((*AdminSession)(nil)).Set("revoked_at = ?", t).Set("updated_at = ?", t).
		Where("admin_id = ?", adminID).Where("revoked_at IS NULL").Exec(ctx); err != nil {
		return fmt.Errorf("models: revoke admin sessions: %w", err)
	}
	return nil
}

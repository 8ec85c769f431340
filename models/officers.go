package models

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/uptrace/bun"

	"transito/models/rules"
)

// TokenPrefix starts every officer token, so that a leaked one is easy to
// recognise (and to scan for).
const TokenPrefix = "trn_"

// tokenCacheTTL bounds how long a revoked or rotated token, or a deactivated
// officer, may still be accepted by a running server: the CLI may change them
// from another process.
const tokenCacheTTL = 2 * time.Second

// lastUsedEvery is how often a token's last_used_at is written at most.
const lastUsedEvery = time.Minute

// OfficerAuth is who a valid token belongs to.
type OfficerAuth struct {
	OfficerID int64
	TokenID   int64
	Name      string
	Badge     string
	Active    bool
}

// CreateOfficer adds an officer (active unless in.Active is false and the
// caller says so) and returns it.
func (s *Store) CreateOfficer(ctx context.Context, in rules.OfficerInput, actor Actor) (*Officer, error) {
	if fe := in.Clean(); len(fe) > 0 {
		if err := s.officerTaken(ctx, 0, in, fe); err != nil {
			return nil, err
		}
		return nil, fe
	}
	t := now()
	o := &Officer{Name: in.Name, Badge: in.Badge, Active: in.Active, CreatedAt: t, UpdatedAt: t}
	err := s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewInsert().Model(o).Exec(ctx); err != nil {
			if isUniqueViolation(err) {
				return badgeConflict(in.Badge)
			}
			return fmt.Errorf("models: insert officer: %w", err)
		}
		return audit(ctx, tx, actor, "create", "officer", o.ID, in)
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// OfficerByBadge finds an officer by badge (case-insensitive).
func (s *Store) OfficerByBadge(ctx context.Context, badge string) (*Officer, error) {
	o := new(Officer)
	err := s.readers.NewSelect().Model(o).Where("badge = ?", rules.NormalizeBadge(badge)).Scan(ctx)
	if isNoRows(err) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("models: officer by badge: %w", err)
	}
	return o, nil
}

// IssueToken creates a new API token for the officer, revoking the previous
// one, and returns the token. Only its SHA-256 is stored: this is the one
// time it can be shown.
func (s *Store) IssueToken(ctx context.Context, officerID int64, actor Actor) (string, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", fmt.Errorf("models: token: %w", err)
	}
	token := TokenPrefix + base64.RawURLEncoding.EncodeToString(raw)
	t := now()
	tok := &OfficerToken{
		OfficerID: officerID, TokenHash: hashToken(token), Prefix: token[:len(TokenPrefix)+6],
		CreatedAt: t, UpdatedAt: t,
	}
	err := s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		exists, err := tx.NewSelect().Model((*Officer)(nil)).Where("id = ?", officerID).Exists(ctx)
		if err != nil {
			return fmt.Errorf("models: token: %w", err)
		}
		if !exists {
			return ErrNotFound
		}
		if _, err := revokeTokens(ctx, tx, officerID, t); err != nil {
			return err
		}
		if _, err := tx.NewInsert().Model(tok).Exec(ctx); err != nil {
			return fmt.Errorf("models: insert token: %w", err)
		}
		return audit(ctx, tx, actor, "token.issue", "officer", officerID, map[string]string{"prefijo": tok.Prefix})
	})
	if err != nil {
		return "", err
	}
	s.tokens.clear()
	return token, nil
}

// RevokeToken revokes the officer's current token. It returns ErrNotFound
// when the officer had none.
func (s *Store) RevokeToken(ctx context.Context, officerID int64, actor Actor) error {
	err := s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		n, err := revokeTokens(ctx, tx, officerID, now())
		if err != nil {
			return err
		}
		if n == 0 {
			return ErrNotFound
		}
		return audit(ctx, tx, actor, "token.revoke", "officer", officerID, nil)
	})
	s.tokens.clear()
	return err
}

func revokeTokens(ctx context.Context, tx bun.Tx, officerID int64, t time.Time) (int64, error) {
	res, err := tx.NewUpdate().Model((*OfficerToken)(nil)).
		Set("revoked_at = ?", t).Set("updated_at = ?", t).
		Where("officer_id = ?", officerID).Where("revoked_at IS NULL").
		Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("models: revoke tokens: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("models: revoke tokens: %w", err)
	}
	return n, nil
}

// SetOfficerActive activates or deactivates an officer. An inactive
// officer's token is refused by the API (it is kept, and works again on
// activation).
func (s *Store) SetOfficerActive(ctx context.Context, officerID int64, active bool, actor Actor) error {
	err := s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		return setOfficerActive(ctx, tx, officerID, active, actor)
	})
	s.tokens.clear()
	return err
}

// SetOfficersActive activates or deactivates the officers ids, all or none:
// in one transaction, each audited as SetOfficerActive audits one; an
// officer already in that state is left as it is. When one of them does
// not exist nothing changes and the error (an *OfficerError) names it.
// changed is how many changed.
func (s *Store) SetOfficersActive(ctx context.Context, ids []int64, active bool, actor Actor) (changed int, err error) {
	err = s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		changed = 0
		for _, id := range ids {
			o := new(Officer)
			if err := tx.NewSelect().Model(o).Where("id = ?", id).Scan(ctx); err != nil {
				if isNoRows(err) {
					return &OfficerError{ID: id, Err: ErrNotFound}
				}
				return fmt.Errorf("models: officer: %w", err)
			}
			if o.Active == active {
				continue
			}
			if err := setOfficerActive(ctx, tx, id, active, actor); err != nil {
				return &OfficerError{ID: id, Err: err}
			}
			changed++
		}
		return nil
	})
	s.tokens.clear()
	if err != nil {
		return 0, err
	}
	return changed, nil
}

// OfficerError says which officer of several kept them all from changing.
type OfficerError struct {
	ID  int64
	Err error
}

func (e *OfficerError) Error() string { return fmt.Sprintf("oficial n.º %d: %v", e.ID, e.Err) }

func (e *OfficerError) Unwrap() error { return e.Err }

func setOfficerActive(ctx context.Context, tx bun.Tx, officerID int64, active bool, actor Actor) error {
	res, err := tx.NewUpdate().Model((*Officer)(nil)).
		Set("active = ?", active).Set("updated_at = ?", now()).
		Where("id = ?", officerID).Exec(ctx)
	if err != nil {
		return fmt.Errorf("models: set officer active: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	action := "deactivate"
	if active {
		action = "activate"
	}
	return audit(ctx, tx, actor, action, "officer", officerID, nil)
}

// OfficersByIDs returns the officers ids that exist, in the order of ids.
func (s *Store) OfficersByIDs(ctx context.Context, ids []int64) ([]Officer, error) {
	var found []Officer
	if len(ids) > 0 {
		if err := s.readers.NewSelect().Model(&found).Where("id IN (?)", bun.In(ids)).Scan(ctx); err != nil {
			return nil, fmt.Errorf("models: officers: %w", err)
		}
	}
	byID := make(map[int64]Officer, len(found))
	for _, o := range found {
		byID[o.ID] = o
	}
	out := make([]Officer, 0, len(found))
	for _, id := range ids {
		if o, ok := byID[id]; ok {
			out = append(out, o)
		}
	}
	return out, nil
}

// hashToken is the stored form of a token: hex SHA-256.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Authenticate returns the officer a token belongs to: ErrUnauthorized when
// the token is unknown or revoked, ErrInactive (with the officer) when the
// officer is inactive. Answers are cached for at most tokenCacheTTL.
func (s *Store) Authenticate(ctx context.Context, token string) (*OfficerAuth, error) {
	if !strings.HasPrefix(token, TokenPrefix) || len(token) > 128 {
		return nil, ErrUnauthorized
	}
	hash := hashToken(token)
	t := time.Now()
	e, ok := s.tokens.get(hash, t)
	if !ok {
		var err error
		e, err = s.loadToken(ctx, hash, t)
		if err != nil {
			return nil, err
		}
		s.tokens.put(hash, e)
	}
	if e.auth == nil {
		return nil, ErrUnauthorized
	}
	if !e.auth.Active {
		return e.auth, ErrInactive
	}
	return e.auth, nil
}

func (s *Store) loadToken(ctx context.Context, hash string, t time.Time) (tokenEntry, error) {
	var row struct {
		TokenID    int64      `bun:"token_id"`
		OfficerID  int64      `bun:"officer_id"`
		Name       string     `bun:"name"`
		Badge      string     `bun:"badge"`
		Active     bool       `bun:"active"`
		LastUsedAt *time.Time `bun:"last_used_at"`
	}
	err := s.readers.NewSelect().
		ColumnExpr("t.id AS token_id, t.officer_id, o.name, o.badge, o.active, t.last_used_at").
		TableExpr("officer_tokens AS t").
		Join("JOIN officers AS o ON o.id = t.officer_id").
		Where("t.token_hash = ?", hash).Where("t.revoked_at IS NULL").
		Scan(ctx, &row)
	if isNoRows(err) {
		return tokenEntry{at: t}, nil
	}
	if err != nil {
		return tokenEntry{}, fmt.Errorf("models: authenticate: %w", err)
	}
	if row.Active && (row.LastUsedAt == nil || t.Sub(*row.LastUsedAt) > lastUsedEvery) {
		s.touchToken(row.TokenID)
	}
	return tokenEntry{at: t, auth: &OfficerAuth{
		OfficerID: row.OfficerID, TokenID: row.TokenID, Name: row.Name, Badge: row.Badge, Active: row.Active,
	}}, nil
}

// touchToken records that a token was used, in the background: a request
// never waits for it.
func (s *Store) touchToken(tokenID int64) {
	// One at a time and briefly: the update shares the single writer
	// connection with the API's batches, and must never hold it through a
	// long wait for a lock held by another process.
	if !s.touching.CompareAndSwap(false, true) {
		return
	}
	go func() {
		defer s.touching.Store(false)
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_, _ = s.writer.NewUpdate().Model((*OfficerToken)(nil)).
			Set("last_used_at = ?", now()).Where("id = ?", tokenID).Exec(ctx)
	}()
}

type tokenEntry struct {
	at   time.Time
	auth *OfficerAuth // nil: unknown or revoked
}

// tokenCache remembers recent token look-ups for tokenCacheTTL.
type tokenCache struct {
	mu sync.RWMutex
	m  map[string]tokenEntry
}

func (c *tokenCache) get(hash string, t time.Time) (tokenEntry, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e, ok := c.m[hash]
	if !ok || t.Sub(e.at) > tokenCacheTTL {
		return tokenEntry{}, false
	}
	return e, true
}

func (c *tokenCache) put(hash string, e tokenEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) > 10000 {
		c.m = make(map[string]tokenEntry)
	}
	c.m[hash] = e
}

func (c *tokenCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m = nil
}

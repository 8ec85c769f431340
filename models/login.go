package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/uptrace/bun"
	"golang.org/x/crypto/bcrypt"
)

// Login throttling: after MaxLoginFailures failed attempts for one username
// from one client within LoginLockout, further attempts are refused until
// LoginLockout has passed since the last failure. Failures live in the
// database, so the count survives restarts and is shared between replicas.
const (
	MaxLoginFailures = 5
	LoginLockout     = 15 * time.Minute
)

// ErrBadCredentials means the username or the password is wrong.
var ErrBadCredentials = errors.New("models: bad credentials")

// ErrAccountDisabled means the username and the password were right but the
// account is deactivated.
var ErrAccountDisabled = errors.New("models: account disabled")

// ThrottledError means a login was refused without checking the password.
type ThrottledError struct{ Until time.Time }

func (e *ThrottledError) Error() string {
	return "models: login throttled until " + e.Until.Format(time.RFC3339)
}

type loginFailure struct {
	bun.BaseModel `bun:"table:login_failures"`
	ID            int64     `bun:",pk,autoincrement"`
	Username      string    `bun:",notnull"`
	Client        string    `bun:",notnull"`
	At            time.Time `bun:",notnull"`
	CreatedAt     time.Time `bun:",notnull"`
	UpdatedAt     time.Time `bun:",notnull"`
}

// dummyHash is compared against when the username does not exist, so that
// the answer takes as long as for a real user.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("transito-dummy-password"), BcryptCost)

// loginName normalises a typed username for the look-up, the throttle and
// the audit log. Invalid UTF-8 and control characters (which no username has,
// and a NUL breaks the SQL text) become U+FFFD, so the name still matches
// nobody; it is cut to 100 characters.
func loginName(s string) string {
	s = strings.ToValidUTF8(strings.ToLower(strings.TrimSpace(s)), "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return '\uFFFD'
		}
		return r
	}, s)
	if r := []rune(s); len(r) > 100 {
		s = string(r[:100])
	}
	return s
}

// Login checks an administrator's credentials. client identifies where the
// attempt came from (the client IP). It returns *ThrottledError while the
// username is locked for that client, ErrBadCredentials on a wrong username
// or password (the attempt was counted before the comparison), and the
// admin on success (rotating nothing: the session is the caller's). A right
// password for a deactivated account is ErrAccountDisabled, and counts as a
// failed attempt.
func (s *Store) Login(ctx context.Context, username, password, client string) (*Admin, error) {
	username = loginName(username)
	t := now()
	// The attempt is counted as a failure before any password is compared,
	// in one write transaction per username and client (SQLite's single
	// writer; an advisory lock on PostgreSQL, shared by the replicas): of
	// parallel guesses at most MaxLoginFailures get that far. A success
	// clears the count.
	var until time.Time
	err := s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := s.dialect.lockLoginAttempts(ctx, tx, username+" "+client); err != nil {
			return err
		}
		var fails []loginFailure
		if err := tx.NewSelect().Model(&fails).
			Where("username = ?", username).Where("client = ?", client).Where("at > ?", t.Add(-LoginLockout)).
			OrderExpr("at DESC").Limit(MaxLoginFailures).Scan(ctx); err != nil {
			return fmt.Errorf("models: login failures: %w", err)
		}
		if len(fails) >= MaxLoginFailures {
			until = fails[0].At.Add(LoginLockout)
			return nil
		}
		f := &loginFailure{Username: username, Client: client, At: t, CreatedAt: t, UpdatedAt: t}
		if _, err := tx.NewInsert().Model(f).Exec(ctx); err != nil {
			return fmt.Errorf("models: record login attempt: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if !until.IsZero() {
		return nil, &ThrottledError{Until: until}
	}
	a := new(Admin)
	err = s.writer.NewSelect().Model(a).Where("username = ?", username).Scan(ctx)
	if err != nil && !isNoRows(err) {
		return nil, fmt.Errorf("models: login: %w", err)
	}
	found := err == nil
	hash := dummyHash
	if found {
		hash = []byte(a.PasswordHash)
	}
	right := bcrypt.CompareHashAndPassword(hash, []byte(password)) == nil && found
	if !right || !a.Active {
		refused := ErrBadCredentials
		detail := map[string]string{"cliente": client}
		if right {
			refused, detail["motivo"] = ErrAccountDisabled, "cuenta desactivada"
		}
		err := s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
			if _, err := tx.NewDelete().Model((*loginFailure)(nil)).Where("at < ?", t.Add(-24*time.Hour)).Exec(ctx); err != nil {
				return fmt.Errorf("models: prune login failures: %w", err)
			}
			var id int64
			if found {
				id = a.ID
			}
			return audit(ctx, tx, Actor{Kind: ActorAdmin, Name: username}, "login.failed", "admin", id, detail)
		})
		if err != nil {
			return nil, err
		}
		return nil, refused
	}
	err = s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewDelete().Model((*loginFailure)(nil)).
			Where("username = ?", username).Where("client = ?", client).Exec(ctx); err != nil {
			return fmt.Errorf("models: clear login failures: %w", err)
		}
		if _, err := tx.NewUpdate().Model(a).Set("last_login_at = ?", t).WherePK().Exec(ctx); err != nil {
			return fmt.Errorf("models: last login: %w", err)
		}
		return audit(ctx, tx, Actor{Kind: ActorAdmin, ID: a.ID, Name: a.Username}, "login", "admin", a.ID, map[string]string{"cliente": client})
	})
	if err != nil {
		return nil, err
	}
	a.LastLoginAt = &t
	return a, nil
}

// LoginThrottled reports until when username is refused logins from at
// least one client (the zero time when it is not), and from how many.
func (s *Store) LoginThrottled(ctx context.Context, username string) (until time.Time, clients int, err error) {
	var rows []struct {
		Client string    `bun:"client"`
		N      int       `bun:"n"`
		Last   time.Time `bun:"last"`
	}
	err = s.readers.NewSelect().Model((*loginFailure)(nil)).
		ColumnExpr("client, count(*) AS n, max(at) AS last").
		Where("username = ?", loginName(username)).Where("at > ?", now().Add(-LoginLockout)).
		GroupExpr("client").Scan(ctx, &rows)
	if err != nil {
		return time.Time{}, 0, fmt.Errorf("models: login throttle: %w", err)
	}
	for _, r := range rows {
		if r.N < MaxLoginFailures {
			continue
		}
		clients++
		if u := r.Last.Add(LoginLockout); u.After(until) {
			until = u
		}
	}
	return until, clients, nil
}

// UnlockLogin forgets the failed logins of account id from every client,
// so that it may log in again at once. It returns how many it forgot.
func (s *Store) UnlockLogin(ctx context.Context, id int64, actor Actor) (int, error) {
	var n int64
	err := s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		a := new(Admin)
		if err := tx.NewSelect().Model(a).Column("id", "username").Where("id = ?", id).Scan(ctx); err != nil {
			if isNoRows(err) {
				return ErrNotFound
			}
			return fmt.Errorf("models: admin: %w", err)
		}
		res, err := tx.NewDelete().Model((*loginFailure)(nil)).Where("username = ?", a.Username).Exec(ctx)
		if err != nil {
			return fmt.Errorf("models: unlock login: %w", err)
		}
		n, _ = res.RowsAffected()
		return audit(ctx, tx, actor, "unlock", "admin", id, map[string]int64{"intentos_borrados": n})
	})
	return int(n), err
}

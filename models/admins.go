package models

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/uptrace/bun"
	"golang.org/x/crypto/bcrypt"

	"transito/models/rules"
)

// BcryptCost is the work factor of stored admin passwords.
const BcryptCost = 12

// CreateAdmin adds an account of the panel with a bcrypt-hashed password.
// Its role is in.Role, or RoleOperador when none is given; the first account
// of all is always a RoleAdministrador, so that someone can manage the rest.
func (s *Store) CreateAdmin(ctx context.Context, in rules.AdminInput, actor Actor) (*Admin, error) {
	if fe := in.Clean(); len(fe) > 0 {
		if err := s.adminTaken(ctx, in, fe); err != nil {
			return nil, err
		}
		return nil, fe
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(in.Password), BcryptCost)
	if err != nil {
		return nil, fmt.Errorf("models: hash password: %w", err)
	}
	t := now()
	a := &Admin{Username: in.Username, PasswordHash: string(hash), Role: in.Role, Active: true, CreatedAt: t, UpdatedAt: t}
	err = s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		n, err := tx.NewSelect().Model((*Admin)(nil)).Count(ctx)
		if err != nil {
			return fmt.Errorf("models: count admins: %w", err)
		}
		switch {
		case n == 0:
			a.Role = rules.RoleAdministrador
		case a.Role == "":
			a.Role = rules.RoleOperador
		}
		if _, err := tx.NewInsert().Model(a).Exec(ctx); err != nil {
			if isUniqueViolation(err) {
				return usernameConflict(in.Username)
			}
			return fmt.Errorf("models: insert admin: %w", err)
		}
		return audit(ctx, tx, actor, "create", "admin", a.ID, map[string]string{"usuario": a.Username, "rol": string(a.Role)})
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

func usernameConflict(username string) *ConflictError {
	return &ConflictError{Field: rules.FieldUsername, Message: "ya existe un administrador «" + username + "»"}
}

// EnsureFirstAdmin creates the admin "admin" when there is no administrator
// at all. With an empty password it generates one. It returns the password
// it set, or "" when an admin already existed.
func (s *Store) EnsureFirstAdmin(ctx context.Context, password string) (string, error) {
	n, err := s.writer.NewSelect().Model((*Admin)(nil)).Count(ctx)
	if err != nil {
		return "", fmt.Errorf("models: count admins: %w", err)
	}
	if n > 0 {
		return "", nil
	}
	if password == "" {
		b := make([]byte, 12)
		if _, err := rand.Read(b); err != nil {
			return "", fmt.Errorf("models: password: %w", err)
		}
		password = base64.RawURLEncoding.EncodeToString(b)
	}
	if _, err := s.CreateAdmin(ctx, rules.AdminInput{Username: "admin", Password: password, Role: rules.RoleAdministrador}, SystemActor); err != nil {
		var ce *ConflictError
		if errors.As(err, &ce) {
			return "", nil // another replica starting at the same time created it
		}
		return "", err
	}
	return password, nil
}

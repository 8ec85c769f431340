package models

import (
	"context"
	"fmt"
	"strings"

	"github.com/uptrace/bun"
	"golang.org/x/crypto/bcrypt"
)

var adminSorts = sortTable{
	"usuario": {"a.username"},
	"acceso":  {"a.last_login_at", "a.id"},
	"creado":  {"a.id"},
}

// ListAdmins returns one page of administrators; q matches the username.
func (s *Store) ListAdmins(ctx context.Context, lq *ListQuery) (*Paged[Admin], error) {
	filter := func(q *bun.SelectQuery) *bun.SelectQuery {
		if t := strings.TrimSpace(lq.Q); t != "" {
			q = q.Where(`a.username LIKE ? ESCAPE '\'`, likePattern(t))
		}
		return q
	}
	count := filter(s.rdb.NewSelect().TableExpr("admins AS a"))
	var rows []Admin
	list := filter(s.rdb.NewSelect().Model(&rows).ModelTableExpr("admins AS a").ColumnExpr("a.*"))
	adminSorts.apply(list, lq, "usuario")
	total, err := s.paginate(ctx, count, list, lq, &rows)
	if err != nil {
		return nil, err
	}
	return &Paged[Admin]{Items: rows, Total: total, Page: lq.Page, PerPage: lq.PerPage}, nil
}

// AdminByID returns one administrator.
func (s *Store) AdminByID(ctx context.Context, id int64) (*Admin, error) {
	a := new(Admin)
	err := s.rdb.NewSelect().Model(a).Where("id = ?", id).Scan(ctx)
	if isNoRows(err) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("models: admin: %w", err)
	}
	return a, nil
}

// ChangePassword sets a new password for admin id after checking the
// current one, and ends every session of that admin. Errors are FieldErrors
// on clave_actual or clave.
func (s *Store) ChangePassword(ctx context.Context, id int64, current, next string, actor Actor) error {
	a := new(Admin)
	if err := s.db.NewSelect().Model(a).Where("id = ?", id).Scan(ctx); err != nil {
		if isNoRows(err) {
			return ErrNotFound
		}
		return fmt.Errorf("models: admin: %w", err)
	}
	if bcrypt.CompareHashAndPassword([]byte(a.PasswordHash), []byte(current)) != nil {
		return FieldErrors{"clave_actual": "la contraseña actual no es correcta"}
	}
	if msg := CheckPassword(next); msg != "" {
		return FieldErrors{"clave": msg}
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(next), BcryptCost)
	if err != nil {
		return fmt.Errorf("models: hash password: %w", err)
	}
	return s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewUpdate().Model(a).Set("password_hash = ?", string(hash)).Set("updated_at = ?", now()).
			WherePK().Exec(ctx); err != nil {
			return fmt.Errorf("models: change password: %w", err)
		}
		if err := revokeAdminSessions(ctx, tx, id); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "password.change", "admin", id, nil)
	})
}

// DeleteAdmin deletes another administrator; the last one and oneself are
// refused with a *ConflictError.
func (s *Store) DeleteAdmin(ctx context.Context, id int64, actor Actor) error {
	if actor.Kind == ActorAdmin && actor.ID == id {
		return &ConflictError{Message: "No puede eliminar su propia cuenta."}
	}
	return s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		a := new(Admin)
		if err := tx.NewSelect().Model(a).Where("id = ?", id).Scan(ctx); err != nil {
			if isNoRows(err) {
				return ErrNotFound
			}
			return fmt.Errorf("models: admin: %w", err)
		}
		n, err := tx.NewSelect().Model((*Admin)(nil)).Count(ctx)
		if err != nil {
			return fmt.Errorf("models: count admins: %w", err)
		}
		if n <= 1 {
			return &ConflictError{Message: "Es el único administrador: cree otro antes de eliminarlo."}
		}
		if _, err := tx.NewDelete().Model((*AdminSession)(nil)).Where("admin_id = ?", id).Exec(ctx); err != nil {
			return fmt.Errorf("models: delete admin sessions: %w", err)
		}
		if _, err := tx.NewDelete().Model(a).WherePK().Exec(ctx); err != nil {
			return fmt.Errorf("models: delete admin: %w", err)
		}
		return audit(ctx, tx, actor, "delete", "admin", id, map[string]string{"usuario": a.Username})
	})
}

package models

import (
	"context"
	"fmt"
	"strings"

	"github.com/uptrace/bun"
	"golang.org/x/crypto/bcrypt"

	"transito/models/rules"
)

var adminSorts = sortTable{
	"usuario": {"a.username"},
	"acceso":  {"a.last_login_at", "a.id"},
	"creado":  {"a.id"},
}

// ListAdmins returns one page of administrators; q matches the username.
func (s *Store) ListAdmins(ctx context.Context, q ListQuery) (*Paged[Admin], error) {
	lq := &q
	filter := func(q *bun.SelectQuery) *bun.SelectQuery { return filterAdmins(q, lq) }
	count := filter(s.readers.NewSelect().TableExpr("admins AS a"))
	var rows []Admin
	list := filter(s.readers.NewSelect().Model(&rows).ModelTableExpr("admins AS a").ColumnExpr("a.*"))
	adminSorts.apply(list, lq, "usuario")
	total, err := s.paginate(ctx, count, list, lq, &rows)
	if err != nil {
		return nil, err
	}
	return pageOf(rows, total, lq), nil
}

// filterAdmins keeps the administrators whose username contains q.
func filterAdmins(q *bun.SelectQuery, lq *ListQuery) *bun.SelectQuery {
	if t := strings.TrimSpace(lq.Q); t != "" {
		q = q.Where(`a.username LIKE ? ESCAPE '\'`, likePattern(t))
	}
	return q
}

// AdminByID returns one administrator.
func (s *Store) AdminByID(ctx context.Context, id int64) (*Admin, error) {
	a := new(Admin)
	err := s.readers.NewSelect().Model(a).Where("id = ?", id).Scan(ctx)
	if isNoRows(err) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("models: admin: %w", err)
	}
	return a, nil
}

// ChangePassword sets a new password for admin id after checking the
// current one, and ends every session of that admin. Errors are
// rules.FieldErrors on clave_actual or clave.
func (s *Store) ChangePassword(ctx context.Context, id int64, current, next string, actor Actor) error {
	a := new(Admin)
	if err := s.writer.NewSelect().Model(a).Where("id = ?", id).Scan(ctx); err != nil {
		if isNoRows(err) {
			return ErrNotFound
		}
		return fmt.Errorf("models: admin: %w", err)
	}
	if bcrypt.CompareHashAndPassword([]byte(a.PasswordHash), []byte(current)) != nil {
		return rules.FieldErrors{rules.FieldCurrentPassword: "la contraseña actual no es correcta"}
	}
	if msg := rules.CheckPassword(next); msg != "" {
		return rules.FieldErrors{rules.FieldPassword: msg}
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

// AdminDependents explains what keeps actor from deleting administrator
// id: it is actor's own account, or the last one; "" when nothing does.
func (s *Store) AdminDependents(ctx context.Context, id int64, actor Actor) (string, error) {
	if msg := selfDelete(id, actor); msg != "" {
		return msg, nil
	}
	return adminDependents(ctx, s.readers, id)
}

// selfDelete refuses an administrator's deletion of their own account.
func selfDelete(id int64, actor Actor) string {
	if actor.Kind == ActorAdmin && actor.ID == id {
		return "No puede eliminar su propia cuenta."
	}
	return ""
}

func adminDependents(ctx context.Context, idb bun.IDB, id int64) (string, error) {
	n, err := idb.NewSelect().Model((*Admin)(nil)).Count(ctx)
	if err != nil {
		return "", fmt.Errorf("models: count admins: %w", err)
	}
	if n <= 1 {
		return "Es el único administrador: cree otro antes de eliminarlo.", nil
	}
	return "", nil
}

var adminDeletion = deletion[Admin]{
	entity: "admin", dependents: adminDependents,
	cascade: func(ctx context.Context, tx bun.Tx, id int64) error {
		if _, err := tx.NewDelete().Model((*AdminSession)(nil)).Where("admin_id = ?", id).Exec(ctx); err != nil {
			return fmt.Errorf("models: delete admin sessions: %w", err)
		}
		return nil
	},
	restricted: "El administrador tiene registros que dependen de él.",
	detail:     func(a *Admin) any { return map[string]string{"usuario": a.Username} },
}

// DeleteAdmin deletes another administrator; the last one and oneself are
// refused with a *ConflictError.
func (s *Store) DeleteAdmin(ctx context.Context, id int64, actor Actor) error {
	if msg := selfDelete(id, actor); msg != "" {
		return &ConflictError{Message: msg}
	}
	return adminDeletion.run(ctx, s, id, actor)
}

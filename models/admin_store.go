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
	fe := rules.FieldErrors{}
	if bcrypt.CompareHashAndPassword([]byte(a.PasswordHash), []byte(current)) != nil {
		fe.Add(rules.FieldCurrentPassword, "la contraseña actual no es correcta")
	}
	if msg := rules.CheckPassword(next); msg != "" {
		fe.Add(rules.FieldPassword, msg)
	}
	if len(fe) > 0 {
		return fe
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

// UpdateAdmin changes account id's role and whether it is active, as in
// says (an empty member stays as it is). Deactivating an account ends every
// session of it. A change that would leave no active administrador is a
// *ConflictError; invalid input is rules.FieldErrors.
func (s *Store) UpdateAdmin(ctx context.Context, id int64, in rules.AdminChange, actor Actor) (*Admin, error) {
	if err := in.Clean().Err(); err != nil {
		return nil, err
	}
	a := new(Admin)
	err := s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := s.dialect.lockAdmins(ctx, tx); err != nil {
			return err
		}
		if err := tx.NewSelect().Model(a).Where("id = ?", id).Scan(ctx); err != nil {
			if isNoRows(err) {
				return ErrNotFound
			}
			return fmt.Errorf("models: admin: %w", err)
		}
		role, active := a.Role, a.Active
		if in.Role != "" {
			role = in.Role
		}
		if in.Active != "" {
			active = in.Active == "1"
		}
		if role == a.Role && active == a.Active {
			return nil
		}
		if a.Role == rules.RoleAdministrador && a.Active {
			last, err := lastAdministrador(ctx, tx, id)
			if err != nil {
				return err
			}
			if last {
				return &ConflictError{Message: "«" + a.Username + "» es el único administrador activo: " +
					"dé el rol administrador a otra cuenta antes de quitárselo o desactivarla."}
			}
		}
		detail := changes{}
		detail.add("rol", string(a.Role), string(role))
		detail.add("activo", a.Active, active)
		action := "update"
		switch {
		case role != a.Role:
		case active:
			action = "activate"
		default:
			action = "deactivate"
		}
		wasActive := a.Active
		a.Role, a.Active, a.UpdatedAt = role, active, now()
		if _, err := tx.NewUpdate().Model(a).Column("role", "active", "updated_at").WherePK().Exec(ctx); err != nil {
			return fmt.Errorf("models: update admin: %w", err)
		}
		if wasActive && !active {
			if err := revokeAdminSessions(ctx, tx, id); err != nil {
				return err
			}
		}
		return audit(ctx, tx, actor, action, "admin", id, detail)
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// ResetPassword sets a new password for account id without asking for the
// current one (an administrador's reset) and ends every session of that
// account. A weak password is rules.FieldErrors on clave.
func (s *Store) ResetPassword(ctx context.Context, id int64, password string, actor Actor) error {
	if msg := rules.CheckPassword(password); msg != "" {
		return rules.FieldErrors{rules.FieldPassword: msg}
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), BcryptCost)
	if err != nil {
		return fmt.Errorf("models: hash password: %w", err)
	}
	return s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewUpdate().Model((*Admin)(nil)).Set("password_hash = ?", string(hash)).Set("updated_at = ?", now()).
			Where("id = ?", id).Exec(ctx)
		if err != nil {
			return fmt.Errorf("models: reset password: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		if err := revokeAdminSessions(ctx, tx, id); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "password.reset", "admin", id, nil)
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
	a := new(Admin)
	if err := idb.NewSelect().Model(a).Where("id = ?", id).Scan(ctx); err != nil {
		if isNoRows(err) {
			return "", nil // the deletion says it does not exist
		}
		return "", fmt.Errorf("models: admin: %w", err)
	}
	if !a.Active || a.Role != rules.RoleAdministrador {
		return "", nil
	}
	last, err := lastAdministrador(ctx, idb, id)
	if err != nil || !last {
		return "", err
	}
	return "Es el único administrador activo: dé el rol administrador a otra cuenta antes de eliminarlo.", nil
}

// lastAdministrador reports whether no active administrador but account id
// is left: then id must stay one.
func lastAdministrador(ctx context.Context, idb bun.IDB, id int64) (bool, error) {
	n, err := idb.NewSelect().Model((*Admin)(nil)).
		Where("role = ?", rules.RoleAdministrador).Where("active = ?", true).Where("id <> ?", id).Count(ctx)
	if err != nil {
		return false, fmt.Errorf("models: count administradores: %w", err)
	}
	return n == 0, nil
}

var adminDeletion = deletion[Admin]{
	entity: "admin", dependents: adminDependents,
	lock: func(ctx context.Context, s *Store, tx bun.Tx) error { return s.dialect.lockAdmins(ctx, tx) },
	cascade: func(ctx context.Context, tx bun.Tx, id int64) error {
		if _, err := tx.NewDelete().Model((*AdminSession)(nil)).Where("admin_id = ?", id).Exec(ctx); err != nil {
			return fmt.Errorf("models: delete admin sessions: %w", err)
		}
		return nil
	},
	restricted: "El administrador tiene registros que dependen de él.",
	detail:     func(a *Admin) any { return map[string]string{"usuario": a.Username} },
}

// DeleteAdmin deletes another account; the last active administrador and
// oneself are refused with a *ConflictError.
func (s *Store) DeleteAdmin(ctx context.Context, id int64, actor Actor) error {
	if msg := selfDelete(id, actor); msg != "" {
		return &ConflictError{Message: msg}
	}
	return adminDeletion.run(ctx, s, id, actor)
}

package admin

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"transito/handlers/web"
	"transito/models/rules"
	"transito/paths"
	"transito/views"
)

// adminUpdate changes an account's role and whether it is active [rol,
// activo]; either may be left out. Deactivating an account ends its
// sessions; the last active administrador keeps its role and stays active.
//
// The first panel's own-password form posted here (clave_actual, clave): it
// still works, on one's own account.
func (h *Handler) adminUpdate(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	self := sessionOf(c).AdminID == id
	if c.Request().PostArgs().Has(rules.FieldCurrentPassword) {
		if !self {
			return web.NewProblem(fiber.StatusForbidden,
				"Solo puede cambiar su propia contraseña; la de otra cuenta se restablece con «Restablecer la contraseña».")
		}
		return h.changeOwnPassword(c, paths.Of(paths.Admin, id), func(status int, f views.PasswordForm) error {
			return h.renderAdmin(c, status, id, &views.AdminDetail{Password: f})
		})
	}
	f := views.NewAdminChangeForm(paths.Of(paths.Admin, id), csrf(c), "", false)
	readForm(c, &f)
	a, err := h.store.UpdateAdmin(c.UserContext(), id, f.Input(), actor(c))
	if failed(&f, err) {
		return formFailed(c, statusOf(err), views.AdminChangeFormView(f), func() error {
			return h.renderAdmin(c, statusOf(err), id, &views.AdminDetail{Change: f})
		})
	}
	if err != nil {
		return notFound(err, "ese administrador")
	}
	state := "activa"
	if !a.Active {
		state = "desactivada (sus sesiones se cerraron)"
	}
	flash(c, "ok", fmt.Sprintf("Cuenta «%s»: rol %s, %s.", a.Username, a.Role, state))
	switch {
	case self && !a.Active:
		return redirect(c, paths.Login)
	case self && a.Role != rules.RoleAdministrador:
		return redirect(c, paths.Account)
	}
	return redirect(c, paths.Of(paths.Admin, id))
}

// adminPasswordReset sets another account's password [clave] and ends
// every session of it. One's own password needs the current one: that is
// the account page's form.
func (h *Handler) adminPasswordReset(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	if sessionOf(c).AdminID == id {
		return web.NewProblem(fiber.StatusForbidden,
			"Su propia contraseña se cambia en «Mi cuenta», que pide la actual.")
	}
	f := views.NewResetPasswordForm(paths.Of(paths.AdminPassword, id), csrf(c))
	readForm(c, &f)
	err = h.store.ResetPassword(c.UserContext(), id, f.Password.Value, actor(c))
	if failed(&f, err) {
		return formFailed(c, statusOf(err), views.ResetPasswordFormView(f), func() error {
			return h.renderAdmin(c, statusOf(err), id, &views.AdminDetail{Reset: f})
		})
	}
	if err != nil {
		return notFound(err, "ese administrador")
	}
	flash(c, "ok", "Contraseña restablecida. Se cerraron todas las sesiones de esa cuenta.")
	return redirect(c, paths.Of(paths.Admin, id))
}

// adminUnlock forgets an account's failed logins, from every client, so
// that it may log in at once.
func (h *Handler) adminUnlock(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	n, err := h.store.UnlockLogin(c.UserContext(), id, actor(c))
	if err != nil {
		return notFound(err, "ese administrador")
	}
	flash(c, "ok", fmt.Sprintf("Ingreso desbloqueado: se olvidaron %d intentos fallidos.", n))
	return redirect(c, paths.Of(paths.Admin, id))
}

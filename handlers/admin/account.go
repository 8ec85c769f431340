package admin

import (
	"github.com/gofiber/fiber/v2"

	"transito/handlers/web"
	"transito/paths"
	"transito/views"
)

// accountShow is one's own account, for every role: its role and the
// password form.
func (h *Handler) accountShow(c *fiber.Ctx) error {
	return h.renderAccount(c, fiber.StatusOK, views.NewPasswordForm(paths.Account, csrf(c)))
}

func (h *Handler) renderAccount(c *fiber.Ctx, status int, f views.PasswordForm) error {
	a := currentAdmin(c)
	return web.Render(c, status, views.AccountPage(h.page(c, "Mi cuenta", ""), a, f, h.fmtTimePtr(a.LastLoginAt)))
}

// accountPassword changes one's own password [clave_actual, clave].
func (h *Handler) accountPassword(c *fiber.Ctx) error {
	return h.changeOwnPassword(c, paths.Account, func(status int, f views.PasswordForm) error {
		return h.renderAccount(c, status, f)
	})
}

// changeOwnPassword changes the logged-in account's password after checking
// the current one, then goes to back; a refused form is drawn again by page
// (or as a fragment under htmx). The change ends every session of the
// account, this one too: this browser goes on in a new one.
func (h *Handler) changeOwnPassword(c *fiber.Ctx, back string, page func(status int, f views.PasswordForm) error) error {
	id := sessionOf(c).AdminID
	f := views.NewPasswordForm(paths.Account, csrf(c))
	readForm(c, &f)
	err := h.store.ChangePassword(c.UserContext(), id, f.Current.Value, f.Password.Value, actor(c))
	if failed(&f, err) {
		return formFailed(c, statusOf(err), views.PasswordFormView(f), func() error { return page(statusOf(err), f) })
	}
	if err != nil {
		return notFound(err, "ese administrador")
	}
	if err := h.startSession(c, id, sessionOf(c).User); err != nil {
		return err
	}
	flash(c, "ok", "Contraseña cambiada. Se cerraron las demás sesiones de esta cuenta.")
	return redirect(c, back)
}

package admin

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/gofiber/fiber/v2"

	"transito/handlers/web"
	"transito/models"
	"transito/paths"
	"transito/views"
)

// loginForm shows the login page (or goes home when already logged in).
func (h *Handler) loginForm(c *fiber.Ctx) error {
	s := sessionOf(c)
	next := safeNext(c.Query("next"))
	if s.AdminID != 0 {
		return c.Redirect(next, fiber.StatusSeeOther)
	}
	return web.Render(c, fiber.StatusOK, views.LoginPage(h.page(c, "Ingresar", ""), "", next, ""))
}

// login checks the credentials, rotates the session and goes back to the
// page that was asked for (a local path only).
func (h *Handler) login(c *fiber.Ctx) error {
	username, password := c.FormValue("usuario"), c.FormValue("clave")
	next := safeNext(c.FormValue("next"))
	a, err := h.store.Login(c.UserContext(), username, password, web.ClientIP(c))
	var throttled *models.ThrottledError
	switch {
	case errors.As(err, &throttled):
		mins := int(math.Ceil(time.Until(throttled.Until).Minutes()))
		msg := fmt.Sprintf("Demasiados intentos fallidos para este usuario. Por seguridad, espere %d minutos antes de volver a intentar.", max(mins, 1))
		c.Set(fiber.HeaderRetryAfter, fmt.Sprint(max(int(time.Until(throttled.Until).Seconds()), 1)))
		return web.Render(c, fiber.StatusTooManyRequests, views.LoginPage(h.page(c, "Ingresar", ""), username, next, msg))
	case errors.Is(err, models.ErrAccountDisabled):
		return web.Render(c, fiber.StatusForbidden, views.LoginPage(h.page(c, "Ingresar", ""), username, next,
			"Esta cuenta está desactivada. Pida a un administrador que la reactive."))
	case errors.Is(err, models.ErrBadCredentials):
		return web.Render(c, fiber.StatusUnauthorized, views.LoginPage(h.page(c, "Ingresar", ""), username, next, "Usuario o contraseña incorrectos."))
	case err != nil:
		return err
	}
	if err := h.startSession(c, a.ID, a.Username); err != nil {
		return err
	}
	flash(c, "ok", "Hola, "+a.Username+".")
	return c.Redirect(next, fiber.StatusSeeOther)
}

// logout ends the session for good: a copy of the cookie is worthless.
func (h *Handler) logout(c *fiber.Ctx) error {
	if err := h.store.EndAdminSession(c.UserContext(), sessionOf(c).ID); err != nil {
		return err
	}
	rotate(c)
	flash(c, "ok", "Sesión cerrada.")
	return redirect(c, paths.Login)
}

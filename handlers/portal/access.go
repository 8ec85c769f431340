package portal

import (
	"github.com/gofiber/fiber/v2"

	"transito/handlers/web"
	"transito/models/rules"
	"transito/views"
)

// accessForm handles GET /acceso: the form that asks for a one-time link.
func (h *Handler) accessForm(c *fiber.Ctx) error {
	v, err := h.ensureVisit(c)
	if err != nil {
		return err
	}
	return web.Render(c, fiber.StatusOK, views.AccessPage(views.Page{Title: "Confirmar que es el titular", CSRF: v.CSRF}, c.Query("email"), false, ""))
}

// accessRequest handles POST /acceso [email]: when a person has the address
// (and got no link in the last 5 minutes) a one-time link goes out through
// the outbox. The answer is the same text whether the address is known or
// not; only a malformed address is told so.
func (h *Handler) accessRequest(c *fiber.Ctx) error {
	if err := h.checkCSRF(c, c.FormValue("_csrf")); err != nil {
		return err
	}
	v, _ := h.visitOf(c)
	page := views.Page{Title: "Recibir un enlace", CSRF: v.CSRF}
	raw := c.FormValue("email")
	email, err := rules.LookupEmail(raw)
	if err != nil {
		return web.Render(c, fiber.StatusBadRequest, views.AccessPage(page, raw, false, invalidEmailMessage(raw)))
	}
	if err := h.store.RequestAccessLink(c.UserContext(), email); err != nil {
		return err
	}
	return web.Render(c, fiber.StatusOK, views.AccessPage(page, email, true, ""))
}

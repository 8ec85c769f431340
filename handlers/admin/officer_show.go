package admin

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"transito/handlers/web"
	"transito/models"
	"transito/paths"
	"transito/views"
)

// officerShow shows an officer with the edit form and the token panel.
func (h *Handler) officerShow(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	return h.renderOfficer(c, fiber.StatusOK, id, nil, "")
}

func (h *Handler) renderOfficer(c *fiber.Ctx, status int, id int64, f *views.OfficerForm, newToken string) error {
	o, err := h.store.OfficerByID(c.UserContext(), id)
	if err != nil {
		return notFound(err, "ese oficial")
	}
	if f == nil {
		form := views.NewOfficerForm(paths.Of(paths.Officer, id), csrf(c))
		form.Name.Value, form.Badge.Value, form.Active.Value = o.Name, o.Badge, "0"
		if o.Active {
			form.Active.Value = "1"
		}
		f = &form
	}
	page, err := h.detailPage(c, o.Name, "oficiales", "officer", o.ID)
	if err != nil {
		return err
	}
	return web.Render(c, status, views.OfficerPage(page, o, *f, newToken, h.fmtTimePtr))
}

// officerTokenIssue issues a new token (revoking the previous one) and shows
// it this one time.
func (h *Handler) officerTokenIssue(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	token, err := h.store.IssueToken(c.UserContext(), id, actor(c))
	if err != nil {
		return notFound(err, "ese oficial")
	}
	return h.respondToken(c, id, token, "Token emitido. Cópielo ahora: no se volverá a mostrar.")
}

// officerTokenRevoke revokes the officer's token.
func (h *Handler) officerTokenRevoke(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	err = h.store.RevokeToken(c.UserContext(), id, actor(c))
	msg := "Token revocado."
	if errors.Is(err, models.ErrNotFound) {
		msg = "El oficial no tenía un token vigente."
	} else if err != nil {
		return err
	}
	return h.respondToken(c, id, "", msg)
}

func (h *Handler) respondToken(c *fiber.Ctx, id int64, token, msg string) error {
	if !web.IsHTMX(c) {
		flash(c, "ok", msg)
		return h.renderOfficer(c, fiber.StatusOK, id, nil, token)
	}
	o, err := h.store.OfficerByID(c.UserContext(), id)
	if err != nil {
		return notFound(err, "ese oficial")
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	w := c.Response().BodyWriter()
	if err := views.OfficerTokenCard(sessionOf(c).CSRF, o, token, h.fmtTimePtr, true).Render(c.UserContext(), w); err != nil {
		return err
	}
	return views.Flashes([]views.Flash{{Kind: "ok", Message: msg}}, true).Render(c.UserContext(), w)
}

package api

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"transito/handlers/web"
	"transito/models"
)

const localsOfficer = "officer"

// requireOfficer authenticates the Bearer token of an API request.
func (h *Handler) requireOfficer(c *fiber.Ctx) error {
	token, ok := bearerToken(c.Get(fiber.HeaderAuthorization))
	if !ok {
		return web.Unauthorized("Falta el token: envíe «Authorization: Bearer <token>».")
	}
	auth, err := h.store.Authenticate(c.UserContext(), token)
	switch {
	case errors.Is(err, models.ErrUnauthorized):
		return web.Unauthorized("El token no es válido o fue revocado.")
	case errors.Is(err, models.ErrInactive):
		return web.NewProblem(fiber.StatusForbidden, "El oficial "+auth.Badge+" está inactivo: su token no puede registrar infracciones.")
	case err != nil:
		return err
	}
	c.Locals(localsOfficer, auth)
	return c.Next()
}

func bearerToken(h string) (string, bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}

func officerOf(c *fiber.Ctx) *models.OfficerAuth {
	o, _ := c.Locals(localsOfficer).(*models.OfficerAuth)
	if o == nil {
		return &models.OfficerAuth{}
	}
	return o
}

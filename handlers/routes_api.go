package handlers

import (
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"
)

// routesAPI registers the officer API and the report API, with the variants
// DESIGN.md lists (trailing slash, /api/v1). Each group of variants shares
// one rate limiter, so that switching spelling does not reset the count.
func (s *Server) routesAPI() {
	writeLimit := s.rateLimit("cargar_infraccion", s.cfg.APIRateLimit, func(c *fiber.Ctx) string {
		return "officer:" + officerOf(c).Badge
	})
	for _, path := range []string{"/cargar_infraccion", "/cargar_infraccion/", "/api/v1/infracciones"} {
		s.App.Post(path, s.requireOfficer, writeLimit, s.countRecorded, s.createInfraction)
		s.App.All(path, methodNotAllowed(fiber.MethodPost))
	}
	for _, path := range []string{"/generar_informe", "/generar_informe/", "/api/v1/informes"} {
		s.App.Get(path, s.lookupLimit, s.report)
		s.App.All(path, methodNotAllowed(fiber.MethodGet+", "+fiber.MethodHead))
	}
}

// rateLimit allows max requests per minute per key; max 0 disables it. name
// labels its refusals in the metrics.
func (s *Server) rateLimit(name string, max int, key func(*fiber.Ctx) string) fiber.Handler {
	if max <= 0 {
		return func(c *fiber.Ctx) error { return c.Next() }
	}
	refused := s.metrics.limiterRefusals(name)
	return limiter.New(limiter.Config{
		Max:          max,
		Expiration:   time.Minute,
		KeyGenerator: key,
		LimitReached: func(c *fiber.Ctx) error {
			refused.Inc()
			return tooManyRequests(60)
		},
	})
}

package handlers

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"transito/handlers/web"
	"transito/paths"
)

func (s *Server) routesHealth() {
	s.App.Get(paths.Healthz, s.healthz)
	s.App.Get(paths.Readyz, s.readyz)
}

// healthz answers while the process is alive.
func (s *Server) healthz(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"status": "ok"})
}

// readyz answers 200 while the database can be read, the writer is not
// stalled (requests waiting more than 5 s without a commit) and the server
// is not draining.
func (s *Server) readyz(c *fiber.Ctx) error {
	if s.draining.Load() {
		return web.Unavailable("El servidor se está deteniendo.")
	}
	if s.recorder != nil && s.recorder.Stalled() {
		s.log.Warn("readyz: writer stalled", "request_id", requestIDOf(c), "queue_depth", s.recorder.QueueDepth())
		return web.Unavailable("La base de datos no acepta escrituras desde hace más de 5 segundos.")
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		s.log.Warn("readyz: database unreachable", "request_id", requestIDOf(c), "err", err)
		return web.Unavailable("La base de datos no responde.")
	}
	return c.JSON(fiber.Map{"status": "ok"})
}

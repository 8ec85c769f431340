package handlers

import "github.com/gofiber/fiber/v2"

// routesPublic registers the citizens' pages, the API documentation and the
// operational endpoints. /consulta shares the report API's rate limiter: both
// spend the same per-client budget.
func (s *Server) routesPublic() {
	s.App.Get("/", s.home)
	s.App.Get("/consulta", problemsAs(s.renderLookupProblem), s.lookupLimit, s.lookup)
	s.App.Get("/api", s.apiPage)
	s.App.Get("/api/openapi.yaml", s.openAPI)
	s.App.Get("/metrics", s.metricsHandler())
	for _, path := range []string{"/", "/consulta", "/api", "/api/openapi.yaml", "/metrics"} {
		s.App.All(path, methodNotAllowed(fiber.MethodGet+", "+fiber.MethodHead))
	}
}

package handlers

// routesAdmin registers the whole admin panel. Every route under /admin
// loads the session and checks the CSRF token of state-changing requests;
// every route but the login form requires a logged-in administrator.
func (s *Server) routesAdmin() {
	sessions := newSessionManager(s.cfg.SessionKey, s.cfg.SessionIdle, s.cfg.SecureCookies)
	sessions.max = orDefault(s.cfg.SessionMax, DefaultSessionMax)
	h := newAdmin(s.store, sessions, s.log, s.cfg.Location, s.cfg.ImportDir)
	a := s.App.Group("/admin", h.sessionMiddleware, h.csrfProtect)

	a.Get("/login", h.loginForm)
	a.Post("/login", h.login)
	a.Use(h.requireAdmin)
	a.Post("/logout", h.logout)
	a.Get("/", h.dashboard)

	a.Get("/personas", h.personList)
	a.Post("/personas", h.personCreate)
	a.Get("/personas/buscar", h.personPicker)
	a.Get("/personas/:id", h.personShow)
	a.Post("/personas/:id", h.personUpdate)
	a.Get("/personas/:id/eliminar", h.personDeleteConfirm)
	a.Post("/personas/:id/eliminar", h.personDelete)
	a.Delete("/personas/:id", h.personDelete)

	a.Get("/vehiculos", h.vehicleList)
	a.Post("/vehiculos", h.vehicleCreate)
	a.Get("/vehiculos/:id", h.vehicleShow)
	a.Post("/vehiculos/:id", h.vehicleUpdate)
	a.Get("/vehiculos/:id/eliminar", h.vehicleDeleteConfirm)
	a.Post("/vehiculos/:id/eliminar", h.vehicleDelete)
	a.Delete("/vehiculos/:id", h.vehicleDelete)

	a.Get("/oficiales", h.officerList)
	a.Post("/oficiales", h.officerCreate)
	a.Get("/oficiales/:id", h.officerShow)
	a.Post("/oficiales/:id", h.officerUpdate)
	a.Post("/oficiales/:id/token", h.officerTokenIssue)
	a.Post("/oficiales/:id/token/revocar", h.officerTokenRevoke)
	a.Post("/oficiales/:id/activo", h.officerToggleActive)
	a.Get("/oficiales/:id/eliminar", h.officerDeleteConfirm)
	a.Post("/oficiales/:id/eliminar", h.officerDelete)
	a.Delete("/oficiales/:id", h.officerDelete)

	a.Get("/infracciones", h.infractionList)
	a.Post("/infracciones", h.infractionCreate)
	a.Get("/infracciones/:id", h.infractionShow)
	a.Post("/infracciones/:id/anular", h.infractionVoid)

	a.Get("/administradores", h.adminList)
	a.Post("/administradores", h.adminCreate)
	a.Get("/administradores/:id", h.adminShow)
	a.Post("/administradores/:id", h.adminUpdate)
	a.Get("/administradores/:id/eliminar", h.adminDeleteConfirm)
	a.Post("/administradores/:id/eliminar", h.adminDelete)

	a.Get("/auditoria", h.auditList)

	a.Get("/importar", h.importForm)
	a.Post("/importar", h.importPreview)
	a.Post("/importar/confirmar", h.importConfirm)
}

package handlers

import (
	"net/http"

	"github.com/gofiber/fiber/v2/middleware/filesystem"

	"transito/handlers/officer"
	"transito/static"
)

// routesStatic serves the embedded assets under /static and the officer
// app under /oficial/.
func (s *Server) routesStatic() {
	s.App.Use("/static", filesystem.New(filesystem.Config{
		Root:   http.FS(static.FS),
		MaxAge: 3600,
	}))
	if app, err := officer.New(static.FS); err != nil {
		s.log.Error("officer app not served", "err", err)
	} else {
		app.Routes(s.App)
	}
}

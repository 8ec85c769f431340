package handlers

import (
	"net/http"

	"github.com/gofiber/fiber/v2/middleware/filesystem"

	"transito/paths"
	"transito/static"
)

// routesStatic serves the embedded assets under /static.
func (s *Server) routesStatic() {
	s.App.Use(paths.Static, filesystem.New(filesystem.Config{
		Root:   http.FS(static.FS),
		MaxAge: 3600,
	}))
}

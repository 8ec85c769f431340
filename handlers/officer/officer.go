// Package officer serves the officer app at /oficial/: an installable,
// offline-first web app (templ shell, vanilla JS in static/js/oficial, a web
// app manifest and a service worker) that is a client of the officer API.
// Every file is built once at start-up from the embedded assets; the
// service worker's cache name is a hash of all of them, so that a deploy
// that changes any file updates installed apps cleanly.
package officer

import (
	"fmt"
	"io/fs"
	"log/slog"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/compress"

	"transito/paths"
)

// entryScript is the module that starts the app; lazyScripts are imported
// only when needed, so the shell does not preload them. workerFile is the
// service worker's source, served at paths.OfficerAppWorker.
const (
	entryScript = "app.js"
	workerFile  = "sw.js"
)

var lazyScripts = map[string]bool{"scan.js": true}

// App is the officer app, ready to serve.
type App struct {
	version string
	files   map[string]*file
}

// New builds the app from the embedded assets for handlers.New. Assets that
// cannot make the app are a broken build: New logs why, and the app's paths
// answer 404 as if it were not there, while the server serves the rest.
func New(assets fs.FS, log *slog.Logger) *App {
	a, err := Load(assets)
	if err != nil {
		log.Error("officer app not served", "err", err)
		return &App{files: map[string]*file{}}
	}
	return a
}

// Load builds the app from assets (static.FS): css/app.css,
// js/oficial/*.js and img/oficial/*.png.
func Load(assets fs.FS) (*App, error) {
	a := &App{files: map[string]*file{}}
	if err := a.load(assets); err != nil {
		return nil, fmt.Errorf("officer: %w", err)
	}
	return a, nil
}

// Version is the hash of every file of the app (the service worker's cache
// name carries it).
func (a *App) Version() string { return a.version }

// Routes registers the app: the shell (and /oficial → /oficial/), the
// manifest, the service worker, the stylesheet, the scripts and the icons,
// all compressed when the client accepts it.
func (a *App) Routes(r fiber.Router) {
	r.Use(paths.OfficerApp, compress.New())
	r.Get(paths.OfficerApp, a.shell)
	r.Get(paths.OfficerAppManifest, a.serve)
	r.Get(paths.OfficerAppWorker, a.serve)
	r.Get(paths.OfficerAppStyle, a.serve)
	r.Get(paths.OfficerAppScript, a.serve)
	r.Get(paths.OfficerAppIcon, a.serve)
}

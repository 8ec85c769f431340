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

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/compress"
)

// The app's paths, written once: the shell links them, the service worker
// caches them, the routes serve them.
const (
	Root         = "/oficial/"
	ManifestPath = Root + "manifest.webmanifest"
	WorkerPath   = Root + "sw.js"
	StylePath    = Root + "app.css"
	ScriptDir    = Root + "js/"
	IconDir      = Root + "icons/"
)

// EntryScript is the module that starts the app; LazyScripts are imported
// only when needed, so the shell does not preload them.
const (
	EntryScript = "app.js"
	workerFile  = "sw.js"
)

var lazyScripts = map[string]bool{"scan.js": true}

// App is the officer app, ready to serve.
type App struct {
	version string
	files   map[string]*file
}

// New builds the app from the embedded assets (static.FS): css/app.css,
// js/oficial/*.js and img/oficial/*.png.
func New(assets fs.FS) (*App, error) {
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
	g := r.Group(Root[:len(Root)-1], compress.New())
	g.Get("/", a.shell)
	g.Get("/manifest.webmanifest", a.serve)
	g.Get("/sw.js", a.serve)
	g.Get("/app.css", a.serve)
	g.Get("/js/:name", a.serve)
	g.Get("/icons/:name", a.serve)
}

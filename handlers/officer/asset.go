package officer

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"transito/paths"
)

// file is one response of the app, built at start-up.
type file struct {
	body        []byte
	contentType string
	etag        string
}

func newFile(body []byte, contentType string) *file {
	sum := sha256.Sum256(body)
	return &file{body: body, contentType: contentType, etag: `"` + hex.EncodeToString(sum[:12]) + `"`}
}

// load reads the embedded assets, renders the shell and the manifest,
// computes the version and builds the service worker.
func (a *App) load(assets fs.FS) error {
	css, err := fs.ReadFile(assets, "css/app.css")
	if err != nil {
		return err
	}
	a.files[paths.OfficerAppStyle] = newFile(css, "text/css; charset=utf-8")

	scripts, err := fs.Glob(assets, "js/oficial/*.js")
	if err != nil {
		return err
	}
	var worker []byte
	var preload []string
	for _, name := range scripts {
		body, err := fs.ReadFile(assets, name)
		if err != nil {
			return err
		}
		base := path.Base(name)
		if base == workerFile {
			worker = body
			continue
		}
		a.files[paths.OfficerAppScripts+base] = newFile(body, "text/javascript; charset=utf-8")
		if base != entryScript && !lazyScripts[base] {
			preload = append(preload, paths.OfficerAppScripts+base)
		}
	}
	if worker == nil || a.files[paths.OfficerAppScripts+entryScript] == nil {
		return fmt.Errorf("js/oficial must hold %s and %s", entryScript, workerFile)
	}

	icons, err := fs.Glob(assets, "img/oficial/*.png")
	if err != nil {
		return err
	}
	for _, name := range icons {
		body, err := fs.ReadFile(assets, name)
		if err != nil {
			return err
		}
		a.files[paths.OfficerAppIcons+path.Base(name)] = newFile(body, "image/png")
	}
	for _, ic := range manifestIcons {
		if a.files[ic.Src] == nil {
			return fmt.Errorf("icon %s is missing from img/oficial", ic.Src)
		}
	}

	manifest, err := json.MarshalIndent(appManifest(), "", "  ")
	if err != nil {
		return err
	}
	a.files[paths.OfficerAppManifest] = newFile(manifest, "application/manifest+json")

	shell, err := renderShell(preload)
	if err != nil {
		return err
	}
	a.files[paths.OfficerApp] = newFile(shell, fiber.MIMETextHTMLCharsetUTF8)

	a.version = a.hash(worker)
	script, err := workerScript(a.version, a.shellPaths(), worker)
	if err != nil {
		return err
	}
	a.files[paths.OfficerAppWorker] = newFile(script, "text/javascript; charset=utf-8")
	return nil
}

// hash is the version: a SHA-256 over every file's path and bytes.
func (a *App) hash(worker []byte) string {
	h := sha256.New()
	for _, p := range slices.Sorted(maps.Keys(a.files)) {
		fmt.Fprintf(h, "%s\x00%d\x00", p, len(a.files[p].body))
		h.Write(a.files[p].body)
	}
	h.Write(worker)
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// shellPaths is what the service worker caches: the shell first, then
// every other file of the app but itself.
func (a *App) shellPaths() []string {
	cached := []string{paths.OfficerApp}
	for _, p := range slices.Sorted(maps.Keys(a.files)) {
		if p != paths.OfficerApp && p != paths.OfficerAppWorker {
			cached = append(cached, p)
		}
	}
	return cached
}

// serve answers one of the app's files. Each is revalidated on every use
// (no-cache, with an ETag): the service worker is the app's offline cache,
// and a deploy must be seen at once.
func (a *App) serve(c *fiber.Ctx) error {
	f := a.files[c.Path()]
	if f == nil {
		return fiber.ErrNotFound
	}
	return send(c, f)
}

func send(c *fiber.Ctx, f *file) error {
	c.Set(fiber.HeaderCacheControl, "no-cache")
	c.Set(fiber.HeaderETag, f.etag)
	if match := c.Get(fiber.HeaderIfNoneMatch); match != "" && etagMatches(match, f.etag) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, f.contentType)
	return c.Send(f.body)
}

func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

package officer

import (
	"bytes"
	"context"

	"github.com/gofiber/fiber/v2"

	"transito/paths"
	"transito/views"
)

// renderShell renders the app's one page once; it carries no data.
func renderShell(preload []string) ([]byte, error) {
	var buf bytes.Buffer
	err := views.OfficerAppShell(views.OfficerApp{
		Style: paths.OfficerAppStyle, Manifest: paths.OfficerAppManifest, Icon: paths.OfficerAppIcons + "icon-192.png",
		Worker: paths.OfficerAppWorker, Scope: paths.OfficerApp,
		Entry: paths.OfficerAppScripts + entryScript, Preload: preload,
	}).Render(context.Background(), &buf)
	return buf.Bytes(), err
}

// shell answers GET /oficial/; /oficial (the router treats both alike)
// redirects there, so that relative URLs and the worker's scope hold.
func (a *App) shell(c *fiber.Ctx) error {
	if c.Path() != paths.OfficerApp {
		target := paths.OfficerApp
		if q := c.Context().QueryArgs().QueryString(); len(q) > 0 {
			target += "?" + string(q)
		}
		return c.Redirect(target, fiber.StatusMovedPermanently)
	}
	return a.serve(c)
}

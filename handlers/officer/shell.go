package officer

import (
	"bytes"
	"context"

	"github.com/gofiber/fiber/v2"

	"transito/views"
)

// renderShell renders the app's one page once; it carries no data.
func renderShell(preload []string) ([]byte, error) {
	var buf bytes.Buffer
	err := views.OfficerAppShell(views.OfficerApp{
		Style: StylePath, Manifest: ManifestPath, Icon: IconDir + "icon-192.png",
		Worker: WorkerPath, Scope: Root,
		Entry: ScriptDir + EntryScript, Preload: preload,
	}).Render(context.Background(), &buf)
	return buf.Bytes(), err
}

// shell answers GET /oficial/; /oficial (the router treats both alike)
// redirects there, so that relative URLs and the worker's scope hold.
func (a *App) shell(c *fiber.Ctx) error {
	if c.Path() != Root {
		target := Root
		if q := c.Context().QueryArgs().QueryString(); len(q) > 0 {
			target += "?" + string(q)
		}
		return c.Redirect(target, fiber.StatusMovedPermanently)
	}
	return send(c, a.files[Root])
}

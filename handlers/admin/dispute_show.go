package admin

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"transito/handlers/web"
	"transito/models/rules"
	"transito/paths"
	"transito/views"
)

// disputeShow is one descargo: the text, the attachments, and the decision
// form while it is pending.
func (h *Handler) disputeShow(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	f := views.NewResolveForm(paths.Of(paths.DisputeResolve, id), csrf(c))
	return h.renderDispute(c, fiber.StatusOK, id, &f)
}

func (h *Handler) renderDispute(c *fiber.Ctx, status int, id int64, f *views.ResolveForm) error {
	ctx := c.UserContext()
	d, err := h.store.DisputeByID(ctx, id)
	if err != nil {
		return notFound(err, "ese descargo")
	}
	i, err := h.store.InfractionByID(ctx, d.InfractionID)
	if err != nil {
		return err
	}
	files, err := h.store.AttachmentsOf(ctx, 0, d.ID)
	if err != nil {
		return err
	}
	resolved := ""
	if d.ResolvedAt != nil {
		resolved = "Resuelto el " + h.fmtTimePtr(d.ResolvedAt)
	}
	p := h.page(c, "Descargo "+d.Reference, "descargos")
	return web.Render(c, status, views.DisputePage(p, d, i, files, h.fmtTime(d.CreatedAt), resolved, *f, roleOf(c).Includes(rules.RoleSupervisor)))
}

// disputeResolve decides a pending descargo (supervisor): accepted, the
// fine is annulled with the resolution as its reason; rejected, it is
// vigente again with its deadline moved. The citizen is mailed.
func (h *Handler) disputeResolve(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	f := views.NewResolveForm(paths.Of(paths.DisputeResolve, id), csrf(c))
	readForm(c, &f)
	d, err := h.store.ResolveDispute(c.UserContext(), id, f.Input(), actor(c))
	if failed(&f, err) {
		status := statusOf(err)
		return formFailed(c, status, views.ResolveFormView(f), func() error { return h.renderDispute(c, status, id, &f) })
	}
	if err != nil {
		return notFound(err, "ese descargo")
	}
	msg := "Descargo " + d.Reference + " aceptado: la multa quedó anulada."
	if d.Status != "aceptado" {
		msg = "Descargo " + d.Reference + " rechazado: la multa sigue vigente."
	}
	flash(c, "ok", msg)
	return redirect(c, paths.Of(paths.Dispute, id))
}

// disputeFile opens one attachment of a descargo, as it was stored (the
// type is the one its bytes were checked to be; never sniffed, never
// rendered inline as anything else).
func (h *Handler) disputeFile(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	fid, err := strconv.ParseInt(c.Params("adjunto"), 10, 64)
	if err != nil {
		return notFound(err, "ese adjunto")
	}
	a, err := h.store.AttachmentByID(c.UserContext(), fid)
	if err != nil || a.DisputeID == nil || *a.DisputeID != id {
		return web.NewProblem(fiber.StatusNotFound, "No existe ese adjunto.")
	}
	c.Set(fiber.HeaderContentType, a.ContentType)
	c.Set(fiber.HeaderContentDisposition, `inline; filename="adjunto-`+itoa64(a.ID)+extension(a.ContentType)+`"`)
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.Send(a.Bytes)
}

func extension(contentType string) string {
	switch contentType {
	case rules.TypePNG:
		return ".png"
	case rules.TypePDF:
		return ".pdf"
	}
	return ".jpg"
}

package admin

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"transito/handlers/web"
	"transito/internal/thumbnail"
	"transito/models"
)

// photoCache is how long a browser may keep a photo or its thumbnail: an
// attachment never changes, and only this admin's browser may keep it.
const photoCache = "private, max-age=86400"

// photoOf returns the attachment named by the route's :foto if it is a
// photo of the route's infraction (without its bytes), else a 404.
func (h *Handler) photoOf(c *fiber.Ctx) (int64, models.Attachment, error) {
	id, err := idParam(c)
	if err != nil {
		return 0, models.Attachment{}, err
	}
	foto, err := strconv.ParseInt(c.Params("foto"), 10, 64)
	missing := web.NewProblem(fiber.StatusNotFound, "No existe esa foto de la infracción "+strconv.FormatInt(id, 10)+".")
	if err != nil {
		return 0, models.Attachment{}, missing
	}
	photos, err := h.store.AttachmentsOf(c.UserContext(), id, 0)
	if err != nil {
		return 0, models.Attachment{}, err
	}
	for _, a := range photos {
		if a.ID == foto {
			return id, a, nil
		}
	}
	return 0, models.Attachment{}, missing
}

// unchangedPhoto answers 304 when the browser holds this version already (the
// attachment's SHA-256 is its ETag).
func unchangedPhoto(c *fiber.Ctx, etag string) bool {
	c.Set(fiber.HeaderCacheControl, photoCache)
	c.Set(fiber.HeaderETag, etag)
	if c.Get(fiber.HeaderIfNoneMatch) == etag {
		c.Status(fiber.StatusNotModified)
		return true
	}
	return false
}

// photoShow handles GET /admin/infracciones/{id}/fotos/{foto}: the photo
// as the officer uploaded it.
func (h *Handler) photoShow(c *fiber.Ctx) error {
	id, a, err := h.photoOf(c)
	if err != nil {
		return err
	}
	if unchangedPhoto(c, `"`+a.SHA256+`"`) {
		return nil
	}
	full, err := h.store.AttachmentByID(c.UserContext(), a.ID)
	if err != nil {
		return notFound(err, "esa foto")
	}
	ext := "jpg"
	if full.ContentType == "image/png" {
		ext = "png"
	}
	c.Set(fiber.HeaderContentType, full.ContentType)
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`inline; filename="infraccion-%d-foto-%d.%s"`, id, a.ID, ext))
	return c.Send(full.Bytes)
}

// photoThumb handles GET /admin/infracciones/{id}/fotos/{foto}/miniatura:
// the photo scaled down on the server (views.ThumbnailSize), as JPEG, from
// the in-memory cache (thumbnail.Cache) when it was shown recently.
func (h *Handler) photoThumb(c *fiber.Ctx) error {
	_, a, err := h.photoOf(c)
	if err != nil {
		return err
	}
	if unchangedPhoto(c, `"`+a.SHA256+`-mini"`) {
		return nil
	}
	b, err := h.thumbs.Get(a.ID, func() ([]byte, error) {
		full, err := h.store.AttachmentByID(c.UserContext(), a.ID)
		if err != nil {
			return nil, err
		}
		return full.Bytes, nil
	})
	if errors.Is(err, thumbnail.ErrUnreadable) {
		return web.NewProblem(fiber.StatusUnprocessableEntity, "No se pudo leer la imagen para hacer la miniatura: abra la foto original.")
	}
	if err != nil {
		return notFound(err, "esa foto")
	}
	c.Set(fiber.HeaderContentType, "image/jpeg")
	return c.Send(b)
}

package portal

import (
	"bytes"
	"image"
	"image/jpeg"
	"image/png"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"transito/handlers/web"
	"transito/models/rules"
)

// photo handles GET /infracciones/{id}/fotos/{foto}: an evidence photo of
// a fine of the proven person, decoded and encoded again so that none of
// the file's metadata (EXIF: the camera, the phone, a GPS position, a
// thumbnail) leaves with it.
func (h *Handler) photo(c *fiber.Ctx) error {
	i, _, err := h.owned(c)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(c.Params("foto"), 10, 64)
	notFound := web.NewProblem(fiber.StatusNotFound, "La infracción no tiene esa foto.")
	if err != nil {
		return notFound
	}
	a, err := h.store.AttachmentByID(c.UserContext(), id)
	if err != nil || a.InfractionID == nil || *a.InfractionID != i.ID {
		return notFound
	}
	img, _, err := image.Decode(bytes.NewReader(a.Bytes))
	if err != nil {
		return notFound
	}
	var buf bytes.Buffer
	if a.ContentType == rules.TypePNG {
		err = png.Encode(&buf, img)
	} else {
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90})
	}
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, a.ContentType)
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.Send(buf.Bytes())
}

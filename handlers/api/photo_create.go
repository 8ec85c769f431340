package api

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"transito/handlers/web"
	"transito/models"
	"transito/models/rules"
)

// PhotoJSON is the answer to a photo upload: the stored attachment's id,
// and the hash and size of the bytes as sent.
type PhotoJSON struct {
	ID     int64  `json:"id"`
	SHA256 string `json:"sha256"`
	Bytes  int64  `json:"bytes"`
}

// createPhoto handles POST /api/v1/infracciones/{id}/fotos: the raw body is
// one JPEG or PNG, at most rules.MaxFileSize bytes, of an infraction the
// token's officer registered. 201 for a new photo, 200 for bytes already
// stored (also past the limit), 409 for a new one past rules.MaxPhotos.
func (h *Handler) createPhoto(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	notFound := web.NewProblem(fiber.StatusNotFound, "No tiene ninguna infracción n.º "+c.Params("id")+".")
	if err != nil || id <= 0 {
		return notFound
	}
	body := c.Body()
	if len(body) > rules.MaxFileSize {
		return web.NewProblem(fiber.StatusRequestEntityTooLarge, fmt.Sprintf("La foto supera los %d MiB permitidos.", rules.MaxFileSize>>20))
	}
	if msg := checkPhotoType(c.Get(fiber.HeaderContentType), body); msg != "" {
		return web.NewProblem(fiber.StatusUnsupportedMediaType, msg)
	}
	officer := officerOf(c)
	ctx, cancel := context.WithTimeout(c.UserContext(), h.cfg.WriteWait)
	defer cancel()
	a, created, err := h.store.AddAttachment(ctx, models.AttachmentInput{
		InfractionID: id, OfficerID: officer.OfficerID, Bytes: body, ContentType: rules.DetectFileType(body), Source: models.SourceOfficer,
	}, models.Actor{Kind: models.ActorOfficer, ID: officer.OfficerID, Name: officer.Badge})
	var conflict *models.ConflictError
	switch {
	case errors.Is(err, models.ErrNotFound):
		return notFound
	case errors.As(err, &conflict):
		return &models.ConflictError{Message: fmt.Sprintf("La infracción %d ya tiene %d fotos: no se admiten más.", id, rules.MaxPhotos)}
	case errors.Is(err, models.ErrWriteTimeout):
		return web.Unavailable("El servicio no puede guardar la foto en este momento. Reintente en unos segundos.")
	case err != nil:
		return err
	}
	status := fiber.StatusOK
	if created {
		status = fiber.StatusCreated
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(status).JSON(PhotoJSON{ID: a.ID, SHA256: a.SHA256, Bytes: a.Size})
}

// checkPhotoType says in Spanish why body is not an accepted photo, or
// what its declared Content-Type gets wrong, or "".
func checkPhotoType(declared string, body []byte) string {
	kind := rules.DetectFileType(body)
	if kind != rules.TypeJPEG && kind != rules.TypePNG {
		return "El cuerpo no es una imagen JPEG ni PNG: envíe los bytes de la foto, sin codificar."
	}
	media, _, err := mime.ParseMediaType(declared)
	switch {
	case strings.TrimSpace(declared) == "":
		return "Falta el encabezado Content-Type: envíe «Content-Type: " + kind + "»."
	case err != nil || media != kind:
		return "El Content-Type «" + declared + "» no corresponde al contenido, que es " + kind + "."
	}
	return ""
}

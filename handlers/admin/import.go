package admin

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"github.com/gofiber/fiber/v2"

	"transito/handlers/web"
	"transito/models"
	"transito/models/rules"
	"transito/paths"
	"transito/views"
)

// importStash keeps an uploaded import file between its preview and its
// confirmation, as a temporary file named by a random id that only the
// uploader's session knows.
type importStash struct{ dir string }

var stashIDRE = regexp.MustCompile(`^[A-Za-z0-9_-]{20,64}$`)

func (s *importStash) path(id string) (string, bool) {
	if !stashIDRE.MatchString(id) {
		return "", false
	}
	dir := s.dir
	if dir == "" {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "transito-import-"+id+".upload"), true
}

// stashMaxAge is how long an uploaded file waits for its confirmation.
const stashMaxAge = time.Hour

func (s *importStash) put(data []byte) (string, error) {
	s.sweep()
	id := randomToken()
	p, _ := s.path(id)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		return "", err
	}
	return id, nil
}

func (s *importStash) take(id string) ([]byte, error) {
	p, ok := s.path(id)
	if !ok {
		return nil, os.ErrNotExist
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	return data, os.Remove(p)
}

// sweep removes uploads that were never confirmed.
func (s *importStash) sweep() {
	dir := s.dir
	if dir == "" {
		dir = os.TempDir()
	}
	old, _ := filepath.Glob(filepath.Join(dir, "transito-import-*.upload"))
	for _, p := range old {
		if fi, err := os.Stat(p); err == nil && time.Since(fi.ModTime()) > stashMaxAge {
			_ = os.Remove(p)
		}
	}
}

func (s *importStash) drop(id string) {
	if p, ok := s.path(id); ok {
		_ = os.Remove(p)
	}
}

// importForm shows the upload form.
func (h *Handler) importForm(c *fiber.Ctx) error {
	return web.Render(c, fiber.StatusOK, views.ImportPage(h.page(c, "Importar", "importar"), views.ImportView{}))
}

// importPreview runs the import as a dry run and keeps the file for the
// confirmation.
func (h *Handler) importPreview(c *fiber.Ctx) error {
	p := h.page(c, "Importar", "importar")
	fh, err := c.FormFile("archivo")
	if err != nil {
		return web.Render(c, fiber.StatusUnprocessableEntity, views.ImportPage(p, views.ImportView{
			Problem: "No se importó nada: revise los campos marcados.", FileError: "elija un archivo CSV o JSON para importar"}))
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, rules.MaxImportSize+1))
	if err != nil {
		return err
	}
	res, err := h.store.Import(c.UserContext(), bytes.NewReader(data), actor(c), true)
	var invalid *models.ImportInvalidError
	if errors.As(err, &invalid) {
		return web.Render(c, fiber.StatusUnprocessableEntity, views.ImportPage(p, refusedFile(res, fh.Filename, "")))
	}
	if err != nil {
		return err
	}
	s := sessionOf(c)
	if s.Import != "" {
		h.importer.drop(s.Import)
	}
	id, err := h.importer.put(data)
	if err != nil {
		return err
	}
	s.Import = id
	return web.Render(c, fiber.StatusOK, views.ImportPage(p, views.ImportView{Result: res, Filename: fh.Filename, Ready: true}))
}

// importConfirm imports the file previewed last, for real.
func (h *Handler) importConfirm(c *fiber.Ctx) error {
	s := sessionOf(c)
	data, err := h.importer.take(s.Import)
	s.Import = ""
	if err != nil {
		flash(c, "error", "La vista previa expiró o ya se importó: vuelva a subir el archivo.")
		return redirect(c, paths.Import)
	}
	res, err := h.store.Import(c.UserContext(), bytes.NewReader(data), actor(c), false)
	var invalid *models.ImportInvalidError
	if errors.As(err, &invalid) {
		return web.Render(c, fiber.StatusUnprocessableEntity, views.ImportPage(h.page(c, "Importar", "importar"),
			refusedFile(res, "el archivo", "Los datos cambiaron desde la vista previa y el archivo ya no es válido. ")))
	}
	if err != nil {
		return err
	}
	flash(c, "ok", "Importación completa: "+itoa64(int64(res.PersonsCreated))+" personas nuevas, "+itoa64(int64(res.PersonsUpdated))+
		" actualizadas; "+itoa64(int64(res.VehiclesCreated))+" vehículos nuevos, "+itoa64(int64(res.VehiclesUpdated+res.VehiclesMoved))+" actualizados.")
	return redirect(c, paths.Persons)
}

// refusedFile is the import page of a file with errors: one banner (why
// first, when there is a why) and the file input marked.
func refusedFile(res *models.ImportResult, filename, why string) views.ImportView {
	n := rules.Plural(len(res.Errors), "error", "errores")
	return views.ImportView{Result: res, Filename: filename,
		Problem:   why + "No se importó nada: el archivo tiene " + n + " (abajo).",
		FileError: "el archivo tiene " + n + "; corríjalos y vuelva a subirlo"}
}

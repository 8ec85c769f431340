package admin

import (
	"bytes"
	"errors"
	"io"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"transito/handlers/web"
	"transito/models"
	"transito/models/rules"
	"transito/paths"
	"transito/views"
)

// catalogList shows the legal catalogue with its filters and, for an
// administrador, the create form and the CSV import.
func (h *Handler) catalogList(c *fiber.Ctx) error {
	return h.renderCatalogList(c, fiber.StatusOK, views.NewInfractionTypeForm(paths.Catalog, csrf(c)), "", nil)
}

func (h *Handler) renderCatalogList(c *fiber.Ctx, status int, form views.InfractionTypeForm, filename string, importErrs []rules.ImportError) error {
	lq := listQuery(c, rules.FieldSeverity, rules.FieldActive)
	res, err := h.store.ListInfractionTypes(c.UserContext(), lq)
	if err != nil {
		return err
	}
	l := newList(paths.Catalog, "Catálogo", "tipo", "tipos", lq, res)
	l.SearchLabel, l.SearchHint = "Buscar por código o descripción", "p. ej. T01 o semáforo"
	l.Empty = "No hay tipos que mostrar."
	l.Columns = []views.Column{{Label: "Código", Sort: "codigo"}, {Label: "Descripción"}, {Label: "Referencia legal"},
		{Label: "Gravedad", Sort: "gravedad"}, {Label: "Unidades", Sort: "unidades"}, {Label: "Puntos", Sort: "puntos"}, {Label: "Estado"}}
	for _, t := range res.Items {
		st := views.Cell{Text: "Activo", Badge: "ok"}
		if !t.Active {
			st = views.Cell{Text: "Inactivo", Badge: "off"}
		}
		l.Rows = append(l.Rows, views.Row{Cells: []views.Cell{
			{Text: t.Code, Href: paths.Of(paths.CatalogType, t.ID), Mono: true},
			{Text: t.Description}, {Text: t.LegalRef}, {Text: views.SeverityLabel(t.Severity)},
			{Text: strconv.Itoa(t.Units)}, {Text: strconv.Itoa(t.Points)}, st,
		}})
	}
	l.Filters = views.CatalogFilters(lq.Filter(rules.FieldSeverity), lq.Filter(rules.FieldActive))
	if roleOf(c).Includes(rules.RoleAdministrador) {
		l.Create, l.CreateLabel = views.CatalogCreate(form, filename, importErrs), "Nuevo tipo o importar"
		l.CreateOpen = views.Invalid(&form) || len(importErrs) > 0
	}
	return h.respondList(c, h.page(c, "Catálogo", "catalogo"), l, status)
}

// catalogCreate adds a type to the catalogue.
func (h *Handler) catalogCreate(c *fiber.Ctx) error {
	f := views.NewInfractionTypeForm(paths.Catalog, csrf(c))
	readForm(c, &f)
	in, err := f.Input()
	var t *models.InfractionType
	if err == nil {
		t, err = h.store.CreateInfractionType(c.UserContext(), in, actor(c))
	}
	if failed(&f, err) {
		return formFailed(c, statusOf(err), views.InfractionTypeFormView(f, "Crear tipo"), func() error {
			return h.renderCatalogList(c, statusOf(err), f, "", nil)
		})
	}
	if err != nil {
		return err
	}
	flash(c, "ok", "Tipo «"+t.Code+"» creado.")
	return redirect(c, paths.Of(paths.CatalogType, t.ID))
}

// catalogImport loads a catalogue CSV file, all or nothing, with the
// parser of «transito catalog import»; a bad file is listed by line.
func (h *Handler) catalogImport(c *fiber.Ctx) error {
	form := views.NewInfractionTypeForm(paths.Catalog, csrf(c))
	fh, err := c.FormFile("archivo")
	if err != nil {
		return h.renderCatalogList(c, fiber.StatusUnprocessableEntity, form, "El archivo",
			[]rules.ImportError{{Line: 0, Field: "archivo", Message: "Elija un archivo CSV para importar"}})
	}
	file, err := fh.Open()
	if err != nil {
		return err
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, rules.MaxImportSize+1))
	if err != nil {
		return err
	}
	res, err := h.store.ImportCatalog(c.UserContext(), bytes.NewReader(data), actor(c))
	var invalid *models.ImportInvalidError
	if errors.As(err, &invalid) {
		return h.renderCatalogList(c, fiber.StatusUnprocessableEntity, form, fh.Filename, invalid.Errors)
	}
	if err != nil {
		return err
	}
	flash(c, "ok", "Catálogo importado: "+strconv.Itoa(res.Created)+" tipos nuevos, "+strconv.Itoa(res.Updated)+" actualizados, "+
		strconv.Itoa(res.Unchanged)+" sin cambios.")
	return redirect(c, paths.Catalog)
}

// catalogShow shows a type with its edit form.
func (h *Handler) catalogShow(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	return h.renderCatalogType(c, fiber.StatusOK, id, nil)
}

func (h *Handler) renderCatalogType(c *fiber.Ctx, status int, id int64, f *views.InfractionTypeForm) error {
	t, err := h.store.InfractionTypeByID(c.UserContext(), id)
	if err != nil {
		return notFound(err, "ese tipo del catálogo")
	}
	if f == nil {
		form := views.NewInfractionTypeForm(paths.Of(paths.CatalogType, id), csrf(c))
		form.Code.Value, form.Description.Value, form.LegalRef.Value, form.Severity.Value = t.Code, t.Description, t.LegalRef, t.Severity
		form.Units.Value, form.Points.Value, form.Active.Value = strconv.Itoa(t.Units), strconv.Itoa(t.Points), "0"
		if t.Active {
			form.Active.Value = "1"
		}
		f = &form
	}
	return web.Render(c, status, views.InfractionTypePage(h.page(c, t.Code, "catalogo"), t, *f))
}

// catalogUpdate saves a type's edit form; a type in use is deactivated
// here, never deleted.
func (h *Handler) catalogUpdate(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	f := views.NewInfractionTypeForm(paths.Of(paths.CatalogType, id), csrf(c))
	readForm(c, &f)
	in, err := f.Input()
	if err == nil {
		_, err = h.store.UpdateInfractionType(c.UserContext(), id, in, actor(c))
	}
	if failed(&f, err) {
		return formFailed(c, statusOf(err), views.InfractionTypeFormView(f, "Guardar cambios"), func() error {
			return h.renderCatalogType(c, statusOf(err), id, &f)
		})
	}
	if err != nil {
		return notFound(err, "ese tipo del catálogo")
	}
	flash(c, "ok", "Cambios guardados.")
	return redirect(c, paths.Of(paths.CatalogType, id))
}

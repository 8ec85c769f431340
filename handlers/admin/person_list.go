package admin

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"transito/models"
	"transito/paths"
	"transito/views"
)

// personList shows the persons: search, sort, pages, CSV, create form.
func (h *Handler) personList(c *fiber.Ctx) error {
	return h.renderPersonList(c, fiber.StatusOK, views.NewPersonForm(paths.Persons, csrf(c)))
}

func (h *Handler) renderPersonList(c *fiber.Ctx, status int, form views.PersonForm) error {
	lq := listQuery(c)
	if done, err := exported(h, c, "personas", "Personas", personExport, func(ctx context.Context) (*models.Cursor[models.PersonRow], error) {
		return h.store.ExportPersons(ctx, lq)
	}); done {
		return err
	}
	res, err := h.store.ListPersons(c.UserContext(), lq)
	if err != nil {
		return err
	}
	l := newList(paths.Persons, "Personas", "persona", "personas", lq, res)
	l.SearchLabel, l.SearchHint = "Buscar por nombre o correo", "p. ej. Álvarez o maria@ (sin importar tildes)"
	l.Empty = "No hay personas que mostrar."
	l.Columns = []views.Column{{Label: "Nombre", Sort: "nombre"}, {Label: "Correo", Sort: "email"}, {Label: "Vehículos", Num: true}}
	for _, p := range res.Items {
		l.Rows = append(l.Rows, views.Row{Cells: []views.Cell{
			{Text: p.Name, Href: paths.Of(paths.Person, p.ID)},
			{Text: p.Email},
			{Text: itoa64(int64(p.Vehicles))},
		}, ID: p.ID})
	}
	l.Select = selection(c, paths.PersonsExport)
	l.Create, l.CreateLabel, l.CreateOpen = views.PersonFormView(form, "Crear persona"), "Nueva persona", views.Invalid(&form)
	return h.respondList(c, h.page(c, "Personas", "personas"), l, status)
}

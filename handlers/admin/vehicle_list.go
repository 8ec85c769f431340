package admin

import (
	"context"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"transito/models"
	"transito/paths"
	"transito/views"
)

// vehicleList shows the vehicles: search by plate, filters, sort, pages, CSV.
// ?titular_id= opens the create form with that person as the owner (the
// person page's «Agregar vehículo»).
func (h *Handler) vehicleList(c *fiber.Ctx) error {
	f := views.NewVehicleForm(paths.Vehicles, csrf(c))
	var owners []models.Person
	if id, err := strconv.ParseInt(c.Query("titular_id"), 10, 64); err == nil && id > 0 {
		if p, err := h.store.PersonByID(c.UserContext(), id); err == nil {
			f.Owner.Value, owners = itoa64(p.ID), []models.Person{*p}
		}
	}
	return h.renderVehicleList(c, fiber.StatusOK, f, owners, nil)
}

func (h *Handler) renderVehicleList(c *fiber.Ctx, status int, form views.VehicleForm, owners, candidates []models.Person) error {
	ctx := c.UserContext()
	lq := listQuery(c, "marca", "color", "titular", "persona")
	if done, err := exported(h, c, "vehiculos", "Vehículos", vehicleExport, func(ctx context.Context) (*models.Cursor[models.VehicleRow], error) {
		return h.store.ExportVehicles(ctx, lq)
	}); done {
		return err
	}
	res, err := h.store.ListVehicles(ctx, lq)
	if err != nil {
		return err
	}
	brands, err := h.store.VehicleBrands(ctx)
	if err != nil {
		return err
	}
	l := newList(paths.Vehicles, "Vehículos", "vehículo", "vehículos", lq, res)
	l.SearchLabel, l.SearchHint = "Buscar por patente, marca, color o titular", "p. ej. 123CD, Citroën o Martínez"
	l.Empty = "No hay vehículos que mostrar."
	l.Columns = []views.Column{{Label: "Patente", Sort: "patente"}, {Label: "Marca", Sort: "marca"}, {Label: "Color", Sort: "color"}, {Label: "Titular", Sort: "titular"}, {Label: "Correo del titular"}}
	for _, v := range res.Items {
		l.Rows = append(l.Rows, views.Row{Cells: []views.Cell{
			{Text: v.Plate, Href: paths.Of(paths.Vehicle, v.ID), Mono: true},
			{Text: v.Brand}, {Text: v.Color},
			{Text: v.OwnerName, Href: paths.Of(paths.Person, v.PersonID)},
			{Text: v.OwnerEmail},
		}, ID: v.ID})
	}
	l.Select = selection(c, paths.VehiclesExport)
	l.Filters = views.VehicleFilters(brands, lq.Filter("marca"), lq.Filter("color"), lq.Filter("titular"), lq.Filter("persona"))
	l.Create, l.CreateLabel, l.CreateOpen = views.VehicleFormView(form, "Crear vehículo", owners, candidates), "Nuevo vehículo", views.Invalid(&form) || form.OwnerQuery.Value != "" || len(owners) > 0
	return h.respondList(c, h.page(c, "Vehículos", "vehiculos"), l, status)
}

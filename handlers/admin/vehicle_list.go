package admin

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"transito/models"
	"transito/paths"
	"transito/views"
)

// vehicleList shows the vehicles: search by plate, filters, sort, pages, CSV.
func (h *Handler) vehicleList(c *fiber.Ctx) error {
	return h.renderVehicleList(c, fiber.StatusOK, views.NewVehicleForm(paths.Vehicles, csrf(c)), nil, nil)
}

func (h *Handler) renderVehicleList(c *fiber.Ctx, status int, form views.VehicleForm, owner *models.Person, candidates []models.Person) error {
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
		}})
	}
	l.Filters = views.VehicleFilters(brands, lq.Filter("marca"), lq.Filter("color"), lq.Filter("titular"), lq.Filter("persona"))
	l.Create, l.CreateLabel, l.CreateOpen = views.VehicleFormView(form, "Crear vehículo", owner, candidates), "Nuevo vehículo", views.Invalid(&form) || form.OwnerQuery.Value != ""
	return h.respondList(c, h.page(c, "Vehículos", "vehiculos"), l, status)
}

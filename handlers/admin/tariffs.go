package admin

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"transito/handlers/web"
	"transito/models/fines"
	"transito/models/rules"
	"transito/paths"
	"transito/views"
)

// tariffShow is "Tarifas y plazos": the unit value's history and the
// deadline settings.
func (h *Handler) tariffShow(c *fiber.Ctx) error {
	return h.renderTariffs(c, fiber.StatusOK, nil, nil)
}

func (h *Handler) renderTariffs(c *fiber.Ctx, status int, sf *views.SettingsForm, uf *views.UnitValueForm) error {
	ctx := c.UserContext()
	t, err := h.store.Tariff(ctx)
	if err != nil {
		return err
	}
	history, err := h.store.UnitValues(ctx)
	if err != nil {
		return err
	}
	if sf == nil {
		f := views.NewSettingsForm(paths.Tariffs, csrf(c), t.Settings.Values())
		sf = &f
	}
	if uf == nil {
		f := views.NewUnitValueForm(paths.TariffUnit, csrf(c))
		uf = &f
	}
	v := views.TariffsView{Settings: *sf, Unit: *uf, History: history, Currency: h.currency}
	v.Today, v.TodayOK = t.UnitValueOn(fines.DateOf(time.Now(), h.loc))
	return web.Render(c, status, views.TariffsPage(h.page(c, "Tarifas y plazos", "tarifas"), v))
}

// tariffSettings saves the deadlines and percentages.
func (h *Handler) tariffSettings(c *fiber.Ctx) error {
	ctx := c.UserContext()
	base, err := h.store.FinesSettings(ctx)
	if err != nil {
		return err
	}
	f := views.NewSettingsForm(paths.Tariffs, csrf(c), base.Values())
	readForm(c, &f)
	s, fe := fines.ParseSettings(base, f.Values())
	if len(fe) > 0 {
		err = rules.FieldErrors(fe)
	} else {
		err = h.store.SetFinesSettings(ctx, s, actor(c))
	}
	if failed(&f, err) {
		return formFailed(c, statusOf(err), views.SettingsFormView(f), func() error {
			return h.renderTariffs(c, statusOf(err), &f, nil)
		})
	}
	if err != nil {
		return err
	}
	flash(c, "ok", "Plazos guardados.")
	return redirect(c, paths.Tariffs)
}

// tariffUnit sets the unit value from a date on.
func (h *Handler) tariffUnit(c *fiber.Ctx) error {
	f := views.NewUnitValueForm(paths.TariffUnit, csrf(c))
	readForm(c, &f)
	in, err := f.Input()
	if err == nil {
		_, err = h.store.SetUnitValue(c.UserContext(), in, actor(c))
	}
	if failed(&f, err) {
		return formFailed(c, statusOf(err), views.UnitValueFormView(f), func() error {
			return h.renderTariffs(c, statusOf(err), nil, &f)
		})
	}
	if err != nil {
		return err
	}
	flash(c, "ok", "Valor de la unidad fijado: "+fines.DisplayAmount(in.Cents, h.currency)+" desde el "+in.From.Display()+".")
	return redirect(c, paths.Tariffs)
}

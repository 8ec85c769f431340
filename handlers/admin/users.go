package admin

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"transito/handlers/web"
	"transito/models"
	"transito/paths"
	"transito/views"
)

// adminList shows the administrators.
func (h *Handler) adminList(c *fiber.Ctx) error {
	return h.renderAdminList(c, fiber.StatusOK, views.NewAdminForm(paths.Admins, csrf(c)))
}

func (h *Handler) renderAdminList(c *fiber.Ctx, status int, form views.AdminForm) error {
	lq := listQuery(c)
	if done, err := exported(h, c, "administradores", "Administradores", adminExport(h.zone()), func(ctx context.Context) (*models.Cursor[models.Admin], error) {
		return h.store.ExportAdmins(ctx, lq)
	}); done {
		return err
	}
	res, err := h.store.ListAdmins(c.UserContext(), lq)
	if err != nil {
		return err
	}
	l := newList(paths.Admins, "Administradores", "administrador", "administradores", lq, res)
	l.Zone = h.zone()
	l.SearchLabel, l.SearchHint = "Buscar por usuario", ""
	l.Empty = "No hay administradores que mostrar."
	l.Columns = []views.Column{{Label: "Usuario", Sort: "usuario"}, {Label: "Rol"}, {Label: "Estado"},
		{Label: "Último ingreso", Sort: "acceso"}, {Label: "Creado", Sort: "creado"}}
	for _, a := range res.Items {
		state := views.Cell{Text: "Activa", Badge: "ok"}
		if !a.Active {
			state = views.Cell{Text: "Desactivada", Badge: "muted"}
		}
		l.Rows = append(l.Rows, views.Row{Cells: []views.Cell{
			{Text: a.Username, Href: paths.Of(paths.Admin, a.ID)}, {Text: string(a.Role)}, state,
			{Text: h.fmtTimePtr(a.LastLoginAt)}, {Text: h.fmtTime(a.CreatedAt)},
		}, ID: a.ID})
	}
	l.Select = selection(c, paths.AdminsExport)
	l.Create, l.CreateLabel, l.CreateOpen = views.AdminFormView(form), "Nuevo administrador", views.Invalid(&form)
	return h.respondList(c, h.page(c, "Administradores", "administradores"), l, status)
}

// adminCreate adds an administrator.
func (h *Handler) adminCreate(c *fiber.Ctx) error {
	f := views.NewAdminForm(paths.Admins, csrf(c))
	readForm(c, &f)
	a, err := h.store.CreateAdmin(c.UserContext(), f.Input(), actor(c))
	if failed(&f, err) {
		return formFailed(c, statusOf(err), views.AdminFormView(f), func() error {
			return h.renderAdminList(c, statusOf(err), f)
		})
	}
	if err != nil {
		return err
	}
	flash(c, "ok", "Administrador «"+a.Username+"» creado.")
	return redirect(c, paths.Admins)
}

// adminShow shows an account with its controls.
func (h *Handler) adminShow(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	return h.renderAdmin(c, fiber.StatusOK, id, nil)
}

// renderAdmin draws account id's page; with d given, its forms as they were
// submitted (the others filled in afresh).
func (h *Handler) renderAdmin(c *fiber.Ctx, status int, id int64, d *views.AdminDetail) error {
	a, err := h.store.AdminByID(c.UserContext(), id)
	if err != nil {
		return notFound(err, "ese administrador")
	}
	until, clients, err := h.store.LoginThrottled(c.UserContext(), a.Username)
	if err != nil {
		return err
	}
	fresh := views.AdminDetail{
		Change:   views.NewAdminChangeForm(paths.Of(paths.Admin, id), csrf(c), a.Role, a.Active),
		Reset:    views.NewResetPasswordForm(paths.Of(paths.AdminPassword, id), csrf(c)),
		Password: views.NewPasswordForm(paths.Account, csrf(c)),
	}
	if d != nil {
		if views.Invalid(&d.Change) {
			fresh.Change = d.Change
		}
		if views.Invalid(&d.Reset) {
			fresh.Reset = d.Reset
		}
		if views.Invalid(&d.Password) {
			fresh.Password = d.Password
		}
	}
	fresh.Self = sessionOf(c).AdminID == id
	fresh.LastLogin, fresh.Created = h.fmtTimePtr(a.LastLoginAt), h.fmtTime(a.CreatedAt)
	if !until.IsZero() {
		fresh.ThrottledUntil, fresh.ThrottledClients = h.fmtTime(until), clients
	}
	page, err := h.detailPage(c, a.Username, "administradores", "admin", a.ID)
	if err != nil {
		return err
	}
	return web.Render(c, status, views.AdminPage(page, a, fresh))
}

// adminDeletion deletes another administrator (never oneself or the last one).
var adminDeletion = deletion{
	nav: "administradores", title: "Eliminar administrador", page: paths.Admin, confirm: paths.AdminDelete, list: paths.Admins,
	missing: "ese administrador", done: "Administrador eliminado.",
	describe: func(c *fiber.Ctx, s *models.Store, id int64) (string, string, error) {
		a, err := s.AdminByID(c.UserContext(), id)
		if err != nil {
			return "", "", err
		}
		return "Eliminar a " + a.Username, "al administrador " + a.Username, nil
	},
	dependents: func(c *fiber.Ctx, s *models.Store, id int64) (string, error) {
		return s.AdminDependents(c.UserContext(), id, actor(c))
	},
	del: func(c *fiber.Ctx, s *models.Store, id int64) error {
		return s.DeleteAdmin(c.UserContext(), id, actor(c))
	},
}

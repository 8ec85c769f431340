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
	l.Columns = []views.Column{{Label: "Usuario", Sort: "usuario"}, {Label: "Último ingreso", Sort: "acceso"}, {Label: "Creado", Sort: "creado"}}
	for _, a := range res.Items {
		l.Rows = append(l.Rows, views.Row{Cells: []views.Cell{
			{Text: a.Username, Href: paths.Of(paths.Admin, a.ID)},
			{Text: h.fmtTimePtr(a.LastLoginAt)}, {Text: h.fmtTime(a.CreatedAt)},
		}})
	}
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

// adminShow shows an administrator; on one's own page, the password form.
func (h *Handler) adminShow(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	return h.renderAdmin(c, fiber.StatusOK, id, nil)
}

func (h *Handler) renderAdmin(c *fiber.Ctx, status int, id int64, f *views.PasswordForm) error {
	a, err := h.store.AdminByID(c.UserContext(), id)
	if err != nil {
		return notFound(err, "ese administrador")
	}
	if f == nil {
		form := views.NewPasswordForm(paths.Of(paths.Admin, id), csrf(c))
		f = &form
	}
	self := sessionOf(c).AdminID == id
	return web.Render(c, status, views.AdminPage(h.page(c, a.Username, "administradores"), a, self, *f, h.fmtTimePtr(a.LastLoginAt)))
}

// adminUpdate changes the logged-in administrator's own password.
func (h *Handler) adminUpdate(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	if sessionOf(c).AdminID != id {
		return web.NewProblem(fiber.StatusForbidden, "Solo puede cambiar su propia contraseña.")
	}
	f := views.NewPasswordForm(paths.Of(paths.Admin, id), csrf(c))
	readForm(c, &f)
	err = h.store.ChangePassword(c.UserContext(), id, f.Current.Value, f.Password.Value, actor(c))
	if failed(&f, err) {
		return formFailed(c, statusOf(err), views.PasswordFormView(f), func() error {
			return h.renderAdmin(c, statusOf(err), id, &f)
		})
	}
	if err != nil {
		return notFound(err, "ese administrador")
	}
	// The change ended every session of this account, this one too: this
	// browser goes on in a new one.
	if err := h.startSession(c, id, sessionOf(c).User); err != nil {
		return err
	}
	flash(c, "ok", "Contraseña cambiada. Se cerraron las demás sesiones de esta cuenta.")
	return redirect(c, paths.Of(paths.Admin, id))
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

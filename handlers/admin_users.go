package handlers

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"transito/models"
	"transito/views"
)

// adminList shows the administrators.
func (h *adminHandler) adminList(c *fiber.Ctx) error {
	f := views.Form{CSRF: sessionOf(c).CSRF, Action: "/admin/administradores", Values: map[string]string{}, Errors: map[string]string{}}
	return h.renderAdminList(c, fiber.StatusOK, f)
}

func (h *adminHandler) renderAdminList(c *fiber.Ctx, status int, form views.Form) error {
	lq := listQuery(c)
	res, err := h.store.ListAdmins(c.UserContext(), lq)
	if err != nil {
		return err
	}
	l := newList("/admin/administradores", "Administradores", "administradores", lq, res.Total, res.PerPage)
	l.SearchLabel, l.SearchHint = "Buscar por usuario", ""
	l.Empty = "No hay administradores que mostrar."
	l.Columns = []views.Column{{Label: "Usuario", Sort: "usuario"}, {Label: "Último ingreso", Sort: "acceso"}, {Label: "Creado", Sort: "creado"}}
	for _, a := range res.Items {
		l.Rows = append(l.Rows, views.Row{Cells: []views.Cell{
			{Text: a.Username, Href: "/admin/administradores/" + itoa64(a.ID)},
			{Text: h.fmtTimePtr(a.LastLoginAt)}, {Text: h.fmtTime(a.CreatedAt)},
		}})
	}
	form.Values["clave"] = ""
	l.Create, l.CreateLabel, l.CreateOpen = views.AdminForm(form), "Nuevo administrador", form.Invalid()
	return h.respondList(c, h.page(c, "Administradores", "administradores"), l, lq, status, "administradores")
}

// adminCreate adds an administrator.
func (h *adminHandler) adminCreate(c *fiber.Ctx) error {
	f := formOf(c, "/admin/administradores", "usuario", "clave")
	a, err := h.store.CreateAdmin(c.UserContext(), models.AdminInput{Username: f.V("usuario"), Password: f.V("clave")}, actor(c))
	if failed(&f, err) {
		f.Values["clave"] = ""
		return formFailed(c, statusOf(err), views.AdminForm(f), func() error {
			return h.renderAdminList(c, statusOf(err), f)
		})
	}
	if err != nil {
		return err
	}
	flash(c, "ok", "Administrador «"+a.Username+"» creado.")
	return redirect(c, "/admin/administradores")
}

// adminShow shows an administrator; on one's own page, the password form.
func (h *adminHandler) adminShow(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	return h.renderAdmin(c, fiber.StatusOK, id, nil)
}

func (h *adminHandler) renderAdmin(c *fiber.Ctx, status int, id int64, f *views.Form) error {
	a, err := h.store.AdminByID(c.UserContext(), id)
	if err != nil {
		return notFound(err, "ese administrador")
	}
	if f == nil {
		f = &views.Form{CSRF: sessionOf(c).CSRF, Action: "/admin/administradores/" + itoa64(id), Values: map[string]string{}, Errors: map[string]string{}}
	}
	self := sessionOf(c).AdminID == id
	return render(c, status, views.AdminPage(h.page(c, a.Username, "administradores"), a, self, *f, h.fmtTimePtr(a.LastLoginAt)))
}

// adminUpdate changes the logged-in administrator's own password.
func (h *adminHandler) adminUpdate(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	if sessionOf(c).AdminID != id {
		return newProblem(fiber.StatusForbidden, "Solo puede cambiar su propia contraseña.")
	}
	f := formOf(c, c.Path())
	err = h.store.ChangePassword(c.UserContext(), id, c.FormValue("clave_actual"), c.FormValue("clave"), actor(c))
	if failed(&f, err) {
		return formFailed(c, statusOf(err), views.PasswordForm(f), func() error {
			return h.renderAdmin(c, statusOf(err), id, &f)
		})
	}
	if err != nil {
		return notFound(err, "ese administrador")
	}
	// The change ended every session of this account, this one too: this
	// browser goes on in a new one.
	if _, err := h.startSession(c, id, sessionOf(c).User); err != nil {
		return err
	}
	flash(c, "ok", "Contraseña cambiada. Se cerraron las demás sesiones de esta cuenta.")
	return redirect(c, "/admin/administradores/"+itoa64(id))
}

// adminDeleteConfirm asks before deleting an administrator.
func (h *adminHandler) adminDeleteConfirm(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	return h.renderAdminDelete(c, fiber.StatusOK, id, "")
}

func (h *adminHandler) renderAdminDelete(c *fiber.Ctx, status int, id int64, blocked string) error {
	a, err := h.store.AdminByID(c.UserContext(), id)
	if err != nil {
		return notFound(err, "ese administrador")
	}
	if blocked == "" && sessionOf(c).AdminID == id {
		blocked = "No puede eliminar su propia cuenta."
	}
	back := "/admin/administradores/" + itoa64(id)
	return render(c, status, views.ConfirmDeletePage(h.page(c, "Eliminar administrador", "administradores"),
		"Eliminar a "+a.Username, "al administrador "+a.Username, blocked, back+"/eliminar", back))
}

// adminDelete deletes another administrator (never oneself or the last one).
func (h *adminHandler) adminDelete(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	err = h.store.DeleteAdmin(c.UserContext(), id, actor(c))
	var ce *models.ConflictError
	if errors.As(err, &ce) {
		return h.renderAdminDelete(c, fiber.StatusConflict, id, ce.Message)
	}
	if err != nil {
		return notFound(err, "ese administrador")
	}
	flash(c, "ok", "Administrador eliminado.")
	return redirect(c, "/admin/administradores")
}

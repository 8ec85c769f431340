package admin

import (
	"github.com/gofiber/fiber/v2"

	"transito/handlers/web"
	"transito/paths"
)

// Routes registers the whole admin panel. Every route under /admin answers
// its errors with the panel's error page, loads the session and checks the
// CSRF token of state-changing requests; every route but the login form
// requires a logged-in administrator.
func (h *Handler) Routes(r fiber.Router) {
	r.Use(paths.Panel, web.ProblemsAs(h.RenderProblem), h.sessionMiddleware, h.csrfProtect)
	r.Get(paths.Login, h.loginForm)
	r.Post(paths.Login, h.login)
	r.Use(paths.Panel, h.requireAdmin)
	r.Post(paths.Logout, h.logout)
	r.Get(paths.Panel, h.dashboard)

	r.Get(paths.Persons, h.personList)
	r.Post(paths.Persons, h.personCreate)
	r.Get(paths.PersonSearch, h.personPicker)
	r.Get(paths.Person, h.personShow)
	r.Post(paths.Person, h.personUpdate)
	r.Get(paths.PersonDelete, h.deleteConfirm(personDeletion))
	r.Post(paths.PersonDelete, h.delete(personDeletion))
	r.Delete(paths.Person, h.delete(personDeletion))

	r.Get(paths.Vehicles, h.vehicleList)
	r.Post(paths.Vehicles, h.vehicleCreate)
	r.Get(paths.Vehicle, h.vehicleShow)
	r.Post(paths.Vehicle, h.vehicleUpdate)
	r.Get(paths.VehicleDelete, h.deleteConfirm(vehicleDeletion))
	r.Post(paths.VehicleDelete, h.delete(vehicleDeletion))
	r.Delete(paths.Vehicle, h.delete(vehicleDeletion))

	r.Get(paths.Officers, h.officerList)
	r.Post(paths.Officers, h.officerCreate)
	r.Get(paths.Officer, h.officerShow)
	r.Post(paths.Officer, h.officerUpdate)
	r.Post(paths.OfficerToken, h.officerTokenIssue)
	r.Post(paths.OfficerTokenRevoke, h.officerTokenRevoke)
	r.Post(paths.OfficerActive, h.officerToggleActive)
	r.Get(paths.OfficerDelete, h.deleteConfirm(officerDeletion))
	r.Post(paths.OfficerDelete, h.delete(officerDeletion))
	r.Delete(paths.Officer, h.delete(officerDeletion))

	r.Get(paths.Infractions, h.infractionList)
	r.Post(paths.Infractions, h.infractionCreate)
	r.Get(paths.Infraction, h.infractionShow)
	r.Post(paths.InfractionVoid, h.infractionVoid)

	r.Get(paths.Admins, h.adminList)
	r.Post(paths.Admins, h.adminCreate)
	r.Get(paths.Admin, h.adminShow)
	r.Post(paths.Admin, h.adminUpdate)
	r.Get(paths.AdminDelete, h.deleteConfirm(adminDeletion))
	r.Post(paths.AdminDelete, h.delete(adminDeletion))

	r.Get(paths.Audit, h.auditList)

	r.Get(paths.Import, h.importForm)
	r.Post(paths.Import, h.importPreview)
	r.Post(paths.ImportConfirm, h.importConfirm)
}

package admin

import (
	"github.com/gofiber/fiber/v2"

	"transito/handlers/web"
	"transito/models/rules"
	"transito/paths"
)

// Routes registers the whole admin panel. Every route under /admin answers
// its errors with the panel's error page, loads the session and checks the
// CSRF token of state-changing requests; every route but the login form
// requires a logged-in, active account.
//
// r.Get is a page every role may read. operador, supervisor and
// administrador register what needs that role or above (see roles.go):
// every route that changes something goes through one of them, as DESIGN.md's
// table of roles says.
func (h *Handler) Routes(r fiber.Router) {
	r.Use(paths.Panel, web.ProblemsAs(h.RenderProblem), h.sessionMiddleware, h.csrfProtect)
	r.Get(paths.Login, h.loginForm)
	r.Post(paths.Login, h.login)
	r.Use(paths.Panel, h.requireAdmin)
	operador := allow(r, rules.RoleOperador)
	supervisor := allow(r, rules.RoleSupervisor)
	administrador := allow(r, rules.RoleAdministrador)

	operador.Post(paths.Logout, h.logout)
	r.Get(paths.Panel, h.dashboard)
	r.Get(paths.Account, h.accountShow)
	operador.Post(paths.Account, h.accountPassword)

	r.Get(paths.Persons, h.personList)
	operador.Post(paths.PersonsExport, selectedExport(h.personList))
	operador.Post(paths.Persons, h.personCreate)
	r.Get(paths.PersonSearch, h.personPicker)
	r.Get(paths.Person, h.personShow)
	operador.Post(paths.Person, h.personUpdate)
	operador.Get(paths.PersonDelete, h.deleteConfirm(personDeletion))
	operador.Post(paths.PersonDelete, h.delete(personDeletion))
	operador.Delete(paths.Person, h.delete(personDeletion))

	r.Get(paths.Vehicles, h.vehicleList)
	operador.Post(paths.VehiclesExport, selectedExport(h.vehicleList))
	operador.Post(paths.Vehicles, h.vehicleCreate)
	r.Get(paths.VehicleSearch, h.plateSuggestions)
	r.Get(paths.Vehicle, h.vehicleShow)
	operador.Post(paths.Vehicle, h.vehicleUpdate)
	operador.Get(paths.VehicleDelete, h.deleteConfirm(vehicleDeletion))
	operador.Post(paths.VehicleDelete, h.delete(vehicleDeletion))
	operador.Delete(paths.Vehicle, h.delete(vehicleDeletion))

	r.Get(paths.Officers, h.officerList)
	operador.Post(paths.OfficersExport, selectedExport(h.officerList))
	supervisor.Post(paths.OfficersActive, h.officersActive)
	supervisor.Post(paths.Officers, h.officerCreate)
	r.Get(paths.OfficerSearch, h.officerSuggestions)
	r.Get(paths.Officer, h.officerShow)
	supervisor.Post(paths.Officer, h.officerUpdate)
	supervisor.Post(paths.OfficerToken, h.officerTokenIssue)
	supervisor.Post(paths.OfficerTokenRevoke, h.officerTokenRevoke)
	supervisor.Post(paths.OfficerActive, h.officerToggleActive)
	supervisor.Get(paths.OfficerDelete, h.deleteConfirm(officerDeletion))
	supervisor.Post(paths.OfficerDelete, h.delete(officerDeletion))
	supervisor.Delete(paths.Officer, h.delete(officerDeletion))

	r.Get(paths.Infractions, h.infractionList)
	operador.Post(paths.InfractionsExport, selectedExport(h.infractionList))
	operador.Post(paths.Infractions, h.infractionCreate)
	r.Get(paths.Infraction, h.infractionShow)
	r.Get(paths.InfractionPhoto, h.photoShow)
	r.Get(paths.InfractionThumb, h.photoThumb)
	supervisor.Post(paths.InfractionsAnnul, h.infractionsAnnul)
	supervisor.Post(paths.InfractionVoid, h.infractionVoid)
	operador.Post(paths.InfractionClassify, h.infractionClassify)
	operador.Post(paths.InfractionPayment, h.infractionPayment)

	r.Get(paths.Catalog, h.catalogList)
	administrador.Post(paths.Catalog, h.catalogCreate)
	administrador.Post(paths.CatalogImport, h.catalogImport)
	r.Get(paths.CatalogType, h.catalogShow)
	administrador.Post(paths.CatalogType, h.catalogUpdate)

	r.Get(paths.Tariffs, h.tariffShow)
	administrador.Post(paths.Tariffs, h.tariffSettings)
	administrador.Post(paths.TariffUnit, h.tariffUnit)

	administrador.Get(paths.Admins, h.adminList)
	administrador.Post(paths.AdminsExport, selectedExport(h.adminList))
	administrador.Post(paths.Admins, h.adminCreate)
	administrador.Get(paths.Admin, h.adminShow)
	administrador.Post(paths.Admin, h.adminUpdate)
	administrador.Post(paths.AdminPassword, h.adminPasswordReset)
	administrador.Post(paths.AdminUnlock, h.adminUnlock)
	administrador.Get(paths.AdminDelete, h.deleteConfirm(adminDeletion))
	administrador.Post(paths.AdminDelete, h.delete(adminDeletion))

	r.Get(paths.Audit, h.auditList)
	operador.Post(paths.AuditExport, selectedExport(h.auditList))

	r.Get(paths.Disputes, h.disputeList)
	r.Get(paths.Dispute, h.disputeShow)
	r.Get(paths.DisputeFile, h.disputeFile)
	supervisor.Post(paths.DisputeResolve, h.disputeResolve)
	r.Get(paths.Notifications, h.notificationList)

	operador.Get(paths.Import, h.importForm)
	operador.Post(paths.Import, h.importPreview)
	operador.Post(paths.ImportConfirm, h.importConfirm)
}

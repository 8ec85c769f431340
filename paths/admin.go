package paths

// The panel (handlers/admin). Every path starts with Panel.
const (
	Panel  = "/admin"
	Login  = Panel + "/login"
	Logout = Panel + "/logout"
	// Account is one's own account: its role and the password form.
	Account = Panel + "/cuenta"

	Persons = Panel + "/personas"
	// PersonsExport and the other lists' …Export paths export the rows a
	// list checked (ids), in the format the button says (formato).
	PersonsExport = Persons + "/exportar"
	PersonSearch  = Persons + "/buscar"
	Person        = Persons + "/:id"
	PersonDelete  = Person + "/eliminar"

	Vehicles       = Panel + "/vehiculos"
	VehiclesExport = Vehicles + "/exportar"
	VehicleSearch  = Vehicles + "/buscar"
	Vehicle        = Vehicles + "/:id"
	VehicleDelete  = Vehicle + "/eliminar"

	Officers       = Panel + "/oficiales"
	OfficersExport = Officers + "/exportar"
	// OfficersActive activates (activo=1) or deactivates (activo=0) the
	// officers a list checked, all or none, after a confirmation.
	OfficersActive     = Officers + "/activar"
	OfficerSearch      = Officers + "/buscar"
	Officer            = Officers + "/:id"
	OfficerToken       = Officer + "/token"
	OfficerTokenRevoke = OfficerToken + "/revocar"
	OfficerActive      = Officer + "/activo"
	OfficerDelete      = Officer + "/eliminar"

	Infractions = Panel + "/infracciones"
	// InfractionsAnnul annuls the infractions a list selected (ids), all or
	// none, after a confirmation that names how many.
	InfractionsAnnul  = Infractions + "/anular"
	InfractionsExport = Infractions + "/exportar"
	Infraction        = Infractions + "/:id"
	InfractionVoid    = Infraction + "/anular"
	// InfractionPhoto is one evidence photo of an infraction as uploaded,
	// InfractionThumb its thumbnail.
	InfractionPhoto = Infraction + "/fotos/:foto"
	InfractionThumb = InfractionPhoto + "/miniatura"
	// InfractionClassify sets the type of an infraction sin tipificar;
	// InfractionPayment records its payment.
	InfractionClassify = Infraction + "/tipificar"
	InfractionPayment  = Infraction + "/pago"

	// Catalog is the legal catalogue of infraction types; CatalogImport
	// loads it from a CSV file.
	Catalog       = Panel + "/catalogo"
	CatalogImport = Catalog + "/importar"
	CatalogType   = Catalog + "/:id"

	// Tariffs is "Tarifas y plazos": the deadline settings and the unit
	// value's history; TariffUnit sets a unit value.
	Tariffs    = Panel + "/tarifas"
	TariffUnit = Tariffs + "/unidad"

	Admins        = Panel + "/administradores"
	AdminsExport  = Admins + "/exportar"
	Admin         = Admins + "/:id"
	AdminPassword = Admin + "/clave"
	AdminUnlock   = Admin + "/desbloquear"
	AdminDelete   = Admin + "/eliminar"

	Audit       = Panel + "/auditoria"
	AuditExport = Audit + "/exportar"

	Import        = Panel + "/importar"
	ImportConfirm = Import + "/confirmar"
)

// entityPages are the panel pages of the kinds of record the audit log
// names.
var entityPages = map[string]string{
	"person": Person, "vehicle": Vehicle, "officer": Officer, "infraction": Infraction, "admin": Admin,
}

// Entity is the panel page of an audited record ("person", 7 →
// /admin/personas/7), "" when the kind has none or id is 0.
func Entity(entity string, id int64) string {
	p, ok := entityPages[entity]
	if !ok || id == 0 {
		return ""
	}
	return Of(p, id)
}

// The descargos queue and the mail outbox (issue 13).
const (
	Disputes       = Panel + "/descargos"
	Dispute        = Panel + "/descargos/:id"
	DisputeResolve = Panel + "/descargos/:id/resolver"
	DisputeFile    = Panel + "/descargos/:id/adjuntos/:adjunto"
	Notifications  = Panel + "/notificaciones"
)

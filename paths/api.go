package paths

// The JSON API (handlers/api). Each endpoint answers the spellings
// DESIGN.md pins: with and without a trailing slash, and under /api/v1.
const (
	CreateInfraction   = "/cargar_infraccion"
	CreateInfractionV1 = "/api/v1/infracciones"
	// Photos are an infraction's evidence photos, which its officer uploads.
	Photos   = CreateInfractionV1 + "/:id/fotos"
	Report   = "/generar_informe"
	ReportV1 = "/api/v1/informes"
	// Catalogue is the active legal catalogue, VehicleCheck one vehicle
	// with its unpaid fines (both for officers), Payments the payment
	// provider's webhook.
	Catalogue    = "/api/v1/catalogo"
	VehicleCheck = "/api/v1/vehiculos/:placa"
	Payments     = "/api/v1/pagos"
	// APIDocs is the API's reference page; problem types are anchors on it.
	APIDocs = "/api"
	OpenAPI = "/api/openapi.yaml"
)

// CreateInfractionPaths are the spellings of CreateInfraction.
func CreateInfractionPaths() []string {
	return []string{CreateInfraction, CreateInfraction + "/", CreateInfractionV1}
}

// ReportPaths are the spellings of Report.
func ReportPaths() []string { return []string{Report, Report + "/", ReportV1} }

// APIPrefixes are the prefixes of every path the API answers, an unknown
// one included.
func APIPrefixes() []string { return []string{CreateInfraction, Report, APIDocs} }

package rules

// The names of the fields people fill in: how the panel's forms submit them,
// the API and the import file name them, and FieldErrors reports them.
const (
	FieldName             = "nombre"
	FieldEmail            = "email"
	FieldPlate            = "placa_patente"
	FieldBrand            = "marca"
	FieldColor            = "color"
	FieldOwner            = "persona_id"
	FieldBadge            = "numero"
	FieldActive           = "activo"
	FieldOfficer          = "oficial"
	FieldTimestamp        = "timestamp"
	FieldComments         = "comentarios"
	FieldVoidReason       = "motivo"
	FieldVoidPublicReason = "motivo_publico"
	FieldUsername         = "usuario"
	FieldPassword         = "clave"
	FieldCurrentPassword  = "clave_actual"
	FieldRole             = "rol"
	FieldDocument         = "documento"

	// The legal catalogue and the fines.
	FieldCode        = "codigo"
	FieldDescription = "descripcion"
	FieldLegalRef    = "referencia_legal"
	FieldSeverity    = "gravedad"
	FieldUnits       = "unidades"
	FieldPoints      = "puntos"
	FieldPlace       = "ubicacion"
	FieldFrom        = "desde"
	FieldValue       = "valor"

	// Payments and descargos.
	FieldInfractionID = "infraccion_id"
	FieldAmount       = "importe"
	FieldMethod       = "metodo"
	FieldReference    = "referencia"
	FieldPaidAt       = "pagado_en"
	FieldText         = "texto"
	FieldDecision     = "decision"
	FieldResolution   = "resolucion"
)

package paths

// The citizens' pages (handlers/portal).
const (
	Home         = "/"
	Lookup       = "/consulta"
	Access       = "/acceso"
	Acta         = "/comprobantes/acta/:id.pdf"
	Recibo       = "/comprobantes/recibo/:id.pdf"
	LibreDeuda   = "/certificados/libre-deuda.pdf"
	Descargo     = "/infracciones/:id/descargo"
	PortalPhoto  = "/infracciones/:id/fotos/:foto"
	Verify       = "/verificar/:code"
	VerifyPrefix = "/verificar/"
)

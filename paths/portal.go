package paths

// The citizens' pages (handlers/portal).
const (
	Home   = "/"
	Lookup = "/consulta"
)

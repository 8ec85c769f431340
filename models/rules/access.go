package rules

// The report's access modes (TRANSITO_REPORT_ACCESS).
const (
	// AccessOpen: the e-mail alone shows the report (the challenge's
	// contract, the default).
	AccessOpen = "open"
	// AccessVerified: the report also needs a proof of ownership — a plate
	// of a vehicle in the person's name, their document, or a one-time
	// link's token.
	AccessVerified = "verified"
)

// ValidAccess reports whether mode is an access mode.
func ValidAccess(mode string) bool { return mode == AccessOpen || mode == AccessVerified }

// The query parameters of a proof of ownership.
const (
	FieldAccessToken = "acceso"
)

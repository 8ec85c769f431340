package views

import "strconv"

// LookupState says what the result region of the public page shows.
type LookupState string

// The states of a public look-up.
const (
	LookupNone    LookupState = ""            // no query yet: only the form
	LookupFound   LookupState = "encontrado"  // the person and their infractions (maybe none)
	LookupInvalid LookupState = "invalido"    // missing or malformed e-mail
	LookupUnknown LookupState = "desconocido" // no person has the e-mail
	LookupLimited LookupState = "limite"      // too many requests
	LookupFailed  LookupState = "error"       // anything unexpected
)

// Lookup is the view model of the public look-up: the form and its result.
type Lookup struct {
	// Email is what the citizen typed, shown back in the form.
	Email string
	State LookupState
	// Message explains an error state, in Spanish.
	Message string
	// RequestID identifies a failed request for support.
	RequestID string
	// PersonName is the holder's name when the e-mail was found.
	PersonName string
	Rows       []LookupRow
	// Zone names the time zone the dates are shown in.
	Zone string
	// JSONURL is the report API URL of the same look-up.
	JSONURL string
	// RetryAfter is the number of seconds to wait after a 429.
	RetryAfter string
	// GeneratedAt is when the report was made, in the configured zone;
	// only the printed copy shows it.
	GeneratedAt string
}

// LookupRow is one infraction as the public page shows it.
type LookupRow struct {
	ID int64
	// When is the date and time in the configured zone; ISO is the same
	// instant in RFC 3339 for the <time> element.
	When       string
	ISO        string
	Plate      string
	Brand      string
	Color      string
	Comments   string
	Officer    string
	Badge      string
	Annulled   bool
	VoidReason string
}

// cellClass stacks a cell under its label on a phone and lays it out as a
// table cell on wider screens and on paper.
const cellClass = "block py-1 before:mr-2 before:font-semibold before:text-slate-600 before:content-[attr(data-label)':'] md:table-cell md:py-2 md:pr-3 md:align-top md:before:content-none print:table-cell print:py-1 print:pr-2 print:align-top print:before:content-none"

func vehicle(r LookupRow) string {
	switch {
	case r.Brand != "" && r.Color != "":
		return r.Brand + ", " + r.Color
	case r.Brand != "":
		return r.Brand
	}
	return r.Color
}

func statusOf(r LookupRow) string {
	if r.Annulled {
		return "anulada"
	}
	return "vigente"
}

func infractionCount(n int) string {
	if n == 1 {
		return "1 infracción registrada."
	}
	return strconv.Itoa(n) + " infracciones registradas."
}

func int64String(n int64) string { return strconv.FormatInt(n, 10) }

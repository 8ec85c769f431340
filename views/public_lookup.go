package views

import (
	"net/url"
	"strconv"

	"transito/paths"
)

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
	// Verified is the verified access mode: the form also asks for a
	// plate or a document, and offers a one-time link.
	Verified bool
	// Plate and Document are the proof the citizen typed, shown back.
	Plate, Document string
	// Proven says the visit proved the person: the rows carry their
	// actions (documents, descargo, photos).
	Proven bool
	// Notice is a message above the report (e.g. a proof that did not
	// match in open mode).
	Notice string
	// Owed is the total owed today and Savings what paying every
	// discounted fine before its discount ends saves ("" when nothing).
	Owed, Savings string
	// SavingsUntil is the first discount deadline, for the summary.
	SavingsUntil string
	// LibreDeudaURL is the certificate's link per plate, when proven.
	Plates []PlateLink
	// Cards, when set, are the fines already rendered (InfractionCards),
	// drawn instead of Rows.
	Cards *Cards
}

// Cards are the rendered cards of a report's fines.
type Cards struct {
	Count int
	HTML  string
}

// PlateLink is a vehicle of the person with its libre deuda link.
type PlateLink struct {
	Plate, Href string
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

	// The fine (empty while sin tipificar).
	Code, Description, LegalRef string
	Points                      int
	Place                       string
	// Status is the estado (vigente, en_descargo, pagada, anulada,
	// prescrita).
	Status string
	// Amount is the importe, ToPay a_pagar today with its Reason; "" when
	// they do not apply.
	Amount, ToPay, Reason string
	// Deadline is the next date that changes what is owed, said in full.
	Deadline string
	// How to pay: a link (PayURL) or a text (PayText), when something is owed.
	PayURL, PayText string
	// The actions, when the visit is proven ("" when not offered).
	ActaURL, ReciboURL, DescargoURL string
	Photos                          []string
	// Disputes are the descargos and their resolutions.
	Disputes []DisputeView
}

// DisputeView is a descargo as the citizen sees it.
type DisputeView struct {
	Reference, Status, Filed, Resolution, Resolved string
}

// DisputeStatusLabel names a descargo's status.
func DisputeStatusLabel(s string) string {
	switch s {
	case "pendiente":
		return "En trámite"
	case "aceptado":
		return "Aceptado"
	case "rechazado":
		return "Rechazado"
	}
	return s
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
	if r.Status != "" {
		return r.Status
	}
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

// accessHref is the page that confirms the holder, with the e-mail filled.
func accessHref(email string) string {
	if email == "" {
		return paths.Access
	}
	return paths.Access + "?email=" + url.QueryEscape(email)
}

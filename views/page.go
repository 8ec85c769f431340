// Package views holds the templ components of Tránsito: layouts, pages and
// the fragments htmx swaps in. Views never touch the database: handlers pass
// them plain values.
package views

import "transito/models/rules"

// DateTimeLayout is how the pages write a date and time (in the configured
// time zone).
const DateTimeLayout = "02/01/2006 15:04"

// Flash is a one-time message shown at the top of a page.
type Flash struct {
	Kind    string // "ok" or "error"
	Message string
}

// Page is the view model every layout takes.
type Page struct {
	Title string
	// CSRF is the token forms carry as _csrf and htmx sends as X-CSRF-Token.
	CSRF string
	// User is the logged-in administrator, "" on public pages.
	User string
	// UserID is the logged-in administrator's id (0 on public pages).
	UserID int64
	// Role is the logged-in administrator's role ("" on public pages): the
	// pages show only the actions it may take.
	Role rules.Role
	// Nav names the active section of the admin sidebar.
	Nav     string
	Flashes []Flash
}

// Can reports whether the logged-in administrator may do what needs role
// min: the pages hide the buttons, forms and links of what it may not.
func (p Page) Can(min rules.Role) bool { return p.Role.Includes(min) }

// Package views holds the templ components of Tránsito: layouts, pages and
// the fragments htmx swaps in. Views never touch the database: handlers pass
// them plain values.
package views

import (
	"fmt"
	"time"

	"github.com/a-h/templ"

	"transito/models/rules"
	"transito/paths"
)

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
	// Crumbs is where the page stands in the panel, from Inicio down to
	// itself (the last one, without a link).
	Crumbs []Crumb
	// Zone names the display time zone (see ZoneName).
	Zone string
	// Related are cards of a detail page's related records (a person's
	// fines, a vehicle's owners); DetailLayout shows them after the page's
	// content, then History, the record's history.
	Related []templ.Component
	History *History
}

// Crumb is one step of the breadcrumbs; the current page has no Href.
type Crumb struct {
	Label, Href string
}

// AdminCrumbs are the breadcrumbs of a panel page: Inicio, the section nav
// names (a link, unless the page is the section's list), and the page.
func AdminCrumbs(nav, title string) []Crumb {
	crumbs := []Crumb{{"Inicio", paths.Panel}}
	if nav == "inicio" {
		return []Crumb{{Label: "Inicio"}}
	}
	for _, it := range adminNav {
		if it.key == nav && it.label != title {
			crumbs = append(crumbs, Crumb{it.label, it.href})
		}
	}
	return append(crumbs, Crumb{Label: title})
}

// navLabel names the section nav is on ("" when none is).
func navLabel(nav string) string {
	for _, it := range adminNav {
		if it.key == nav {
			return it.label
		}
	}
	return ""
}

func orUTC(zone string) string {
	if zone == "" {
		return "UTC"
	}
	return zone
}

// ZoneName names a time zone for people: its IANA name and its offset now,
// "America/Argentina/Buenos_Aires (UTC−03:00)", or "UTC".
func ZoneName(loc *time.Location) string {
	if loc == nil || loc == time.UTC || loc.String() == "UTC" {
		return "UTC"
	}
	_, off := time.Now().In(loc).Zone()
	sign := "+"
	if off < 0 {
		sign, off = "−", -off
	}
	return fmt.Sprintf("%s (UTC%s%02d:%02d)", loc.String(), sign, off/3600, off%3600/60)
}

// Can reports whether the logged-in administrator may do what needs role
// min: the pages hide the buttons, forms and links of what it may not.
func (p Page) Can(min rules.Role) bool { return p.Role.Includes(min) }

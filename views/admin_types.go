package views

import (
	"net/url"
	"strconv"

	"github.com/a-h/templ"

	"transito/models/rules"
)

// Column is a column of a list table. Sort is the orden key, "" when the
// column cannot be sorted.
type Column struct {
	Label string
	Sort  string
	Num   bool
}

// Cell is one value of a list table: plain text, a link, or a status badge
// (Badge is a kind of the status palette, see StatusKind).
type Cell struct {
	Text  string
	Href  string
	Badge string
	Mono  bool
}

// Row is one line of a list table.
type Row struct {
	Cells []Cell
}

// List is a list page: the table of one page of results, the search and
// filter state (which lives in the URL, so every view is bookmarkable) and
// the page's create form.
type List struct {
	Base  string // the list's path, e.g. /admin/personas
	Title string
	// NounOne and Noun name one and several of the list's records, for
	// the total: "1 persona", "2 personas".
	NounOne, Noun string
	Columns       []Column
	Rows          []Row
	Query         url.Values // q, orden and filters; never pagina
	Sort          string
	Desc          bool
	Page          int
	Pages         int
	Total         int
	Empty         string
	// SearchLabel and SearchHint describe the search box.
	SearchLabel, SearchHint string
	// Filters are extra inputs of the search form; Create is the create form.
	Filters templ.Component
	Create  templ.Component
	// CreateLabel titles the create form's disclosure; CreateOpen opens it
	// (after a validation error).
	CreateLabel string
	CreateOpen  bool
	// Dates is the list's date drill-down, if it has one.
	Dates *DateDrill
	// Zone, when the list shows times, names their time zone.
	Zone string
}

// WithDates is the URL of the list with desde and hasta set (both "" for
// every date), its search, other filters and sort kept, from page one.
func (l List) WithDates(desde, hasta string) string {
	return l.href(func(v url.Values) {
		v.Del("desde")
		v.Del("hasta")
		if desde != "" {
			v.Set("desde", desde)
		}
		if hasta != "" {
			v.Set("hasta", hasta)
		}
	})
}

func (l List) href(mut func(v url.Values)) string {
	v := url.Values{}
	for k, vs := range l.Query {
		for _, x := range vs {
			if x != "" {
				v.Add(k, x)
			}
		}
	}
	mut(v)
	if len(v) == 0 {
		return l.Base
	}
	return l.Base + "?" + v.Encode()
}

// TotalNoun is the noun the total takes.
func (l List) TotalNoun() string {
	if l.Total == 1 {
		return l.NounOne
	}
	return l.Noun
}

// SortHref is the URL that sorts by key: ascending first, then toggling.
func (l List) SortHref(key string) string {
	return l.href(func(v url.Values) {
		o := key
		if l.Sort == key && !l.Desc {
			o = "-" + key
		}
		v.Set("orden", o)
	})
}

// SortMark is the arrow of the sorted column.
func (l List) SortMark(key string) string {
	switch {
	case l.Sort != key:
		return ""
	case l.Desc:
		return "↓"
	default:
		return "↑"
	}
}

// AriaSort is the aria-sort value of a column header.
func (l List) AriaSort(key string) string {
	switch {
	case l.Sort != key:
		return "none"
	case l.Desc:
		return "descending"
	default:
		return "ascending"
	}
}

// PageHref is the URL of page n with the same query.
func (l List) PageHref(n int) string {
	return l.href(func(v url.Values) {
		if n > 1 {
			v.Set("pagina", strconv.Itoa(n))
		}
	})
}

// ExportHref is the URL of the list's export in format (csv, csv-excel,
// xlsx), with its search, filters and sort.
func (l List) ExportHref(format string) string {
	return l.href(func(v url.Values) { v.Set("formato", format) })
}

// OrderValue is the orden parameter as the URL spells it.
func (l List) OrderValue() string {
	if l.Query.Get("orden") == "" {
		return ""
	}
	if l.Desc {
		return "-" + l.Sort
	}
	return l.Sort
}

// Option is one choice of a select.
type Option struct {
	Value, Label string
}

func itoa(n int) string { return strconv.Itoa(n) }

// thousands writes n with dots between thousands (rules.Thousands).
func thousands(n int) string { return rules.Thousands(n) }

// plural writes a count with its noun, "1 persona", "2 personas"
// (rules.Plural): the one way every page says how many.
func plural(n int, one, many string) string { return rules.Plural(n, one, many) }

// statusKinds give each infraction status its colour of the palette
// (static/css/input.css), the same in the panel and the portal.
var statusKinds = map[string]string{
	"vigente": "due", "en_descargo": "info", "pagada": "ok", "anulada": "off", "prescrita": "off", "sin_tipificar": "info",
}

// StatusKind is the palette's meaning of an infraction status.
func StatusKind(status string) string {
	if k, ok := statusKinds[status]; ok {
		return k
	}
	return "off"
}

var statusLabels = map[string]string{
	"vigente": "Vigente", "en_descargo": "En descargo", "pagada": "Pagada", "anulada": "Anulada", "prescrita": "Prescrita", "sin_tipificar": "Sin tipificar",
}

// StatusLabel names an infraction status for people.
func StatusLabel(status string) string {
	if l, ok := statusLabels[status]; ok {
		return l
	}
	return status
}

var auditActions = []Option{
	{"create", "Alta"}, {"update", "Modificación"}, {"delete", "Baja"}, {"annul", "Anulación"},
	{"login", "Ingreso"}, {"login.failed", "Ingreso fallido"}, {"password.change", "Cambio de contraseña"},
	{"token.issue", "Emisión de token"}, {"token.revoke", "Revocación de token"},
	{"activate", "Activación"}, {"deactivate", "Desactivación"}, {"import", "Importación"}, {"seed", "Datos sintéticos"},
	{"password.reset", "Restablecimiento de contraseña"}, {"unlock", "Desbloqueo de ingreso"},
}

func auditActionOptions() []Option { return append([]Option{{"", "Todas"}}, auditActions...) }

// AuditAction names an audit action in Spanish.
func AuditAction(a string) string {
	for _, o := range auditActions {
		if o.Value == a {
			return o.Label
		}
	}
	return a
}

var auditEntities = map[string]string{
	"person": "Persona", "vehicle": "Vehículo", "officer": "Oficial", "infraction": "Infracción",
	"admin": "Administrador", "registry": "Registro", "database": "Base de datos",
}

// AuditEntity names an audited kind of record in Spanish.
func AuditEntity(e string) string {
	if s, ok := auditEntities[e]; ok {
		return s
	}
	return e
}

var auditActors = map[string]string{"admin": "Panel", "officer": "API", "cli": "CLI", "system": "Sistema"}

// AuditActor names where an audited change came from.
func AuditActor(kind string) string {
	if s, ok := auditActors[kind]; ok {
		return s
	}
	return kind
}

// roleOptions are the roles, for a select, from the least to the most
// allowed.
func roleOptions() []Option {
	opts := make([]Option, len(rules.Roles))
	for i, r := range rules.Roles {
		opts[i] = Option{string(r), r.Label()}
	}
	return opts
}

// AdminDetail is what an account's page shows beside the account itself.
type AdminDetail struct {
	// Self is the logged-in administrator's own account.
	Self      bool
	LastLogin string
	Created   string
	// ThrottledUntil is until when (display time) logins of this username
	// are refused from ThrottledClients clients; "" when they are not.
	ThrottledUntil   string
	ThrottledClients int
	Change           AdminChangeForm
	Reset            ResetPasswordForm
	// Password is one's own password form (Self only).
	Password PasswordForm
}

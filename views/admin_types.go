package views

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"transito/models"
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
	// ID is the record's id, the value of its checkbox when the list has
	// a Selection.
	ID int64
}

// Selection is a list's bulk actions: a checkbox per row (form Form) and
// buttons that post the checked ids: Export, when set, is where the list's
// "export selected" posts them (one button per format); each of Actions
// posts them to its confirmation.
type Selection struct {
	Form, CSRF string
	Export     string
	Actions    []BulkAction
}

// BulkAction is a button of a list's Selection: it posts the checked ids to
// Action (with paso=confirmar and, when Name is set, Name=Value).
type BulkAction struct {
	Action, Label, Name, Value, Testid string
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
	// Active are the search and filters the list is filtered by.
	Active []ActiveFilter
	// Select, when set, lets the rows be checked for a bulk action.
	Select *Selection
}

// BulkAnnul is the confirmation of annulling several infractions: how
// many, which, and the reasons; Problem says which one kept them all from
// being annulled, and why.
type BulkAnnul struct {
	IDs     []int64
	Form    VoidForm
	Problem string
}

// BulkOfficers is the confirmation of activating or deactivating several
// officers: which, and what; Problem says which one kept them all from
// changing.
type BulkOfficers struct {
	Officers []OfficerRef
	Active   bool
	CSRF     string
	Problem  string
}

// OfficerRef names an officer of a bulk change.
type OfficerRef struct {
	ID           int64
	Name, Badge  string
	ActiveBefore bool
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

// Exports reports whether the list has an export (its Selection says
// where the checked rows' export goes).
func (l List) Exports() bool { return l.Select != nil && l.Select.Export != "" }

// SelectedExportHref is where the list's "export selected" posts the
// checked rows, with the list's search, filters and sort (the export's
// order).
func (l List) SelectedExportHref() string {
	if l.Select == nil || l.Select.Export == "" {
		return ""
	}
	return List{Base: l.Select.Export, Query: l.Query}.href(func(url.Values) {})
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
	{"classify", "Tipificación"}, {"payment", "Pago"}, {"dispute", "Descargo"}, {"attach", "Adjunto"},
	{"resolve", "Resolución de descargo"},
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
	"dispute": "Descargo", "infraction_type": "Tipo de infracción", "catalog": "Catálogo",
	"settings": "Tarifas y plazos", "unit_value": "Valor de la unidad",
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

// AuditView is one audit entry as people read it: in the configured zone,
// with field labels, formatted values, and actor and record by name.
type AuditView struct {
	// Kind is the action as the audit log stores it ("annul").
	Kind                 string
	When, Source, Action string
	Actor, ActorHref     string
	Record, RecordHref   string
	Changes              []Change
}

// Change is one field of an audit entry: its value, or what it was and
// what it became (Changed).
type Change struct {
	Label    string
	Old, New Value
	Changed  bool
}

// Value is a formatted value, with a link when it names a record.
type Value struct {
	Text, Href string
}

// Summary writes the changes on one line: "Nombre: Ana → Ana María · Color: rojo".
func (a AuditView) Summary() string {
	parts := make([]string, 0, len(a.Changes))
	for _, c := range a.Changes {
		if c.Changed {
			parts = append(parts, c.Label+": "+c.Old.Text+" → "+c.New.Text)
		} else {
			parts = append(parts, c.Label+": "+c.New.Text)
		}
	}
	return strings.Join(parts, " · ")
}

var auditFields = map[string]string{
	"nombre": "Nombre", "email": "Correo electrónico", "documento": "Documento", "placa_patente": "Patente",
	"marca": "Marca", "color": "Color", "persona_id": "Titular", "numero": "Número", "activo": "Activo",
	"motivo": "Motivo interno", "motivo_publico": "Motivo para el ciudadano", "comentarios": "Comentarios",
	"timestamp": "Fecha y hora", "oficial": "Oficial", "via": "Vía", "usuario": "Usuario", "rol": "Rol",
	"cliente": "Cliente", "prefijo": "Prefijo del token", "codigo": "Código", "descripcion": "Descripción",
	"referencia_legal": "Referencia legal", "gravedad": "Gravedad", "unidades": "Unidades", "puntos": "Puntos",
	"importe": "Importe", "metodo": "Método", "referencia": "Referencia", "pagado_en": "Pagado el",
	"decision": "Decisión", "resolucion": "Resolución", "infraccion_id": "Infracción",
	"intentos_borrados": "Intentos borrados", "desde": "Desde", "valor": "Valor", "anterior": "Valor anterior",
	"tipo": "Tipo", "origen": "Origen", "adjuntos": "Adjuntos", "bytes": "Tamaño (bytes)", "mensaje": "Mensaje",
	"linea": "Línea", "texto": "Texto", "vehiculos": "Vehículos", "personas": "Personas",
	"creadas": "Creadas", "actualizadas": "Actualizadas", "ubicacion": "Ubicación",
}

// AuditField labels an audited field in Spanish (the key itself when it
// has no label).
func AuditField(key string) string {
	if s, ok := auditFields[key]; ok {
		return s
	}
	return strings.ReplaceAll(key, "_", " ")
}

// History is a record's newest audit entries on its detail page; More says
// there are older ones, in the audit log at All.
type History struct {
	Entries []AuditView
	More    bool
	All     string
}

// Latest is the newest entry of the action kind among h's entries.
func (h *History) Latest(kind string) (AuditView, bool) {
	if h != nil {
		for _, e := range h.Entries {
			if e.Kind == kind {
				return e, true
			}
		}
	}
	return AuditView{}, false
}

// ActiveFilter is one filter a list is filtered by, as a removable chip.
type ActiveFilter struct {
	Key, Label, Value string
}

// Without is the list's URL without the filter key (from page one).
func (l List) Without(key string) string {
	return l.href(func(v url.Values) {
		v.Del(key)
		if key == "persona" || key == "vehiculo" || key == "entidad" {
			v.Del("registro")
		}
	})
}

// Cleared is the list's URL without search or filters, its sort kept.
func (l List) Cleared() string {
	return l.href(func(v url.Values) {
		for k := range v {
			if k != "orden" {
				v.Del(k)
			}
		}
	})
}

// FilteredBy says, in words, what the list is filtered by ("Titular: Ana
// Martínez · Marca: Ford"); "" when it is not.
func (l List) FilteredBy() string {
	parts := make([]string, len(l.Active))
	for i, f := range l.Active {
		parts[i] = f.Label + ": " + f.Value
	}
	return strings.Join(parts, " · ")
}

// RecordFines are a person's or a vehicle's fines on its page: the newest
// lines, how many there are, and what is owed today.
type RecordFines struct {
	Lines []FineLine
	Count int
	// Owed is the sum of what is owed today (a_pagar) over OwedCount fines.
	Owed      string
	OwedCount int
	// All is the infraction list filtered by the record.
	All string
}

// FineLine is one fine of RecordFines.
type FineLine struct {
	ID                               int64
	When, Plate, Code, Status, ToPay string
}

// Ownership is one owner of a vehicle over time: From and To as display
// times ("" when not known, To "" for the current owner).
type Ownership struct {
	Owner    Value
	From, To string
}

// DefaultAction is the selection form's own action: its first bulk action
// (each button names its own).
func (s *Selection) DefaultAction() string {
	if len(s.Actions) > 0 {
		return s.Actions[0].Action
	}
	return s.Export
}

// Verb is what the confirmation does: "Activar" or "Desactivar".
func (b BulkOfficers) Verb() string {
	if b.Active {
		return "Activar"
	}
	return "Desactivar"
}

// State is the state the change leaves: "activo" or "inactivo".
func (b BulkOfficers) State() string {
	if b.Active {
		return "activo"
	}
	return "inactivo"
}

// ActiveValue is the activo field of the confirmation: "1" or "0".
func (b BulkOfficers) ActiveValue() string {
	if b.Active {
		return "1"
	}
	return "0"
}

// ImportView is the import page: after an upload, Result (the preview, or
// the errors of a refused file) of Filename; Problem is the page's one
// banner and FileError the file input's message; Ready offers the
// confirmation.
type ImportView struct {
	Result             *models.ImportResult
	Filename           string
	Problem, FileError string
	Ready              bool
}

// importErrorsListed is how many errors of a refused file the page lists.
const importErrorsListed = 100

// ListedErrors are the errors the page lists, the first importErrorsListed.
func (v ImportView) ListedErrors() []rules.ImportError {
	if v.Result == nil {
		return nil
	}
	return v.Result.Errors[:min(len(v.Result.Errors), importErrorsListed)]
}

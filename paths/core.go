package paths

// What every deployment serves besides the surfaces.
const (
	Healthz = "/healthz"
	Readyz  = "/readyz"
	Metrics = "/metrics"
	// Static is the prefix of the embedded assets.
	Static   = "/static"
	StyleCSS = Static + "/css/app.css"
	HTMXJS   = Static + "/js/htmx.min.js"
	AppJS    = Static + "/js/app.js"
)

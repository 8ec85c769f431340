// Package static embeds the assets the pages need (CSS built by Tailwind,
// vendored htmx, the small app script, the officer app's scripts and icons)
// so that no request leaves the server.
package static

import "embed"

// FS holds css/, js/ and img/.
//
//go:embed css/app.css js img
var FS embed.FS

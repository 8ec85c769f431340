// Package static embeds the assets the pages need (CSS built by Tailwind,
// vendored htmx, the small app script) so that no request leaves the server.
package static

import "embed"

// FS holds css/ and js/.
//
//go:embed css/app.css js
var FS embed.FS

// Package docs holds Tránsito's documentation; the OpenAPI description is
// embedded so that the server can serve it at /api/openapi.yaml.
package docs

import _ "embed"

// OpenAPI is the OpenAPI 3.1 description of the officer and report API.
//
//go:embed openapi.yaml
var OpenAPI []byte

// Package docs holds Tránsito's documentation; the OpenAPI description is
// embedded so that the server can serve it at /api/openapi.yaml.
package docs

import _ "embed"

// OpenAPI is the OpenAPI 3.1 description of the officer and report API.
//
//go:embed openapi.yaml
var OpenAPI []byte

// ExampleCatalog is a catalogue file in the format of `transito catalog
// import` (CSV: codigo,descripcion,referencia_legal,gravedad,unidades,puntos):
// twenty common infractions of the national traffic law, which the demo
// data and the seed load.
//
//go:embed catalogo-ejemplo.csv
var ExampleCatalog []byte

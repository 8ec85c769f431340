// Package web is what the handlers of every surface share: the problem
// (RFC 9457) a handler returns as its error and the renderers that draw it,
// rendering templ components, telling htmx requests apart, and the client's
// address.
package web

// Package paths names every URL of Tránsito, one file per surface. A route
// is registered with its pattern (Fiber's syntax: "/admin/personas/:id"), and
// every redirect, template and audit link builds the URL from the same
// constant with Of, so that a path is written once and a misspelt name does
// not compile. It imports nothing of the application, so that the views
// use it as the handlers do.
package paths

import (
	"strconv"
	"strings"
)

// Of fills the parameters of pattern (":id", ":foto", ...) with ids, in
// order; a parameter without an id is left as it is.
func Of(pattern string, ids ...int64) string {
	if len(ids) == 0 || !strings.Contains(pattern, ":") {
		return pattern
	}
	var b strings.Builder
	for i := 0; i < len(pattern); i++ {
		if pattern[i] != ':' || len(ids) == 0 {
			b.WriteByte(pattern[i])
			continue
		}
		j := i + 1
		for j < len(pattern) && isNameByte(pattern[j]) {
			j++
		}
		b.WriteString(strconv.FormatInt(ids[0], 10))
		ids = ids[1:]
		i = j - 1
	}
	return b.String()
}

func isNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

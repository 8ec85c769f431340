package views

import (
	"io/fs"
	"regexp"
	"testing"

	"transito/static"
)

// Every meaning of the status palette has its colours in the built CSS:
// the badge's class is made when the page is, so Tailwind sees no source
// that spells it and would leave it out (the safelist keeps it).
func TestStatusPaletteIsInTheCSS(t *testing.T) {
	css, err := fs.ReadFile(static.FS, "css/app.css")
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]bool{"off": true}
	for _, k := range statusKinds {
		kinds[k] = true
	}
	for _, k := range []string{"ok", "due", "info", "bad", "off"} {
		kinds[k] = true
	}
	for k := range kinds {
		if !regexp.MustCompile(`\.status-` + k + `\{[^}]*background-color:`).Match(css) {
			t.Errorf("static/css/app.css has no colours for .status-%s (badges of that kind show uncoloured)", k)
		}
	}
}

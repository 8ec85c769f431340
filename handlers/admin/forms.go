package admin

import (
	"github.com/gofiber/fiber/v2"

	"transito/views"
)

// readForm fills the form's fields from the submitted request: the one
// place that reads the panel's forms. A checkbox submits a hidden "0" and,
// when checked, "1": its last value wins.
func readForm(c *fiber.Ctx, f views.Submission) {
	for _, fl := range f.Fields() {
		if fl.Checkbox {
			fl.Value = lastValue(c, fl.Name, "0")
		} else {
			fl.Value = c.FormValue(fl.Name)
		}
	}
}

// lastValue is the last value submitted for name, urlencoded or multipart,
// or def when there is none.
func lastValue(c *fiber.Ctx, name, def string) string {
	v := def
	for _, b := range c.Context().PostArgs().PeekMulti(name) {
		v = string(b)
	}
	if form, err := c.MultipartForm(); err == nil {
		if vs := form.Value[name]; len(vs) > 0 {
			v = vs[len(vs)-1]
		}
	}
	return v
}

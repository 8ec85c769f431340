package admin

import (
	"errors"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"transito/handlers/web"
	"transito/models"
	"transito/models/rules"
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

// failed puts a validation or conflict error into the form and reports
// whether it did; other errors are the error handler's.
func failed(f views.Submission, err error) bool {
	var fe rules.FieldErrors
	var ce *models.ConflictError
	switch {
	case errors.As(err, &fe):
		views.SetErrors(f, fe)
		return true
	case errors.As(err, &ce):
		if ce.Field != "" {
			views.SetErrors(f, rules.FieldErrors{ce.Field: ce.Message})
		} else {
			f.Common().Message = ce.Message
		}
		return true
	}
	return false
}

// statusOf is 409 for a conflict and 422 for invalid fields.
func statusOf(err error) int {
	if errors.As(err, new(*models.ConflictError)) {
		return fiber.StatusConflict
	}
	return fiber.StatusUnprocessableEntity
}

// formFailed answers a rejected form (or one shown again, status 200): under
// htmx the form fragment (with an out-of-band flash when rejected),
// otherwise the whole page again.
func formFailed(c *fiber.Ctx, status int, fragment templ.Component, page func() error) error {
	if web.IsHTMX(c) {
		c.Status(status)
		c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
		if err := fragment.Render(c.UserContext(), c.Response().BodyWriter()); err != nil {
			return err
		}
		if status < 400 {
			return nil
		}
		return views.Flashes([]views.Flash{{Kind: "error", Message: "No se guardó: revise los campos marcados."}}, true).
			Render(c.UserContext(), c.Response().BodyWriter())
	}
	c.Status(status)
	return page()
}

package web

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"transito/models"
	"transito/models/rules"
)

// Problem is an RFC 9457 problem detail. Handlers return it as an error; the
// error handler renders it as application/problem+json for the API and as an
// error page for the panel and the public pages.
type Problem struct {
	Type      string            `json:"type"`
	Title     string            `json:"title"`
	Status    int               `json:"status"`
	Detail    string            `json:"detail,omitempty"`
	Errors    map[string]string `json:"errors,omitempty"`
	RequestID string            `json:"request_id,omitempty"`

	// Anonymous problems carry no request id in their body: two answers
	// that must be indistinguishable (an unknown e-mail and a wrong proof
	// in verified mode) are the same bytes. The X-Request-ID header still
	// names the request.
	Anonymous bool `json:"-"`

	headers map[string]string
}

func (p *Problem) Error() string { return fmt.Sprintf("problem %d: %s", p.Status, p.Detail) }

// WithHeader adds a response header that goes with the problem.
func (p *Problem) WithHeader(k, v string) *Problem {
	if p.headers == nil {
		p.headers = map[string]string{}
	}
	p.headers[k] = v
	return p
}

// problemTypes names each kind of problem; the types are the anchors of the
// sections of the API page (paths.APIDocs) that document them.
var problemTypes = map[int][2]string{
	fiber.StatusBadRequest:                  {"/api#error-validacion", "Solicitud inválida"},
	fiber.StatusUnauthorized:                {"/api#error-autenticacion", "No autenticado"},
	fiber.StatusForbidden:                   {"/api#error-prohibido", "Acceso denegado"},
	fiber.StatusNotFound:                    {"/api#error-no-encontrado", "No encontrado"},
	fiber.StatusMethodNotAllowed:            {"/api#error-metodo", "Método no permitido"},
	fiber.StatusRequestTimeout:              {"/api#error-lenta", "Solicitud demasiado lenta"},
	fiber.StatusRequestEntityTooLarge:       {"/api#error-tamano", "Cuerpo demasiado grande"},
	fiber.StatusRequestHeaderFieldsTooLarge: {"/api#error-encabezados", "Encabezados demasiado grandes"},
	fiber.StatusUnsupportedMediaType:        {"/api#error-tipo", "Tipo de contenido no admitido"},
	fiber.StatusUnprocessableEntity:         {"/api#error-validacion", "Datos inválidos"},
	fiber.StatusTooManyRequests:             {"/api#error-limite", "Demasiadas solicitudes"},
	fiber.StatusInternalServerError:         {"/api#error-interno", "Error interno"},
	fiber.StatusServiceUnavailable:          {"/api#error-no-disponible", "Servicio no disponible"},
}

// NewProblem builds a problem of the given status with a Spanish detail.
func NewProblem(status int, detail string) *Problem {
	t, ok := problemTypes[status]
	if !ok {
		t = [2]string{"about:blank", "Solicitud rechazada"}
	}
	return &Problem{Type: t[0], Title: t[1], Status: status, Detail: detail}
}

// ValidationProblem is a 400 naming each bad field.
func ValidationProblem(fe rules.FieldErrors) *Problem {
	p := NewProblem(fiber.StatusBadRequest, "Hay datos inválidos: "+fe.Error())
	p.Errors = fe
	return p
}

// Unauthorized is a 401 that asks for a Bearer token.
func Unauthorized(detail string) *Problem {
	return NewProblem(fiber.StatusUnauthorized, detail).
		WithHeader(fiber.HeaderWWWAuthenticate, `Bearer realm="transito", error="invalid_token"`)
}

// MethodNotAllowed answers 405 naming the methods allowed.
func MethodNotAllowed(allow string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		return NewProblem(fiber.StatusMethodNotAllowed, "Este recurso solo admite "+allow+".").
			WithHeader(fiber.HeaderAllow, allow)
	}
}

// TooManyRequests is a 429 that says when to come back.
func TooManyRequests(retryAfter int) *Problem {
	return NewProblem(fiber.StatusTooManyRequests, "Demasiadas solicitudes. Espere un momento y vuelva a intentarlo.").
		WithHeader(fiber.HeaderRetryAfter, strconv.Itoa(retryAfter))
}

// Unavailable is a 503 that says to retry in a few seconds.
func Unavailable(detail string) *Problem {
	return NewProblem(fiber.StatusServiceUnavailable, detail).WithHeader(fiber.HeaderRetryAfter, "5")
}

// AsProblem turns any error a handler returned into the problem the client
// sees. Unknown errors become a 500 that says nothing about internals.
func AsProblem(err error) *Problem {
	var p *Problem
	var fe rules.FieldErrors
	var fiberErr *fiber.Error
	var conflict *models.ConflictError
	switch {
	case errors.As(err, &p):
		return p
	case errors.As(err, &fe):
		return ValidationProblem(fe)
	case errors.As(err, &conflict):
		p := NewProblem(fiber.StatusConflict, conflict.Message)
		p.Type, p.Title = "/api#error-conflicto", "Conflicto"
		return p
	case errors.Is(err, models.ErrOverloaded), errors.Is(err, models.ErrClosed), errors.Is(err, models.ErrWriteTimeout),
		errors.Is(err, context.DeadlineExceeded), models.IsUnavailable(err):
		return Unavailable("El servicio no puede registrar datos en este momento. Reintente en unos segundos.")
	case errors.As(err, &fiberErr):
		switch fiberErr.Code {
		case fiber.StatusRequestEntityTooLarge:
			return NewProblem(fiberErr.Code, "El cuerpo de la solicitud supera el máximo permitido.")
		case fiber.StatusNotFound:
			return NewProblem(fiberErr.Code, "No existe el recurso solicitado.")
		case fiber.StatusMethodNotAllowed:
			return NewProblem(fiberErr.Code, "Método no permitido para este recurso.")
		case fiber.StatusRequestTimeout:
			return NewProblem(fiberErr.Code, "La solicitud tardó demasiado en llegar.")
		case fiber.StatusRequestHeaderFieldsTooLarge:
			return NewProblem(fiberErr.Code, "Los encabezados de la solicitud superan los 16 KiB permitidos.")
		}
		if fiberErr.Code < 500 {
			// Fiber's own text is English and may quote the request.
			return NewProblem(fiberErr.Code, "La solicitud no es válida.")
		}
	}
	return NewProblem(fiber.StatusInternalServerError,
		"Ocurrió un error inesperado. Si persiste, informe el identificador de la solicitud.")
}

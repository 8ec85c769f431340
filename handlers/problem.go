package handlers

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"transito/models"
)

// Problem is an RFC 9457 problem detail. Handlers return it as an error; the
// error handler renders it as application/problem+json for the API and as an
// error page for the panel.
type Problem struct {
	Type      string            `json:"type"`
	Title     string            `json:"title"`
	Status    int               `json:"status"`
	Detail    string            `json:"detail,omitempty"`
	Errors    map[string]string `json:"errors,omitempty"`
	RequestID string            `json:"request_id,omitempty"`

	headers map[string]string
}

func (p *Problem) Error() string { return fmt.Sprintf("problem %d: %s", p.Status, p.Detail) }

// withHeader adds a response header that goes with the problem.
func (p *Problem) withHeader(k, v string) *Problem {
	if p.headers == nil {
		p.headers = map[string]string{}
	}
	p.headers[k] = v
	return p
}

// problemTypes names each kind of problem; the anchors are sections of the
// API page at /api.
var problemTypes = map[int][2]string{
	fiber.StatusBadRequest:                  {"/api#error-validacion", "Solicitud inválida"},
	fiber.StatusUnauthorized:                {"/api#error-autenticacion", "No autenticado"},
	fiber.StatusForbidden:                   {"/api#error-prohibido", "Acceso denegado"},
	fiber.StatusNotFound:                    {"/api#error-no-encontrado", "No encontrado"},
	fiber.StatusMethodNotAllowed:            {"/api#error-metodo", "Método no permitido"},
	fiber.StatusRequestTimeout:              {"/api#error-lenta", "Solicitud demasiado lenta"},
	fiber.StatusRequestEntityTooLarge:       {"/api#error-tamano", "Cuerpo demasiado grande"},
	fiber.StatusRequestHeaderFieldsTooLarge: {"/api#error-encabezados", "Encabezados demasiado grandes"},
	fiber.StatusUnprocessableEntity:         {"/api#error-validacion", "Datos inválidos"},
	fiber.StatusTooManyRequests:             {"/api#error-limite", "Demasiadas solicitudes"},
	fiber.StatusInternalServerError:         {"/api#error-interno", "Error interno"},
	fiber.StatusServiceUnavailable:          {"/api#error-no-disponible", "Servicio no disponible"},
}

// newProblem builds a problem of the given status with a Spanish detail.
func newProblem(status int, detail string) *Problem {
	t, ok := problemTypes[status]
	if !ok {
		t = [2]string{"about:blank", "Solicitud rechazada"}
	}
	return &Problem{Type: t[0], Title: t[1], Status: status, Detail: detail}
}

// validationProblem is a 400 naming each bad field.
func validationProblem(fe models.FieldErrors) *Problem {
	p := newProblem(fiber.StatusBadRequest, "Hay datos inválidos: "+fe.Error())
	p.Errors = fe
	return p
}

func unauthorized(detail string) *Problem {
	return newProblem(fiber.StatusUnauthorized, detail).
		withHeader(fiber.HeaderWWWAuthenticate, `Bearer realm="transito", error="invalid_token"`)
}

func methodNotAllowed(allow string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		return newProblem(fiber.StatusMethodNotAllowed, "Este recurso solo admite "+allow+".").
			withHeader(fiber.HeaderAllow, allow)
	}
}

func tooManyRequests(retryAfter int) *Problem {
	return newProblem(fiber.StatusTooManyRequests, "Demasiadas solicitudes. Espere un momento y vuelva a intentarlo.").
		withHeader(fiber.HeaderRetryAfter, strconv.Itoa(retryAfter))
}

func unavailable(detail string) *Problem {
	return newProblem(fiber.StatusServiceUnavailable, detail).withHeader(fiber.HeaderRetryAfter, "5")
}

// asProblem turns any error a handler returned into the problem the client
// sees. Unknown errors become a 500 that says nothing about internals.
func asProblem(err error) *Problem {
	var p *Problem
	var fe models.FieldErrors
	var fiberErr *fiber.Error
	var conflict *models.ConflictError
	switch {
	case errors.As(err, &p):
		return p
	case errors.As(err, &fe):
		return validationProblem(fe)
	case errors.As(err, &conflict):
		p := newProblem(fiber.StatusConflict, conflict.Message)
		p.Type, p.Title = "/api#error-conflicto", "Conflicto"
		return p
	case errors.Is(err, models.ErrOverloaded), errors.Is(err, models.ErrClosed), errors.Is(err, models.ErrWriteTimeout),
		errors.Is(err, context.DeadlineExceeded), models.IsUnavailable(err):
		return unavailable("El servicio no puede registrar datos en este momento. Reintente en unos segundos.")
	case errors.As(err, &fiberErr):
		switch fiberErr.Code {
		case fiber.StatusRequestEntityTooLarge:
			return newProblem(fiberErr.Code, "El cuerpo de la solicitud supera el máximo permitido.")
		case fiber.StatusNotFound:
			return newProblem(fiberErr.Code, "No existe el recurso solicitado.")
		case fiber.StatusMethodNotAllowed:
			return newProblem(fiberErr.Code, "Método no permitido para este recurso.")
		case fiber.StatusRequestTimeout:
			return newProblem(fiberErr.Code, "La solicitud tardó demasiado en llegar.")
		case fiber.StatusRequestHeaderFieldsTooLarge:
			return newProblem(fiberErr.Code, "Los encabezados de la solicitud superan los 16 KiB permitidos.")
		}
		if fiberErr.Code < 500 {
			// Fiber's own text is English and may quote the request.
			return newProblem(fiberErr.Code, "La solicitud no es válida.")
		}
	}
	return newProblem(fiber.StatusInternalServerError,
		"Ocurrió un error inesperado. Si persiste, informe el identificador de la solicitud.")
}

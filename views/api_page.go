package views

import (
	"strings"
	"time"

	"transito/models/rules"
	"transito/paths"
)

// The limits the API page states, read from the rules the API enforces.
var (
	plateLimit    = itoa(rules.MaxRawPlateLen)
	commentsLimit = itoa(rules.MaxCommentsLen)
	keyLimit      = itoa(rules.MaxIdempotencyKeyLen)
	skewMinutes   = itoa(int(rules.MaxClockSkew / time.Minute))
	bodyLimit     = itoa(rules.MaxAPIBody>>10) + " KiB"
	placeLimit    = itoa(rules.MaxPlaceLen)
)

// apiError is one kind of problem the API answers, with the anchor its
// problem type points at (/api#error-...).
type apiError struct {
	Anchor  string
	Status  string
	Title   string
	When    string
	Example string
}

// apiErrors documents every problem type in handlers/web/problem.go, in the
// order a client meets them.
var apiErrors = []apiError{
	{"error-validacion", "400 / 422", "Solicitud inválida",
		"El cuerpo no es un objeto JSON, trae un miembro desconocido o repetido, un campo tiene el tipo equivocado o rompe una regla (patente vacía o de más de " + plateLimit + " caracteres, hora irreconocible, inexistente por el cambio de horario o más de " + skewMinutes + " minutos en el futuro, comentarios de más de " + commentsLimit + " caracteres), o falta el correo del informe o está mal escrito. «errors» nombra cada campo con un mensaje. Una solicitud HTTP mal formada recibe también un 400, sin repetir lo enviado.",
		`{"type":"/api#error-validacion","title":"Solicitud inválida","status":400,
 "detail":"Hay datos inválidos: placa_patente: es obligatoria",
 "errors":{"placa_patente":"es obligatoria"},"request_id":"1f0c9a7e5b3d2c31"}`},
	{"error-autenticacion", "401", "No autenticado",
		"Falta el encabezado «Authorization: Bearer <token>», el token está mal formado, no existe o fue revocado. La respuesta lleva «WWW-Authenticate: Bearer error=\"invalid_token\"». Pida un token nuevo al administrador.",
		`{"type":"/api#error-autenticacion","title":"No autenticado","status":401,
 "detail":"El token no es válido o fue revocado.","request_id":"1f0c9a7e5b3d2c11"}`},
	{"error-prohibido", "403", "Acceso denegado",
		"El token es válido pero su oficial está inactivo: no puede registrar infracciones hasta que un administrador lo reactive.",
		`{"type":"/api#error-prohibido","title":"Acceso denegado","status":403,
 "detail":"El oficial PF-4711 está inactivo: su token no puede registrar infracciones.","request_id":"1f0c9a7e5b3d2c12"}`},
	{"error-no-encontrado", "404", "No encontrado",
		"Ningún vehículo tiene esa patente (una vez normalizada: mayúsculas, sin espacios ni guiones), ninguna persona tiene ese correo, o la dirección no existe.",
		`{"type":"/api#error-no-encontrado","title":"No encontrado","status":404,
 "detail":"No hay ningún vehículo registrado con la patente «ZZ999ZZ».","request_id":"1f0c9a7e5b3d2c13"}`},
	{"error-metodo", "405", "Método no permitido",
		"El recurso no admite ese método. El encabezado «Allow» dice cuáles admite: POST para la carga, GET y HEAD para el informe.",
		`{"type":"/api#error-metodo","title":"Método no permitido","status":405,
 "detail":"Este recurso solo admite POST.","request_id":"1f0c9a7e5b3d2c33"}`},
	{"error-conflicto", "409", "Conflicto",
		"La operación choca con datos existentes (por ejemplo, un correo o una patente que ya están registrados, o una multa ya pagada con otra referencia). El detalle dice con qué.",
		`{"type":"/api#error-conflicto","title":"Conflicto","status":409,
 "detail":"Ya existe una persona con el correo ana.martinez@example.com.","request_id":"1f0c9a7e5b3d2c36"}`},
	{"error-tamano", "413", "Cuerpo demasiado grande",
		"El cuerpo de la carga supera los " + bodyLimit + ". Una infracción ocupa unos cientos de bytes: revise qué está enviando.",
		`{"type":"/api#error-tamano","title":"Cuerpo demasiado grande","status":413,
 "detail":"El cuerpo supera los ` + bodyLimit + ` permitidos.","request_id":"1f0c9a7e5b3d2c14"}`},
	{"error-tipo", "415", "Tipo de contenido no admitido",
		"La foto de una infracción no es una imagen JPEG ni PNG, o su «Content-Type» no dice lo que el contenido es (se mira el contenido, no el encabezado).",
		`{"type":"/api#error-tipo","title":"Tipo de contenido no admitido","status":415,
 "detail":"El Content-Type «image/png» no corresponde al contenido, que es image/jpeg.","request_id":"1f0c9a7e5b3d2c39"}`},
	{"error-lenta", "408", "Solicitud demasiado lenta",
		"El cliente tardó demasiado en enviar la solicitud completa (más de 15 segundos) y la conexión se cerró. Reintente.",
		`{"type":"/api#error-lenta","title":"Solicitud demasiado lenta","status":408,
 "detail":"La solicitud tardó demasiado en llegar.","request_id":"1f0c9a7e5b3d2c37"}`},
	{"error-encabezados", "431", "Encabezados demasiado grandes",
		"Los encabezados de la solicitud (la línea de la solicitud y todos los encabezados, cookies incluidas) superan los 16 KiB. También una solicitud HTTP mal formada (Content-Length inválido, nombre de encabezado con espacios) recibe un problema como este, con 400, sin repetir lo que se envió.",
		`{"type":"/api#error-encabezados","title":"Encabezados demasiado grandes","status":431,
 "detail":"Los encabezados de la solicitud superan los 16 KiB permitidos.","request_id":"1f0c9a7e5b3d2c38"}`},
	{"error-limite", "429", "Demasiadas solicitudes",
		"Se superó el límite por minuto: por oficial en la carga, por dirección IP en los informes y en la consulta de la página pública (que comparten el mismo cupo). Espere los segundos que indica «Retry-After».",
		`{"type":"/api#error-limite","title":"Demasiadas solicitudes","status":429,
 "detail":"Demasiadas solicitudes. Espere un momento y vuelva a intentarlo.","request_id":"1f0c9a7e5b3d2c34"}`},
	{"error-interno", "500", "Error interno",
		"Algo inesperado falló en el servidor. La respuesta no revela detalles; informe el «request_id» (también en el encabezado X-Request-ID) y el equipo encontrará el resto en los registros.",
		`{"type":"/api#error-interno","title":"Error interno","status":500,
 "detail":"Ocurrió un error inesperado. Si persiste, informe el identificador de la solicitud.","request_id":"1f0c9a7e5b3d2c35"}`},
	{"error-no-disponible", "503", "Servicio no disponible",
		"El servidor se está deteniendo, la cola de escritura está llena, la base de datos no acepta escrituras por un momento o la carga esperó 5 segundos sin poder escribirse (no se guardó). Reintente después de «Retry-After» segundos con la misma «Idempotency-Key»: no se duplicará.",
		`{"type":"/api#error-no-disponible","title":"Servicio no disponible","status":503,
 "detail":"El servicio no puede registrar datos en este momento. Reintente en unos segundos.","request_id":"1f0c9a7e5b3d2c15"}`},
}

func curlCreate(base string) string {
	return `curl -X POST ` + base + paths.CreateInfraction + ` \
  -H 'Authorization: Bearer trn_…' \
  -H 'Content-Type: application/json' \
  -H 'Idempotency-Key: 7f9c2b1e-4a5d-4c1b-9e0f-2a3b4c5d6e7f' \
  -d '{"placa_patente": "ABC-123", "timestamp": "2024-05-01T14:30:00-03:00", "comentarios": "Semáforo en rojo",
       "codigo": "SEM-01", "ubicacion": {"lat": -34.6037, "lon": -58.3816, "descripcion": "Av. Corrientes 1200"}}'`
}

func curlCatalogue(base string) string {
	return `curl -i ` + base + paths.Catalogue + ` -H 'Authorization: Bearer trn_…'
curl ` + base + `/api/v1/vehiculos/AB123CD -H 'Authorization: Bearer trn_…'
# {"placa_patente":"AB123CD","marca":"Toyota","color":"Blanco","infracciones_impagas":1}`
}

func curlPayment(base string) string {
	return `body='{"infraccion_id":1042,"importe":"225000.00","referencia":"MP-123456789"}'
t=$(date +%s)
sig=$(printf '%s.%s' "$t" "$body" | openssl dgst -sha256 -hmac "$TRANSITO_PAYMENT_SECRET" | sed 's/^.* //')
curl -X POST ` + base + paths.Payments + ` -H 'Content-Type: application/json' \
  -H "Transito-Firma: t=$t,v1=$sig" -d "$body"`
}

const createResponse = `{
  "id": 1042,
  "placa_patente": "ABC123",
  "timestamp": "2024-05-01T14:30:00-03:00",
  "comentarios": "Semáforo en rojo",
  "oficial": {"nombre": "Laura Benítez", "numero": "PF-4711"},
  "registrada_en": "2024-05-01T14:31:07.52311-03:00",
  "estado": "vigente",
  "codigo": "SEM-01",
  "descripcion": "Cruzar con el semáforo en rojo",
  "ubicacion": {"lat": -34.6037, "lon": -58.3816, "descripcion": "Av. Corrientes 1200"},
  "importe": "450000.00",
  "a_pagar": "225000.00",
  "moneda": "ARS",
  "vencimiento": "2024-06-30",
  "descuento_hasta": "2024-05-21"
}`

func curlReport(base string) string {
	return `curl '` + base + paths.Report + `?email=ana.martinez@example.com'`
}

const reportResponse = `[
  {
    "id": 3,
    "placa_patente": "AB123CD",
    "marca": "Toyota",
    "color": "Blanco",
    "timestamp": "2024-05-01T14:30:00-03:00",
    "comentarios": "Semáforo en rojo en Av. Corrientes y Callao",
    "oficial": {"nombre": "Oficial Demo", "numero": "DEMO-001"},
    "registrada_en": "2024-05-01T14:31:07.52311-03:00",
    "estado": "vigente",
    "codigo": null,
    "descripcion": null,
    "ubicacion": null,
    "importe": null,
    "a_pagar": null,
    "moneda": null,
    "vencimiento": null,
    "descuento_hasta": null
  }
]`

func curlConditional(base string) string {
	return `curl -i '` + base + paths.Report + `?email=ana.martinez@example.com' \
  -H 'If-None-Match: "3k9x2m1q7v0a"'    # 304 si nada cambió`
}

// trimBase drops a trailing slash so that examples read base + path.
func trimBase(base string) string { return strings.TrimRight(base, "/") }

package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"transito/handlers/web"
	"transito/models"
	"transito/models/fines"
	"transito/models/rules"
)

// InfractionJSON is an infraction as the API answers it. The fine's members
// are null when they do not apply: a sin tipificar one has no code or
// amount, a paid one owes nothing.
type InfractionJSON struct {
	ID            int64       `json:"id"`
	Plate         string      `json:"placa_patente"`
	Brand         string      `json:"marca,omitempty"`
	Color         string      `json:"color,omitempty"`
	Timestamp     string      `json:"timestamp"`
	Comments      string      `json:"comentarios"`
	Officer       OfficerJSON `json:"oficial"`
	RecordedAt    string      `json:"registrada_en"`
	Status        string      `json:"estado"`
	Code          *string     `json:"codigo"`
	Description   *string     `json:"descripcion"`
	Place         *PlaceJSON  `json:"ubicacion"`
	Amount        *string     `json:"importe"`
	ToPay         *string     `json:"a_pagar"`
	Currency      *string     `json:"moneda"`
	DueDate       *fines.Date `json:"vencimiento"`
	DiscountUntil *fines.Date `json:"descuento_hasta"`
}

// PlaceJSON is where an infraction happened, in the shape of the officer's
// input; a member not given is null.
type PlaceJSON struct {
	Lat         *float64 `json:"lat"`
	Lon         *float64 `json:"lon"`
	Description *string  `json:"descripcion"`
}

// OfficerJSON names the officer who recorded an infraction.
type OfficerJSON struct {
	Name  string `json:"nombre"`
	Badge string `json:"numero"`
}

// InfractionRequest is the body of POST /cargar_infraccion once decoded.
type InfractionRequest struct {
	Plate      string
	OccurredAt time.Time
	Comments   string
	// Code is the type's code, normalised ("" for none); Issue prices it
	// when the decoder was given the tariff.
	Code  string
	Issue *models.Issue
	Place rules.Place
}

// createInfraction handles POST /cargar_infraccion.
func (h *Handler) createInfraction(c *fiber.Ctx) error {
	body := c.Body()
	if len(body) > rules.MaxAPIBody {
		return web.NewProblem(fiber.StatusRequestEntityTooLarge, fmt.Sprintf("El cuerpo supera los %d KiB permitidos.", rules.MaxAPIBody>>10))
	}
	key := c.Get("Idempotency-Key")
	if msg := rules.CheckIdempotencyKey(key); msg != "" {
		return web.ValidationProblem(rules.FieldErrors{"Idempotency-Key": msg})
	}
	tariff, err := h.store.Tariff(c.UserContext())
	if err != nil {
		return err
	}
	received := time.Now()
	req, err := DecodeInfraction(body, h.cfg.Location, received, tariff)
	if err != nil {
		return err
	}
	officer := officerOf(c)
	// The request waits for the writer no longer than WriteWait: past it
	// the answer is 503 and the infraction is never stored, so that the
	// app's retry cannot store it twice.
	ctx, cancel := context.WithTimeout(c.UserContext(), h.cfg.WriteWait)
	defer cancel()
	rec, err := h.recorder.Record(ctx, models.RecordRequest{
		Officer: *officer, Plate: req.Plate, OccurredAt: req.OccurredAt, Comments: req.Comments, IdempotencyKey: key,
		Place: req.Place, Issue: req.Issue,
	})
	if errors.Is(err, models.ErrNotFound) {
		return web.NewProblem(fiber.StatusNotFound, "No hay ningún vehículo registrado con la patente «"+req.Plate+"».")
	}
	if err != nil {
		return err
	}
	if rec.Replayed {
		c.Set("Idempotent-Replayed", "true")
	}
	return c.JSON(h.infractionJSON(&rec.Infraction, tariff, received))
}

// infractionJSON is r as it stands at now with the tariff's settings.
func (h *Handler) infractionJSON(r *models.InfractionRow, t *models.Tariff, now time.Time) InfractionJSON {
	a := t.Assess(r, now, h.cfg.Location)
	out := InfractionJSON{
		ID: r.ID, Plate: r.Plate, Brand: r.Brand, Color: r.Color,
		Timestamp: h.formatTime(r.OccurredAt), Comments: r.Comments,
		Officer:    OfficerJSON{Name: r.OfficerName, Badge: r.OfficerBadge},
		RecordedAt: h.formatTime(r.RecordedAt), Status: string(a.Status),
		DueDate: a.DueDate, DiscountUntil: a.DiscountUntil,
	}
	if r.Code != "" {
		out.Code, out.Description = &r.Code, &r.Description
	}
	if p := r.Location(); !p.IsZero() {
		out.Place = &PlaceJSON{Lat: p.Lat, Lon: p.Lon}
		if p.Description != "" {
			out.Place.Description = &p.Description
		}
	}
	if a.Issued {
		amount := fines.FormatAmount(a.AmountCents)
		out.Amount, out.Currency = &amount, &h.cfg.Currency
	}
	if a.ToPay != nil {
		toPay := fines.FormatAmount(*a.ToPay)
		out.ToPay, out.Currency = &toPay, &h.cfg.Currency
	}
	return out
}

// formatTime writes a time as RFC 3339 in the configured time zone.
func (h *Handler) formatTime(t time.Time) string {
	return t.In(h.cfg.Location).Format(time.RFC3339Nano)
}

// DecodeInfraction reads and validates the body of POST /cargar_infraccion
// received at now. With a tariff, a codigo must be an active type's and is
// priced at now (Issue); without one (nil) only its shape is checked.
// Every problem is a *web.Problem with status 400 that names the field,
// all the fields' problems at once.
func DecodeInfraction(body []byte, loc *time.Location, now time.Time, tariff *models.Tariff) (InfractionRequest, error) {
	var req InfractionRequest
	if !utf8.Valid(body) {
		return req, web.NewProblem(fiber.StatusBadRequest, "El cuerpo no es texto UTF-8 válido.")
	}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return req, web.NewProblem(fiber.StatusBadRequest, `El cuerpo debe ser un objeto JSON: {"placa_patente": "...", "timestamp": "...", "comentarios": "..."}.`)
	}
	fields, fe, ok := decodeMembers(trimmed, infractionMembers)
	if !ok {
		return req, web.NewProblem(fiber.StatusBadRequest, "El cuerpo no es JSON válido.")
	}

	switch raw, ok := fields["placa_patente"]; {
	case !ok || isNull(raw):
		fe.Add("placa_patente", "es obligatoria")
	default:
		plate, err := jsonString(raw)
		if err != nil {
			fe.Add("placa_patente", "debe ser un texto")
			break
		}
		switch {
		case strings.TrimSpace(plate) == "":
			fe.Add("placa_patente", "es obligatoria")
		case utf8.RuneCountInString(plate) > rules.MaxRawPlateLen:
			fe.Add("placa_patente", rules.TooLong(rules.MaxRawPlateLen))
		default:
			req.Plate = rules.NormalizePlate(plate)
		}
	}

	switch raw, ok := fields["timestamp"]; {
	case !ok || isNull(raw):
		req.OccurredAt = now.UTC().Truncate(time.Microsecond)
	default:
		t, msg := decodeTimestamp(raw, loc, now)
		if msg != "" {
			fe.Add("timestamp", msg)
		}
		req.OccurredAt = t
	}

	if raw, ok := fields["comentarios"]; ok && !isNull(raw) {
		var err error
		if req.Comments, err = jsonString(raw); err != nil {
			fe.Add("comentarios", "debe ser un texto")
		} else if msg := rules.CheckComments(req.Comments); msg != "" {
			fe.Add("comentarios", msg)
		}
	}

	if raw, ok := fields[rules.FieldCode]; ok && !isNull(raw) {
		var err error
		if req.Code, err = jsonString(raw); err != nil {
			fe.Add(rules.FieldCode, "debe ser un texto: el código de un tipo del catálogo")
		} else if req.Code = rules.NormalizeCode(req.Code); req.Code != "" {
			switch {
			case !rules.ValidCode(req.Code):
				fe.Add(rules.FieldCode, rules.CodeRule)
			case tariff != nil:
				issue, err := tariff.Issue(req.Code, now, loc)
				var ie rules.FieldErrors
				if errors.As(err, &ie) {
					fe.Add(rules.FieldCode, ie[rules.FieldCode])
				}
				req.Issue = issue
			}
		}
	}

	if raw, ok := fields[rules.FieldPlace]; ok && !isNull(raw) {
		place, msg := decodePlace(raw)
		if msg != "" {
			fe.Add(rules.FieldPlace, msg)
		}
		req.Place = place
	}
	if len(fe) > 0 {
		return InfractionRequest{}, web.ValidationProblem(fe)
	}
	return req, nil
}

// placeMembers are the members of ubicacion.
var placeMembers = []string{"lat", "lon", "descripcion"}

// decodePlace reads ubicacion: {"lat": number, "lon": number,
// "descripcion": text}, each optional (null is absent), within the rules
// of rules.CheckPlace. The message says what is wrong, or is "".
func decodePlace(raw json.RawMessage) (rules.Place, string) {
	var p rules.Place
	if len(raw) == 0 || raw[0] != '{' {
		return p, `debe ser un objeto {"lat": -34.6037, "lon": -58.3816, "descripcion": "Av. Corrientes 1200"}`
	}
	fields, fe, ok := decodeMembers(raw, placeMembers)
	if !ok {
		return p, "no es un objeto JSON válido"
	}
	for _, name := range placeMembers {
		if msg, bad := fe[name]; bad {
			return p, "«" + name + "» " + msg
		}
	}
	for name, msg := range fe {
		return p, "«" + name + "» " + msg
	}
	coord := func(name string) (*float64, string) {
		v, ok := fields[name]
		if !ok || isNull(v) {
			return nil, ""
		}
		// v is valid JSON (decodeMembers): a number when it starts so.
		if v[0] != '-' && (v[0] < '0' || v[0] > '9') {
			return nil, "«" + name + "» debe ser un número"
		}
		f, err := strconv.ParseFloat(string(v), 64)
		if err != nil {
			return nil, "«" + name + "» debe ser un número"
		}
		return &f, ""
	}
	var msg string
	if p.Lat, msg = coord("lat"); msg != "" {
		return p, msg
	}
	if p.Lon, msg = coord("lon"); msg != "" {
		return p, msg
	}
	if v, ok := fields["descripcion"]; ok && !isNull(v) {
		var err error
		if p.Description, err = jsonString(v); err != nil {
			return p, "«descripcion» debe ser un texto"
		}
	}
	return p, rules.CheckPlace(&p)
}

// infractionMembers are the members of the body of POST /cargar_infraccion.
var infractionMembers = []string{"placa_patente", "timestamp", "comentarios", rules.FieldCode, rules.FieldPlace}

// decodeMembers reads a JSON object's members. ok is false when body is not
// one JSON object. Each member that is not one of known, is given twice, or
// holds a lone UTF-16 surrogate escape (which Go would decode as U+FFFD) gets
// a message under its name in fe. Each value is a slice of body, not a copy.
//
// It runs on every API write, so it walks the object itself once json.Valid
// has checked the text (allocating the map and the names, nothing per
// byte), rather than through json.Decoder's tokens; decode_members_test.go
// holds it to the Decoder's answers.
func decodeMembers(body []byte, known []string) (fields map[string]json.RawMessage, fe rules.FieldErrors, ok bool) {
	if !json.Valid(body) {
		return nil, nil, false
	}
	i := skipJSONSpace(body, 0)
	if body[i] != '{' {
		return nil, nil, false
	}
	fields, fe = make(map[string]json.RawMessage, len(known)), rules.FieldErrors{}
	// body is one valid JSON value: after '{' come "name": value pairs
	// separated by commas, then '}'.
	for i = skipJSONSpace(body, i+1); body[i] != '}'; {
		end := jsonValueEnd(body, i)
		rawName := body[i:end]
		name, err := jsonString(rawName)
		if err != nil {
			return nil, nil, false
		}
		i = skipJSONSpace(body, skipJSONSpace(body, end)+1) // past ':'
		end = jsonValueEnd(body, i)
		raw := json.RawMessage(body[i:end:end])
		if i = skipJSONSpace(body, end); body[i] == ',' {
			i = skipJSONSpace(body, i+1)
		}
		if len(name) > 64 {
			if r := []rune(name); len(r) > 64 {
				name = string(r[:64]) + "…"
			}
		}
		_, seen := fields[name]
		switch {
		case !slices.Contains(known, name):
			fe.Add(name, "no es un campo admitido: los campos son "+strings.Join(known, ", "))
		case seen:
			fe.Add(name, "figura más de una vez")
		case loneSurrogate(rawName) || loneSurrogate(raw):
			fe.Add(name, "contiene un escape \\u de un carácter sustituto UTF-16 suelto (no es un carácter válido)")
		}
		if !seen {
			fields[name] = raw
		}
	}
	return fields, fe, true
}

// skipJSONSpace returns the index of the first byte of b at or after i that
// is not JSON white space (len(b) when there is none).
func skipJSONSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// jsonValueEnd returns the index just past the JSON value that starts at
// b[i], which must be valid JSON text (json.Valid).
func jsonValueEnd(b []byte, i int) int {
	switch b[i] {
	case '"':
		for i++; b[i] != '"'; i++ {
			if b[i] == '\\' {
				i++
			}
		}
		return i + 1
	case '{', '[':
		for depth := 0; ; i++ {
			switch b[i] {
			case '"':
				i = jsonValueEnd(b, i) - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1
				}
			}
		}
	}
	for i < len(b) && !strings.ContainsRune(",:}] \t\n\r", rune(b[i])) {
		i++
	}
	return i
}

// jsonString decodes a JSON value that should be a string, as
// json.Unmarshal would into a string, without its scan when the text needs
// no unescaping.
func jsonString(raw []byte) (string, error) {
	if len(raw) >= 2 && raw[0] == '"' && raw[len(raw)-1] == '"' {
		if inner := raw[1 : len(raw)-1]; bytes.IndexByte(inner, '\\') < 0 && bytes.IndexByte(inner, '"') < 0 && plainText(inner) {
			return string(inner), nil
		}
	}
	var s string
	err := json.Unmarshal(raw, &s)
	return s, err
}

// plainText reports whether b is valid UTF-8 without control characters,
// which a JSON string holds verbatim.
func plainText(b []byte) bool {
	for _, c := range b {
		if c < 0x20 {
			return false
		}
	}
	return utf8.Valid(b)
}

// loneSurrogate reports whether a piece of JSON text has a \uD800–\uDFFF
// escape inside a string that is not half of a high-low pair.
func loneSurrogate(raw []byte) bool {
	hex4 := func(i int) (rune, bool) {
		if i+4 > len(raw) {
			return 0, false
		}
		n, err := strconv.ParseUint(string(raw[i:i+4]), 16, 32)
		return rune(n), err == nil
	}
	inString := false
	for i := 0; i < len(raw); i++ {
		switch c := raw[i]; {
		case !inString:
			inString = c == '"'
		case c == '"':
			inString = false
		case c == '\\' && i+1 < len(raw) && raw[i+1] == 'u':
			r, _ := hex4(i + 2)
			switch {
			case r >= 0xdc00 && r <= 0xdfff:
				return true
			case r >= 0xd800 && r <= 0xdbff:
				lo, _ := hex4(i + 8)
				if i+7 >= len(raw) || raw[i+6] != '\\' || raw[i+7] != 'u' || lo < 0xdc00 || lo > 0xdfff {
					return true
				}
				i += 6
			}
			i += 5
		case c == '\\':
			i++
		}
	}
	return false
}

func decodeTimestamp(raw json.RawMessage, loc *time.Location, now time.Time) (time.Time, string) {
	var t time.Time
	var err error
	switch raw[0] {
	case '"':
		s, serr := jsonString(raw)
		if serr != nil {
			return t, "debe ser un texto o un número"
		}
		t, err = rules.ParseTimestamp(s, loc, now)
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		var n json.Number
		if json.Unmarshal(raw, &n) != nil {
			return t, "debe ser un texto o un número"
		}
		sec, perr := n.Int64()
		if perr != nil {
			return t, "los segundos Unix deben ser un número entero"
		}
		t, err = rules.UnixTimestamp(sec, now)
	default:
		return t, "debe ser un texto (RFC 3339 o «AAAA-MM-DD HH:MM[:SS]») o un número (segundos Unix)"
	}
	if err != nil {
		return time.Time{}, err.Error()
	}
	return t, ""
}

func isNull(raw json.RawMessage) bool { return string(raw) == "null" }

// The rules of a citation and of the queue that sends it, as pure
// functions: no DOM, no IndexedDB, no network. The page, the service worker
// and the Node tests (handlers/officer/testdata/js) all import this module.
//
// A citation is a plain object kept in IndexedDB:
//
//   n            creation order (IndexedDB key)
//   clave        the Idempotency-Key, a UUID made at creation
//   creada       when it was saved on the phone (ISO 8601)
//   ocurrida     when the infraction happened (RFC 3339, phone clock and offset)
//   placa        the plate as typed; placaNormalizada as the server stores it
//   codigo, comentarios, ubicacion {lat, lon, precision, descripcion} | null
//   fotos        how many photos it has (the photos live in their own store)
//   estado       "pendiente" → "enviada" (id set) or "rechazada" (motivo, errores)
//   id           the server's id once the POST succeeded; respuesta, a summary of its answer
//   intentos, ultimoError   retries and the last transient failure
//   corrige      the clave of the rejected citation this one corrects
//   fotosEnviadas, fotosRechazadas   how its photos ended, once sent
//
// A citation is "enviada" only once the server has it and each of its
// photos is settled, so that clearing sent citations never loses a photo.

export const MAX_PHOTOS = 5;
export const MAX_COMMENTS = 2000;
export const MAX_PLACE = 200;
export const MAX_RAW_PLATE = 32;
export const MAX_PHOTO_SIDE = 1600;

export const PENDING = "pendiente";
export const SENT = "enviada";
export const REJECTED = "rechazada";

const PLATE_RE = /^[A-Z0-9]{2,10}$/;
const CODE_RE = /^[A-Z0-9.-]{1,20}$/;
// Go's unicode.IsSpace, which the server's NormalizePlate uses.
const SPACE_RE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/u;
const DASH_RE = /^\p{Pd}$/u;
// Go's unicode.IsControl: C0 and C1 controls.
const CONTROL_RE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/**
 * normalizePlate is models.NormalizePlate: upper case, any Unicode space or
 * dash (and soft hyphens, zero-width spaces) removed, full-width letters and
 * digits mapped to ASCII.
 */
export function normalizePlate(s) {
  let out = "";
  for (const ch of String(s ?? "")) {
    if (SPACE_RE.test(ch) || DASH_RE.test(ch) || ch === "\u00ad" || ch === "\u200b") continue;
    const cp = ch.codePointAt(0);
    const c = cp >= 0xff01 && cp <= 0xff5e ? String.fromCodePoint(cp - 0xfee0) : ch;
    // Go maps one rune to one rune; JavaScript may expand (ß → SS): keep those.
    const up = c.toUpperCase();
    out += [...up].length === 1 ? up : c;
  }
  return out;
}

/** validPlate is models.ValidPlate on a normalised plate. */
export function validPlate(plate) {
  return PLATE_RE.test(plate);
}

/** fold lower-cases and removes diacritics, so that "ÁLVAREZ" finds "alvarez". */
export function fold(s) {
  return String(s ?? "").normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

/**
 * searchTypes finds catalogue types by code or by words of the description.
 * Every word of the query must match (a prefix of the code, or a part of
 * the description); an exact code comes first, then codes that start with
 * the query, then the rest, by code.
 */
export function searchTypes(types, query, limit = 8) {
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return [];
  const q = words.join(" ");
  const hits = [];
  for (const t of types || []) {
    const code = fold(t.codigo);
    const text = fold(t.descripcion);
    if (!words.every((w) => code.startsWith(w) || text.includes(w))) continue;
    const rank = code === q ? 0 : code.startsWith(q) ? 1 : 2;
    hits.push({ t, rank, code });
  }
  hits.sort((a, b) => a.rank - b.rank || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  return hits.slice(0, limit).map((h) => h.t);
}

/** findType returns the catalogue type with that code (any case), or null. */
export function findType(types, code) {
  const c = String(code ?? "").trim().toUpperCase();
  return (types || []).find((t) => String(t.codigo).toUpperCase() === c) || null;
}

/**
 * validateCitation checks what the officer typed before it is saved, with
 * the server's rules and wording; it returns {field: message} (empty when
 * valid), keyed by the API's field names.
 */
export function validateCitation(input, types) {
  const errors = {};
  const raw = String(input.placa ?? "");
  const plate = normalizePlate(raw);
  if (raw.trim() === "") errors.placa_patente = "es obligatoria";
  else if ([...raw].length > MAX_RAW_PLATE) errors.placa_patente = `no puede superar los ${MAX_RAW_PLATE} caracteres`;
  else if (!validPlate(plate)) errors.placa_patente = "debe tener de 2 a 10 letras (A–Z) o dígitos; se ignoran espacios y guiones";

  const code = String(input.codigo ?? "").trim().toUpperCase();
  if (code !== "") {
    if (!CODE_RE.test(code)) errors.codigo = "no es un código del catálogo: elija un tipo de la lista";
    else if (types && types.length > 0 && !findType(types, code)) errors.codigo = `«${code}» no está en el catálogo: elija un tipo de la lista`;
  }

  const text = checkText(String(input.comentarios ?? ""), MAX_COMMENTS, true);
  if (text) errors.comentarios = text;

  const place = checkText(String(input.ubicacion?.descripcion ?? ""), MAX_PLACE, false);
  if (place) errors.ubicacion = place;

  if ((input.fotos ?? 0) > MAX_PHOTOS) errors.fotos = `se admiten hasta ${MAX_PHOTOS} fotos`;
  return errors;
}

// checkText is models.checkText: no control characters (newlines and tabs
// allowed where multiline), at most max characters.
function checkText(s, max, multiline) {
  for (const ch of s) {
    if (ch === "\n" || ch === "\r" || ch === "\t") {
      if (multiline) continue;
      return "no puede contener saltos de línea ni tabulaciones";
    }
    if (CONTROL_RE.test(ch)) return "contiene caracteres de control no permitidos";
  }
  if ([...s].length > max) return `no puede superar los ${max} caracteres`;
  return "";
}

/** formatTimestamp writes a date as RFC 3339 in the phone's zone: 2024-05-01T14:30:00-03:00. */
export function formatTimestamp(d) {
  const p = (n) => String(n).padStart(2, "0");
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? "+" : "-";
  const a = Math.abs(off);
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}` +
    `${sign}${p(Math.floor(a / 60))}:${p(a % 60)}`;
}

/**
 * newCitation builds the record saved on the phone from the form's input;
 * opts.uuid makes its Idempotency-Key, opts.now is the time of saving.
 */
export function newCitation(input, opts) {
  const now = opts.now;
  const desc = String(input.ubicacion?.descripcion ?? "").trim();
  const pos = input.ubicacion && Number.isFinite(input.ubicacion.lat) && Number.isFinite(input.ubicacion.lon) ? input.ubicacion : null;
  const place = pos || desc ? {
    lat: pos ? round6(pos.lat) : null,
    lon: pos ? round6(pos.lon) : null,
    precision: pos && Number.isFinite(pos.precision) ? Math.round(pos.precision) : null,
    descripcion: desc,
  } : null;
  return {
    clave: opts.uuid(),
    creada: now.toISOString(),
    ocurrida: input.ocurrida || formatTimestamp(now),
    placa: String(input.placa ?? "").trim(),
    placaNormalizada: normalizePlate(input.placa),
    codigo: String(input.codigo ?? "").trim().toUpperCase(),
    comentarios: String(input.comentarios ?? ""),
    ubicacion: place,
    fotos: input.fotos ?? 0,
    estado: PENDING,
    id: null,
    intentos: 0,
    ultimoError: null,
    motivo: null,
    errores: null,
  };
}

/**
 * correctedCitation is the resend of a rejected citation: what the officer
 * corrected, the original time of the infraction, and a new Idempotency-Key
 * (it is a new request: the server stored nothing for the rejected one).
 */
export function correctedCitation(rejected, input, opts) {
  if (rejected.estado !== REJECTED) throw new Error(`queue: only a rejected citation is corrected, not a ${rejected.estado} one`);
  const c = newCitation({ ...input, ocurrida: rejected.ocurrida }, opts);
  c.corrige = rejected.clave;
  return c;
}

function round6(x) {
  return Math.round(x * 1e6) / 1e6;
}

/** citationBody is the JSON body of POST /api/v1/infracciones for a citation. */
export function citationBody(c) {
  const body = { placa_patente: c.placaNormalizada, timestamp: c.ocurrida, comentarios: c.comentarios };
  if (c.codigo) body.codigo = c.codigo;
  if (c.ubicacion) {
    const u = {};
    if (c.ubicacion.lat != null && c.ubicacion.lon != null) {
      u.lat = c.ubicacion.lat;
      u.lon = c.ubicacion.lon;
    }
    if (c.ubicacion.descripcion) u.descripcion = c.ubicacion.descripcion;
    if (Object.keys(u).length > 0) body.ubicacion = u;
  }
  return body;
}

/** Actions a classified answer asks for. */
export const DONE = "hecho";
export const RETRY = "reintentar";
export const REJECT = "rechazar";
export const SIGN_OUT = "salir";

/**
 * classify turns the outcome of one request into what the queue does next.
 * kind is "citacion" or "foto"; outcome is {red: true, mensaje} when the
 * request failed in transit (no answer, timeout), else {status, json, problem,
 * retryAfter} where problem says the body was our JSON/problem+json.
 *
 * - no answer, 5xx, 408, 429 → retry (the same Idempotency-Key, the same bytes);
 * - 2xx with the expected body → done (a citation's id is required: a 200 that
 *   is not ours, e.g. a captive portal's page, is retried, never taken as sent);
 * - 401, 403 → sign out, the citation stays pending;
 * - 409 on a photo → done (the server has it, or already has 5);
 * - another 4xx with our problem body → rejected with its Spanish detail and
 *   per-field errors; a 4xx that is not ours (a proxy's page) → retry.
 */
export function classify(kind, o) {
  if (o.red) return { accion: RETRY, motivo: "Sin conexión con el servidor" + (o.mensaje ? ` (${o.mensaje})` : "") };
  const s = o.status;
  if (s >= 200 && s < 300) {
    if (!o.json || !Number.isInteger(o.json.id)) {
      return { accion: RETRY, motivo: `Respuesta inesperada del servidor (HTTP ${s})` };
    }
    return { accion: DONE, id: o.json.id, respuesta: o.json };
  }
  const wait = Number.isFinite(o.retryAfter) && o.retryAfter > 0 ? o.retryAfter * 1000 : 0;
  if (s >= 500 || s === 408 || s === 429) {
    return { accion: RETRY, motivo: reason(o, `El servidor no pudo atender el envío (HTTP ${s})`), espera: wait };
  }
  if (s >= 400 && s < 500) {
    if (!o.problem) return { accion: RETRY, motivo: `Respuesta inesperada (HTTP ${s}): ¿la red pide iniciar sesión?` };
    if (s === 401 || s === 403) return { accion: SIGN_OUT, motivo: reason(o, "El servidor rechazó el token") };
    if (kind === "foto" && s === 409) return { accion: DONE, id: null, motivo: reason(o, "El servidor ya tiene esta foto") };
    return { accion: REJECT, motivo: reason(o, `El servidor rechazó el envío (HTTP ${s})`), errores: fieldErrors(o.json) };
  }
  return { accion: RETRY, motivo: `Respuesta inesperada del servidor (HTTP ${s})` };
}

function reason(o, fallback) {
  const d = o.json && typeof o.json.detail === "string" ? o.json.detail.trim() : "";
  return d || fallback;
}

function fieldErrors(json) {
  if (!json || typeof json.errors !== "object" || json.errors === null) return null;
  const out = {};
  for (const [k, v] of Object.entries(json.errors)) if (typeof v === "string") out[k] = v;
  return Object.keys(out).length ? out : null;
}

/** Spanish labels of the API's field names, for messages on screen. */
export const FIELD_LABELS = {
  placa_patente: "Patente",
  codigo: "Tipo de infracción",
  comentarios: "Comentarios",
  ubicacion: "Lugar",
  timestamp: "Hora",
  fotos: "Fotos",
};

/** errorLines lists per-field errors as "Patente: es obligatoria". */
export function errorLines(errors) {
  return Object.entries(errors || {}).map(([k, v]) => `${FIELD_LABELS[k] || k}: ${v}`);
}

/**
 * backoff is the wait before the next try after `failures` failures in a
 * row: exponential from base, capped, with jitter (half fixed, half random),
 * so that phones coming back online together do not retry in step.
 */
export function backoff(failures, random = Math.random, base = 2000, cap = 5 * 60 * 1000) {
  const exp = Math.min(cap, base * 2 ** Math.max(0, failures - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}

/** applyCitation records the classified answer to a citation's POST. */
export function applyCitation(c, r) {
  if (c.estado !== PENDING || c.id != null) throw new Error(`queue: citation ${c.clave} is not waiting to be sent`);
  const tried = { ...c, intentos: (c.intentos || 0) + 1 };
  switch (r.accion) {
    case DONE:
      return { ...tried, id: r.id, ultimoError: null, respuesta: summary(r.respuesta) };
    case REJECT:
      return { ...tried, estado: REJECTED, motivo: r.motivo, errores: r.errores || null, ultimoError: null };
    case RETRY:
      return { ...tried, ultimoError: r.motivo };
    default:
      return c;
  }
}

// summary keeps what the queue shows of the server's answer.
function summary(a) {
  if (!a) return null;
  return { id: a.id, estado: a.estado ?? null, codigo: a.codigo ?? null, a_pagar: a.a_pagar ?? null, moneda: a.moneda ?? null };
}

/** applyPhoto records the classified answer to a photo's upload. */
export function applyPhoto(p, r) {
  if (p.estado !== PENDING) throw new Error(`queue: photo ${p.orden} of ${p.clave} is not waiting to be sent`);
  const tried = { ...p, intentos: (p.intentos || 0) + 1 };
  switch (r.accion) {
    case DONE:
      return { ...tried, estado: SENT, id: r.id, motivo: r.motivo || null, ultimoError: null };
    case REJECT:
      return { ...tried, estado: REJECTED, motivo: r.motivo, ultimoError: null };
    case RETRY:
      return { ...tried, ultimoError: r.motivo };
    default:
      return p;
  }
}

/**
 * settle marks a citation sent once the server has it and no photo waits,
 * keeping a summary of its photos for the queue on screen.
 */
export function settle(c, photos) {
  if (c.estado !== PENDING || c.id == null || photos.some((p) => p.estado === PENDING)) return c;
  return {
    ...c,
    estado: SENT,
    fotosEnviadas: photos.filter((p) => p.estado === SENT).length,
    fotosRechazadas: photos.filter((p) => p.estado === REJECTED).map((p) => ({ orden: p.orden, motivo: p.motivo })),
  };
}

/**
 * nextStep is the next thing to send, strictly in creation order: the
 * oldest pending citation, then its photos, then the next citation. It is
 * {tipo: "citacion", citacion}, {tipo: "foto", citacion, foto}, {tipo:
 * "cerrar", citacion} (everything is on the server: settle it) or null.
 */
export function nextStep(citations, photosOf) {
  const pending = citations.filter((c) => c.estado === PENDING).sort((a, b) => a.n - b.n);
  const c = pending[0];
  if (!c) return null;
  if (c.id == null) return { tipo: "citacion", citacion: c };
  const p = photosOf(c.clave).filter((p) => p.estado === PENDING).sort((a, b) => a.orden - b.orden)[0];
  if (p) return { tipo: "foto", citacion: c, foto: p };
  return { tipo: "cerrar", citacion: c };
}

/**
 * tokenCheck reads the answer to GET /api/v1/catalogo made at sign-in.
 * Only a refusal by our server (401/403 problem) keeps the officer out; when
 * the check cannot be made (offline, a 5xx, an older server without the
 * catalogue) the token is kept and checked by the first send.
 */
export function tokenCheck(o) {
  if (o.red || o.desdeCache) return { estado: "sin-verificar", texto: "Sin conexión: el token se verificará al enviar." };
  if ((o.status >= 200 && o.status < 300) || o.status === 304) return { estado: "valido", texto: "" };
  if ((o.status === 401 || o.status === 403) && o.problem) return { estado: "invalido", texto: reason(o, "El token no es válido.") };
  if (o.status === 404) return { estado: "sin-verificar", texto: "El servidor no ofrece el catálogo: el token se verificará al enviar." };
  return { estado: "sin-verificar", texto: `El servidor respondió HTTP ${o.status}: el token se verificará al enviar.` };
}

/** vehicleCheck reads the answer to GET /api/v1/vehiculos/{placa}. */
export function vehicleCheck(o) {
  if (o.red) return { tipo: "sin-conexion", texto: "Sin conexión: se verificará al enviar" };
  if (o.status === 200 && o.json && typeof o.json === "object") {
    const v = o.json;
    const n = Number.isInteger(v.infracciones_impagas) ? v.infracciones_impagas : 0;
    const what = [v.marca, v.color].filter(Boolean).join(" · ") || "Vehículo registrado";
    const unpaid = n === 0 ? "sin multas impagas" : n === 1 ? "1 multa impaga" : `${n} multas impagas`;
    return { tipo: "ok", texto: `${what} — ${unpaid}`, impagas: n };
  }
  if (o.status === 404 && o.problem) return { tipo: "no-registrada", texto: "Patente no registrada" };
  if ((o.status === 401 || o.status === 403) && o.problem) return { tipo: "salir", texto: reason(o, "El servidor rechazó el token") };
  return { tipo: "error", texto: `No se pudo verificar la patente (HTTP ${o.status}): se verificará al enviar` };
}

/**
 * tokenFromScan takes the token out of a scanned QR code: the code may hold
 * the token alone or a link that carries it.
 */
export function tokenFromScan(text) {
  const m = /trn_[A-Za-z0-9_-]+/.exec(String(text ?? ""));
  return m ? m[0] : String(text ?? "").trim();
}

/** counts tallies a queue for the header: {pendiente, enviada, rechazada}. */
export function counts(citations) {
  const out = { [PENDING]: 0, [SENT]: 0, [REJECTED]: 0 };
  for (const c of citations) out[c.estado] = (out[c.estado] || 0) + 1;
  return out;
}

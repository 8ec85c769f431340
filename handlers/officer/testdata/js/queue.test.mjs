// Unit tests of the officer app's queue rules (static/js/oficial/queue.js),
// run with Node's built-in runner: node --test handlers/officer/testdata/js/
// (go test ./handlers/officer runs them). No npm packages.
import { test } from "node:test";
import assert from "node:assert/strict";

import {
  applyCitation, applyPhoto, backoff, citationBody, classify, correctedCitation, errorLines,
  findType, fold, formatTimestamp, newCitation, nextStep, normalizePlate, searchTypes, settle,
  tokenCheck, tokenFromScan, validPlate, validateCitation, vehicleCheck,
  DONE, PENDING, REJECT, REJECTED, RETRY, SENT, SIGN_OUT,
} from "../../../../static/js/oficial/queue.js";

const NOW = new Date("2025-06-01T12:00:00Z");
let seq = 0;
const uuid = () => `00000000-0000-4000-8000-${String(++seq).padStart(12, "0")}`;

const types = [
  { codigo: "T01", descripcion: "Semáforo en rojo", gravedad: "grave" },
  { codigo: "T010", descripcion: "Giro indebido en semáforo", gravedad: "leve" },
  { codigo: "E05", descripcion: "Estacionar en lugar prohibido", gravedad: "leve" },
  { codigo: "V.1", descripcion: "Exceso de velocidad en zona escolar", gravedad: "gravisima" },
];

test("normalizePlate matches the server's NormalizePlate", () => {
  const cases = {
    "abc123": "ABC123",
    "AB 123 CD": "AB123CD",
    "ab-123-cd": "AB123CD",
    " ab–123—cd ": "AB123CD",
    "ＡＢＣ１２３": "ABC123",
    "ab\u00a0123": "AB123",
    "ab\u200b123": "AB123",
    "ab\u00ad12": "AB12",
    "straße": "STRAßE", // Go maps one rune to one rune: ß stays
  };
  for (const [input, want] of Object.entries(cases)) assert.equal(normalizePlate(input), want, input);
  for (const bad of ["A", "ABCDEFGHIJK", "AB.123", "АВС123", "", "STRAßE"]) assert.equal(validPlate(normalizePlate(bad)), false, bad);
  assert.equal(validPlate("AB123CD"), true);
});

test("validateCitation names each bad field with the server's wording", () => {
  assert.deepEqual(validateCitation({ placa: "ab-123", comentarios: "", fotos: 0 }, types), {});
  assert.equal(validateCitation({ placa: "  " }).placa_patente, "es obligatoria");
  assert.equal(validateCitation({ placa: "A".repeat(33) }).placa_patente, "no puede superar los 32 caracteres");
  assert.match(validateCitation({ placa: "AB.12" }).placa_patente, /de 2 a 10 letras/);

  const all = validateCitation({
    placa: "X", codigo: "ZZZ", comentarios: "a\u0007b", ubicacion: { descripcion: "línea\notra" }, fotos: 6,
  }, types);
  assert.deepEqual(Object.keys(all).sort(), ["codigo", "comentarios", "fotos", "placa_patente", "ubicacion"]);
  assert.match(all.codigo, /«ZZZ» no está en el catálogo/);
  assert.equal(all.comentarios, "contiene caracteres de control no permitidos");
  assert.equal(all.ubicacion, "no puede contener saltos de línea ni tabulaciones");

  // Characters, not UTF-16 units: 2000 emoji are fine, 2001 are not.
  assert.equal(validateCitation({ placa: "AB12", comentarios: "🚗".repeat(2000) }).comentarios, undefined);
  assert.equal(validateCitation({ placa: "AB12", comentarios: "🚗".repeat(2001) }).comentarios, "no puede superar los 2000 caracteres");
  assert.equal(validateCitation({ placa: "AB12", comentarios: "una\nlínea\tmás" }).comentarios, undefined);
  assert.equal(validateCitation({ placa: "AB12", ubicacion: { descripcion: "x".repeat(201) } }).ubicacion, "no puede superar los 200 caracteres");

  // Any well-formed code goes when no catalogue is cached: the server decides.
  assert.equal(validateCitation({ placa: "AB12", codigo: "zz9" }, []).codigo, undefined);
  assert.match(validateCitation({ placa: "AB12", codigo: "no vale!" }, []).codigo, /no es un código/);
  assert.equal(validateCitation({ placa: "AB12", codigo: "t01" }, types).codigo, undefined);
});

test("errorLines labels the fields in Spanish", () => {
  assert.deepEqual(errorLines({ placa_patente: "es obligatoria", otro: "x" }), ["Patente: es obligatoria", "otro: x"]);
});

test("formatTimestamp is RFC 3339 with the phone's offset and the same instant", () => {
  const d = new Date("2025-03-09T07:08:09.600Z");
  const s = formatTimestamp(d);
  assert.match(s, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
  assert.equal(Date.parse(s), Date.parse("2025-03-09T07:08:09Z"));
});

test("newCitation keeps the plate as typed, the normalised one, and a fresh key", () => {
  const c = newCitation({ placa: " ab-123 ", codigo: "t01", comentarios: "Semáforo", ubicacion: { lat: -34.60371234, lon: -58.38159876, precision: 12.4, descripcion: " Av. Corrientes 1200 " }, fotos: 2 }, { now: NOW, uuid });
  assert.equal(c.placa, "ab-123");
  assert.equal(c.placaNormalizada, "AB123");
  assert.equal(c.codigo, "T01");
  assert.equal(c.estado, PENDING);
  assert.equal(c.id, null);
  assert.match(c.clave, /^[0-9a-f-]{36}$/);
  assert.deepEqual(c.ubicacion, { lat: -34.603712, lon: -58.381599, precision: 12, descripcion: "Av. Corrientes 1200" });
  assert.equal(Date.parse(c.ocurrida), NOW.getTime());
  assert.notEqual(newCitation({ placa: "AB12" }, { now: NOW, uuid }).clave, c.clave);

  assert.equal(newCitation({ placa: "AB12", ubicacion: { lat: NaN, lon: NaN, descripcion: "" } }, { now: NOW, uuid }).ubicacion, null);
  assert.deepEqual(newCitation({ placa: "AB12", ubicacion: { descripcion: "Plaza" } }, { now: NOW, uuid }).ubicacion,
    { lat: null, lon: null, precision: null, descripcion: "Plaza" });
  assert.equal(newCitation({ placa: "AB12", ocurrida: "2025-06-01T08:59:00-03:00" }, { now: NOW, uuid }).ocurrida, "2025-06-01T08:59:00-03:00");
});

test("citationBody sends only the API's members", () => {
  const full = newCitation({ placa: "ab-123", codigo: "T01", comentarios: "x", ubicacion: { lat: -34.6, lon: -58.4, precision: 5, descripcion: "Plaza" } }, { now: NOW, uuid });
  assert.deepEqual(citationBody(full), {
    placa_patente: "AB123", timestamp: full.ocurrida, comentarios: "x", codigo: "T01",
    ubicacion: { lat: -34.6, lon: -58.4, descripcion: "Plaza" },
  });
  const bare = newCitation({ placa: "AB12" }, { now: NOW, uuid });
  assert.deepEqual(Object.keys(citationBody(bare)), ["placa_patente", "timestamp", "comentarios"]);
  const gpsOnly = newCitation({ placa: "AB12", ubicacion: { lat: 1, lon: 2 } }, { now: NOW, uuid });
  assert.deepEqual(citationBody(gpsOnly).ubicacion, { lat: 1, lon: 2 });
  const textOnly = newCitation({ placa: "AB12", ubicacion: { descripcion: "Plaza" } }, { now: NOW, uuid });
  assert.deepEqual(citationBody(textOnly).ubicacion, { descripcion: "Plaza" });
});

const problem = (status, detail, errors) => ({ status, problem: true, json: { type: "/api#x", title: "t", status, detail, errors } });

test("classify: transient failures retry, refusals reject, 401/403 sign out", () => {
  const cases = [
    ["no answer", "citacion", { red: true }, RETRY],
    ["stored", "citacion", { status: 200, problem: true, json: { id: 7 } }, DONE],
    ["captive portal 200", "citacion", { status: 200, problem: false, json: null }, RETRY],
    ["photo created", "foto", { status: 201, problem: true, json: { id: 3, sha256: "ab", bytes: 10 } }, DONE],
    ["photo again", "foto", { status: 200, problem: true, json: { id: 3 } }, DONE],
    ["server error", "citacion", problem(500, "Ocurrió un error inesperado."), RETRY],
    ["unavailable", "citacion", { ...problem(503, "No disponible"), retryAfter: 5 }, RETRY],
    ["rate limited", "citacion", problem(429, "Demasiadas solicitudes"), RETRY],
    ["request timeout", "citacion", problem(408, "Tardó"), RETRY],
    ["bad request", "citacion", problem(400, "Hay datos inválidos", { comentarios: "no puede superar los 2000 caracteres" }), REJECT],
    ["unknown plate", "citacion", problem(404, "No hay ningún vehículo registrado con la patente «ZZ99»."), REJECT],
    ["proxy 404 page", "citacion", { status: 404, problem: false, json: null }, RETRY],
    ["revoked", "citacion", problem(401, "El token no es válido o fue revocado."), SIGN_OUT],
    ["inactive", "foto", problem(403, "El oficial 77 está inactivo"), SIGN_OUT],
    ["portal 401 page", "citacion", { status: 401, problem: false, json: null }, RETRY],
    ["photo already there", "foto", problem(409, "Ya tiene 5 fotos"), DONE],
    ["citation conflict", "citacion", problem(409, "Conflicto"), REJECT],
    ["photo wrong type", "foto", problem(415, "No es una imagen JPEG"), REJECT],
    ["redirect not followed", "citacion", { status: 0, problem: false, json: null }, RETRY],
  ];
  for (const [name, kind, outcome, want] of cases) assert.equal(classify(kind, outcome).accion, want, name);

  const rej = classify("citacion", problem(400, "Hay datos inválidos: comentarios", { comentarios: "muy largo", x: 3 }));
  assert.equal(rej.motivo, "Hay datos inválidos: comentarios");
  assert.deepEqual(rej.errores, { comentarios: "muy largo" });
  assert.equal(classify("citacion", { ...problem(503, "x"), retryAfter: 5 }).espera, 5000);
  assert.equal(classify("citacion", problem(401, "")).motivo, "El servidor rechazó el token");
  assert.equal(classify("citacion", { status: 200, problem: true, json: { id: 9 } }).id, 9);
});

test("backoff grows exponentially, stays under the cap and jitters", () => {
  assert.equal(backoff(1, () => 0), 1000);
  assert.equal(backoff(1, () => 1), 2000);
  assert.equal(backoff(2, () => 1), 4000);
  assert.equal(backoff(4, () => 0.5), 12000);
  assert.equal(backoff(30, () => 1), 300000);
  assert.equal(backoff(30, () => 0), 150000);
  let prevMax = 0;
  for (let n = 1; n <= 12; n++) {
    const lo = backoff(n, () => 0);
    const hi = backoff(n, () => 1);
    assert.ok(lo <= hi && hi >= prevMax && hi <= 300000, `failure ${n}: ${lo}..${hi}`);
    prevMax = hi;
  }
});

test("a citation goes pendiente → enviada only once the server has it and every photo", () => {
  const c = { ...newCitation({ placa: "AB12" }, { now: NOW, uuid }), n: 1, fotos: 2 };
  const retried = applyCitation(c, { accion: RETRY, motivo: "Sin conexión con el servidor" });
  assert.equal(retried.estado, PENDING);
  assert.equal(retried.intentos, 1);
  assert.equal(retried.ultimoError, "Sin conexión con el servidor");
  assert.equal(retried.clave, c.clave, "a retry keeps the Idempotency-Key");

  const stored = applyCitation(retried, { accion: DONE, id: 41, respuesta: { id: 41, estado: "vigente" } });
  assert.equal(stored.id, 41);
  assert.equal(stored.intentos, 2);
  assert.equal(stored.ultimoError, null);
  const photos = [{ clave: c.clave, orden: 0, estado: PENDING }, { clave: c.clave, orden: 1, estado: PENDING }];
  assert.equal(settle(stored, photos).estado, PENDING, "photos still to send");
  assert.throws(() => applyCitation(stored, { accion: DONE, id: 42 }), /not waiting/, "never sent twice");

  const p0 = applyPhoto(photos[0], { accion: DONE, id: 5 });
  const p1 = applyPhoto(photos[1], { accion: REJECT, motivo: "No es una imagen" });
  assert.equal(p0.estado, SENT);
  assert.equal(p1.estado, REJECTED);
  assert.equal(p1.motivo, "No es una imagen");
  assert.throws(() => applyPhoto(p0, { accion: DONE, id: 5 }), /not waiting/);
  const sent = settle(stored, [p0, p1]);
  assert.equal(sent.estado, SENT);
  assert.equal(sent.id, 41);
  assert.equal(sent.fotosEnviadas, 1);
  assert.deepEqual(sent.fotosRechazadas, [{ orden: 1, motivo: "No es una imagen" }]);

  const rejected = applyCitation(c, { accion: REJECT, motivo: "No hay ningún vehículo", errores: { placa_patente: "x" } });
  assert.equal(rejected.estado, REJECTED);
  assert.equal(rejected.motivo, "No hay ningún vehículo");
  assert.deepEqual(rejected.errores, { placa_patente: "x" });
  assert.equal(settle(rejected, []).estado, REJECTED);
  assert.equal(applyCitation(c, { accion: SIGN_OUT, motivo: "x" }), c, "a sign-out leaves the citation as it was");
});

test("nextStep goes strictly in creation order, each citation then its photos", () => {
  const mk = (n, over) => ({ ...newCitation({ placa: "AB12" }, { now: NOW, uuid }), n, ...over });
  const a = mk(3);
  const b = mk(1, { estado: REJECTED });
  const c = mk(2, { id: 10, fotos: 2 });
  const d = mk(4);
  const photos = { [c.clave]: [{ clave: c.clave, orden: 1, estado: PENDING }, { clave: c.clave, orden: 0, estado: SENT }] };
  const of = (k) => photos[k] || [];
  let s = nextStep([a, b, c, d], of);
  assert.equal(s.tipo, "foto");
  assert.equal(s.citacion.clave, c.clave);
  assert.equal(s.foto.orden, 1);

  photos[c.clave][0].estado = SENT;
  s = nextStep([a, b, c, d], of);
  assert.equal(s.tipo, "cerrar");
  const closed = settle(c, of(c.clave));
  s = nextStep([a, b, closed, d], of);
  assert.deepEqual([s.tipo, s.citacion.n], ["citacion", 3]);
  assert.equal(nextStep([b, closed], of), null);
});

test("a corrected citation is a new request that keeps the infraction's time", () => {
  const rejected = { ...newCitation({ placa: "ZZ99", ocurrida: "2025-06-01T08:00:00-03:00" }, { now: NOW, uuid }), n: 1, estado: REJECTED, motivo: "x" };
  const fixed = correctedCitation(rejected, { placa: "AB12", comentarios: "corregida" }, { now: new Date(NOW.getTime() + 3600e3), uuid });
  assert.notEqual(fixed.clave, rejected.clave);
  assert.equal(fixed.ocurrida, rejected.ocurrida);
  assert.equal(fixed.corrige, rejected.clave);
  assert.equal(fixed.estado, PENDING);
  assert.equal(fixed.placaNormalizada, "AB12");
  assert.throws(() => correctedCitation({ ...rejected, estado: PENDING }, {}, { now: NOW, uuid }), /only a rejected/);
});

test("searchTypes finds by code or by words, without accents, exact code first", () => {
  assert.deepEqual(searchTypes(types, "t01").map((t) => t.codigo), ["T01", "T010"]);
  assert.deepEqual(searchTypes(types, "semaforo").map((t) => t.codigo), ["T01", "T010"]);
  assert.deepEqual(searchTypes(types, "SEMÁFORO rojo").map((t) => t.codigo), ["T01"]);
  assert.deepEqual(searchTypes(types, "velocidad escolar").map((t) => t.codigo), ["V.1"]);
  assert.deepEqual(searchTypes(types, "   "), []);
  assert.equal(searchTypes(types, "e", 1).length, 1);
  assert.equal(findType(types, " t01 ").descripcion, "Semáforo en rojo");
  assert.equal(findType(types, "T0"), null);
  assert.equal(fold("ÁLVAREZ Ñandú"), "alvarez nandu");
});

test("tokenCheck only keeps the officer out on our server's refusal", () => {
  assert.equal(tokenCheck({ status: 200, json: [] }).estado, "valido");
  assert.equal(tokenCheck({ status: 304 }).estado, "valido");
  const bad = tokenCheck(problem(401, "El token no es válido o fue revocado."));
  assert.deepEqual(bad, { estado: "invalido", texto: "El token no es válido o fue revocado." });
  assert.equal(tokenCheck(problem(403, "Inactivo")).estado, "invalido");
  assert.equal(tokenCheck({ red: true }).estado, "sin-verificar");
  assert.equal(tokenCheck({ status: 200, json: [], desdeCache: true }).estado, "sin-verificar", "a cached answer proves nothing");
  assert.equal(tokenCheck(problem(404, "No existe")).estado, "sin-verificar");
  assert.equal(tokenCheck(problem(503, "x")).estado, "sin-verificar");
  assert.equal(tokenCheck({ status: 401, problem: false }).estado, "sin-verificar");
});

test("vehicleCheck shows make, colour and unpaid fines", () => {
  assert.deepEqual(vehicleCheck({ status: 200, json: { placa_patente: "AB12", marca: "Fiat", color: "Rojo", infracciones_impagas: 2 } }),
    { tipo: "ok", texto: "Fiat · Rojo — 2 multas impagas", impagas: 2 });
  assert.equal(vehicleCheck({ status: 200, json: { marca: "Fiat", color: "", infracciones_impagas: 1 } }).texto, "Fiat — 1 multa impaga");
  assert.equal(vehicleCheck({ status: 200, json: { infracciones_impagas: 0 } }).texto, "Vehículo registrado — sin multas impagas");
  assert.deepEqual(vehicleCheck(problem(404, "No existe")), { tipo: "no-registrada", texto: "Patente no registrada" });
  assert.deepEqual(vehicleCheck({ red: true }), { tipo: "sin-conexion", texto: "Sin conexión: se verificará al enviar" });
  assert.equal(vehicleCheck(problem(401, "Revocado")).tipo, "salir");
  assert.equal(vehicleCheck(problem(500, "x")).tipo, "error");
});

test("tokenFromScan takes the token out of a QR code's text", () => {
  assert.equal(tokenFromScan("trn_abc-DEF_123"), "trn_abc-DEF_123");
  assert.equal(tokenFromScan("https://transito.example/oficial/#token=trn_abc123"), "trn_abc123");
  assert.equal(tokenFromScan("  otro  "), "otro");
});

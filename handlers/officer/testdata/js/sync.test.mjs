// Tests of the sync loop (static/js/oficial/sync.js) against a real HTTP
// server on loopback that answers like the API, with an in-memory store.
import { test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";

import { Syncer } from "../../../../static/js/oficial/sync.js";
import { newCitation } from "../../../../static/js/oficial/queue.js";
import { MemStore } from "./memstore.mjs";

const TOKEN = "trn_prueba";

// api starts a server; answer(req, body, api) decides each response. It keeps
// the idempotency map an API keeps: the same key gets the same id.
async function api(t, answer) {
  const s = { requests: [], rows: new Map(), nextId: 100, inFlight: 0, maxInFlight: 0 };
  const server = http.createServer((req, res) => {
    const chunks = [];
    s.inFlight++;
    s.maxInFlight = Math.max(s.maxInFlight, s.inFlight);
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const r = { method: req.method, url: req.url, headers: req.headers, body };
      s.requests.push(r);
      const reply = (status, json, headers = {}) => {
        s.inFlight--;
        const type = status >= 400 ? "application/problem+json" : "application/json";
        res.writeHead(status, { "Content-Type": type, ...headers });
        res.end(JSON.stringify(json));
      };
      const store = () => {
        const key = req.headers["idempotency-key"];
        if (!s.rows.has(key)) s.rows.set(key, { id: s.nextId++, body: JSON.parse(body) });
        return s.rows.get(key);
      };
      answer(r, { reply, store, cut: () => { s.inFlight--; req.socket.destroy(); }, s });
    });
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  t.after(() => server.close());
  s.base = `http://127.0.0.1:${server.address().port}`;
  return s;
}

const problem = (status, detail, errors) => ({ type: "/api#x", title: "t", status, detail, errors });

let seq = 0;
function citation(store, plate, photos = 0, comentarios = "") {
  const c = newCitation({ placa: plate, comentarios }, { now: new Date(), uuid: () => `key-${++seq}` });
  const ph = Array.from({ length: photos }, (_, i) => ({ blob: new Blob([`jpeg-${plate}-${i}`], { type: "image/jpeg" }), estado: "pendiente", id: null }));
  return store.add(c, ph);
}

async function signedIn() {
  const store = new MemStore();
  await store.setSetting("token", TOKEN);
  return store;
}

// A standard API: citations get ids, photos are created.
function okAPI(r, { reply, store }) {
  if (r.url === "/api/v1/infracciones") return reply(200, { id: store().id, estado: "vigente" });
  const m = /^\/api\/v1\/infracciones\/(\d+)\/fotos$/.exec(r.url);
  if (m) return reply(201, { id: Number(m[1]) * 10 + r.body.length % 10, sha256: "x", bytes: r.body.length });
  reply(404, problem(404, "No existe"));
}

test("sends in creation order: each citation, then its photos, then the next", async (t) => {
  const s = await api(t, okAPI);
  const store = await signedIn();
  const a = citation(store, "AA11", 2, "primera");
  const b = citation(store, "bb-22", 0, "segunda");
  const sync = new Syncer({ store, base: s.base });
  const r = await sync.request();
  assert.equal(r.fin, "listo");
  assert.deepEqual(s.requests.map((x) => x.url), [
    "/api/v1/infracciones", "/api/v1/infracciones/100/fotos", "/api/v1/infracciones/100/fotos", "/api/v1/infracciones",
  ]);
  const [first, , , second] = s.requests;
  assert.equal(first.headers.authorization, `Bearer ${TOKEN}`);
  assert.equal(first.headers["idempotency-key"], a.clave);
  assert.equal(first.headers["content-type"], "application/json");
  assert.deepEqual(Object.keys(JSON.parse(first.body)), ["placa_patente", "timestamp", "comentarios"]);
  assert.equal(JSON.parse(second.body).placa_patente, "BB22");
  assert.equal(s.requests[1].headers["content-type"], "image/jpeg");
  assert.equal(s.requests[1].body.toString(), "jpeg-AA11-0");
  assert.equal(s.requests[2].body.toString(), "jpeg-AA11-1");

  const [ca, cb] = await store.list();
  assert.deepEqual([ca.estado, ca.id, cb.estado, cb.id], ["enviada", 100, "enviada", 101]);
  assert.deepEqual((await store.photos(a.clave)).map((p) => p.estado), ["enviada", "enviada"]);
  assert.equal(b.clave, cb.clave);
  assert.equal(s.maxInFlight, 1, "one request at a time");
});

test("an answer lost in transit is retried with the same key and yields one row", async (t) => {
  let lost = 0;
  const s = await api(t, (r, h) => {
    if (r.url === "/api/v1/infracciones" && lost++ === 0) {
      h.store(); // committed on the server...
      return h.cut(); // ...but the answer never arrives
    }
    okAPI(r, h);
  });
  const store = await signedIn();
  const c = citation(store, "AB12");
  const sync = new Syncer({ store, base: s.base, random: () => 0 });
  const first = await sync.request();
  assert.equal(first.fin, "espera");
  assert.equal(first.espera, 1000);
  let [rec] = await store.list();
  assert.equal(rec.estado, "pendiente");
  assert.equal(rec.intentos, 1);
  assert.match(rec.ultimoError, /Sin conexión/);

  const second = await sync.request({ force: true });
  assert.equal(second.fin, "listo");
  [rec] = await store.list();
  assert.deepEqual([rec.estado, rec.id], ["enviada", 100]);
  assert.deepEqual(s.requests.map((x) => x.headers["idempotency-key"]), [c.clave, c.clave]);
  assert.equal(s.rows.size, 1, "one row on the server");
});

test("a 5xx waits with backoff (at least Retry-After) and the line keeps its order", async (t) => {
  let calls = 0;
  const s = await api(t, (r, h) => {
    if (calls++ === 0) return h.reply(503, problem(503, "El servicio no puede registrar datos en este momento."), { "Retry-After": "7" });
    okAPI(r, h);
  });
  const store = await signedIn();
  citation(store, "AA11");
  citation(store, "BB22");
  const sync = new Syncer({ store, base: s.base, random: () => 0 });
  const r = await sync.request();
  assert.equal(r.fin, "espera");
  assert.equal(r.espera, 7000);
  assert.equal(r.motivo, "El servicio no puede registrar datos en este momento.");
  assert.equal(s.requests.length, 1, "the second citation waits behind the first");

  const early = await sync.request();
  assert.equal(early.fin, "espera");
  assert.equal(s.requests.length, 1, "no request before the backoff ends");

  assert.equal((await sync.request({ force: true })).fin, "listo");
  const sent = await store.list();
  assert.deepEqual(sent.map((c) => [c.placaNormalizada, c.estado, c.id]), [["AA11", "enviada", 100], ["BB22", "enviada", 101]]);
});

test("a 4xx rejects that citation with the server's reason; the next one still goes", async (t) => {
  const s = await api(t, (r, h) => {
    const body = JSON.parse(r.body);
    if (body.placa_patente === "ZZ99") return h.reply(404, problem(404, "No hay ningún vehículo registrado con la patente «ZZ99»."));
    if (body.comentarios === "mal") return h.reply(400, problem(400, "Hay datos inválidos: comentarios", { comentarios: "no vale" }));
    okAPI(r, h);
  });
  const store = await signedIn();
  citation(store, "ZZ99", 1);
  citation(store, "AB12", 0, "mal");
  citation(store, "CD34");
  const r = await new Syncer({ store, base: s.base }).request();
  assert.equal(r.fin, "listo");
  const [a, b, c] = await store.list();
  assert.deepEqual([a.estado, a.motivo], ["rechazada", "No hay ningún vehículo registrado con la patente «ZZ99»."]);
  assert.deepEqual([b.estado, b.errores], ["rechazada", { comentarios: "no vale" }]);
  assert.deepEqual([c.estado, c.id], ["enviada", 100]);
  assert.equal((await store.photos(a.clave))[0].estado, "pendiente", "a rejected citation keeps its photos for the correction");
  assert.equal(s.requests.length, 3);
});

test("a 401 signs out with the server's reason and keeps the queue", async (t) => {
  const s = await api(t, (r, h) => h.reply(401, problem(401, "El token no es válido o fue revocado."), { "WWW-Authenticate": "Bearer" }));
  const store = await signedIn();
  citation(store, "AB12");
  let told = null;
  const sync = new Syncer({ store, base: s.base, onSignOut: (m) => { told = m; } });
  const r = await sync.request();
  assert.deepEqual(r, { fin: "salida", motivo: "El token no es válido o fue revocado." });
  assert.equal(told, "El token no es válido o fue revocado.");
  assert.equal(await store.getSetting("token"), undefined);
  assert.equal((await store.getSetting("salida")).motivo, "El token no es válido o fue revocado.");
  const [c] = await store.list();
  assert.deepEqual([c.estado, c.intentos], ["pendiente", 0]);

  assert.equal((await sync.request({ force: true })).fin, "sin-token");
  assert.equal(s.requests.length, 1, "nothing is sent without a token");
});

test("photos: 409 counts as done, another 4xx rejects the photo, the citation is still sent", async (t) => {
  let n = 0;
  let cut = true;
  const s = await api(t, (r, h) => {
    if (r.url.endsWith("/fotos")) {
      n++;
      if (n === 1) return h.reply(409, problem(409, "La infracción ya tiene 5 fotos."));
      if (n === 2) return h.reply(415, problem(415, "El contenido no es una imagen JPEG."));
      if (cut) return h.cut();
    }
    okAPI(r, h);
  });
  const store = await signedIn();
  const c = citation(store, "AB12", 3);
  const sync = new Syncer({ store, base: s.base, random: () => 0 });
  assert.equal((await sync.request()).fin, "espera", "the third photo's answer was lost");
  let [rec] = await store.list();
  assert.deepEqual([rec.estado, rec.id], ["pendiente", 100]);
  let photos = await store.photos(c.clave);
  assert.deepEqual(photos.map((p) => p.estado), ["enviada", "rechazada", "pendiente"]);
  assert.equal(photos[1].motivo, "El contenido no es una imagen JPEG.");

  cut = false;
  s.requests.length = 0;
  assert.equal((await sync.request({ force: true })).fin, "listo");
  [rec] = await store.list();
  assert.equal(rec.estado, "enviada");
  photos = await store.photos(c.clave);
  assert.deepEqual(photos.map((p) => p.estado), ["enviada", "rechazada", "enviada"]);
  assert.deepEqual(s.requests.map((x) => x.url), ["/api/v1/infracciones/100/fotos"], "the citation is not posted again");
});

test("a 200 that is not the API's (a captive portal) is not taken as sent", async (t) => {
  const portal = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "Content-Type": "text/html" });
      res.end("<html>Inicie sesión en la red Wi-Fi</html>");
    });
  });
  await new Promise((ok) => portal.listen(0, "127.0.0.1", ok));
  t.after(() => portal.close());
  const store = await signedIn();
  citation(store, "AB12");
  const r = await new Syncer({ store, base: `http://127.0.0.1:${portal.address().port}`, random: () => 0 }).request();
  assert.equal(r.fin, "espera");
  const [c] = await store.list();
  assert.deepEqual([c.estado, c.id], ["pendiente", null]);
  assert.match(c.ultimoError, /Respuesta inesperada/);
});

test("requests during a pass are coalesced: one pass at a time, new citations are picked up", async (t) => {
  const s = await api(t, (r, h) => setTimeout(() => okAPI(r, h), 20));
  const store = await signedIn();
  citation(store, "AA11");
  const sync = new Syncer({ store, base: s.base });
  const p1 = sync.request();
  citation(store, "BB22"); // saved while the first is in flight
  const p2 = sync.request();
  assert.equal(p1, p2, "the second request joins the running pass");
  assert.equal((await p1).fin, "listo");
  assert.deepEqual((await store.list()).map((c) => c.estado), ["enviada", "enviada"]);
  assert.equal(s.maxInFlight, 1);
});

// The officer app's HTTP calls to the API and the loop that empties the
// queue. Runs in the page and in the service worker (Background Sync); the
// Web Locks API keeps one loop at a time across tabs and the worker.

import {
  applyCitation, applyPhoto, backoff, citationBody, classify, nextStep, settle,
  DONE, RETRY, SIGN_OUT,
} from "./queue.js";

/** The API endpoints the app calls (DESIGN.md, Officer API). */
export const PATHS = {
  citations: "/api/v1/infracciones",
  photos: (id) => `/api/v1/infracciones/${encodeURIComponent(id)}/fotos`,
  catalogue: "/api/v1/catalogo",
  vehicle: (plate) => `/api/v1/vehiculos/${encodeURIComponent(plate)}`,
};

/** CHANNEL is the BroadcastChannel on which contexts say the queue changed. */
export const CHANNEL = "transito-oficial";

/** FROM_CACHE marks a catalogue answer that the service worker took from its cache. */
export const FROM_CACHE = "X-Oficial-Cache";

const LOCK = "transito-oficial-cola";

/**
 * call makes one request and never throws: it returns {red: true, mensaje}
 * when no answer arrived (offline, connection cut, timeout, an answer cut
 * mid-body), else {status, json, problem, retryAfter, etag, desdeCache}.
 * Redirects are not followed: the API never redirects, a captive portal does.
 */
export async function call(url, { method = "GET", token, body, headers = {}, timeout = 30000 } = {}) {
  const h = { ...headers };
  if (token) h.Authorization = `Bearer ${token}`;
  const { signal, clear } = deadline(timeout);
  try {
    const res = await fetch(url, { method, headers: h, body, signal, cache: "no-store", credentials: "omit", redirect: "manual" });
    const type = res.headers.get("Content-Type") || "";
    const isJSON = /^application\/(problem\+)?json\b/i.test(type);
    let json = null;
    if (isJSON) {
      const text = await res.text();
      try {
        json = JSON.parse(text);
      } catch {
        json = null;
      }
    } else {
      await res.arrayBuffer();
    }
    return {
      status: res.status,
      json,
      problem: isJSON && json !== null && typeof json === "object",
      retryAfter: retryAfter(res.headers.get("Retry-After")),
      etag: res.headers.get("ETag"),
      desdeCache: res.headers.get(FROM_CACHE) === "1",
    };
  } catch (err) {
    const timedOut = err?.name === "AbortError" || err?.name === "TimeoutError";
    return { red: true, mensaje: timedOut ? "tiempo agotado" : "" };
  } finally {
    clear();
  }
}

function deadline(ms) {
  const ctl = new AbortController();
  const t = setTimeout(() => ctl.abort(), ms);
  return { signal: ctl.signal, clear: () => clearTimeout(t) };
}

function retryAfter(v) {
  if (!v) return null;
  if (/^\d+$/.test(v.trim())) return Number(v.trim());
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

/** postCitation sends one citation with its Idempotency-Key; base prefixes the path (tests). */
export function postCitation(token, c, base = "") {
  return call(base + PATHS.citations, {
    method: "POST",
    token,
    headers: { "Content-Type": "application/json", "Idempotency-Key": c.clave },
    body: JSON.stringify(citationBody(c)),
  });
}

/** postPhoto uploads one stored photo's JPEG bytes to the citation's server id. */
export function postPhoto(token, id, photo, base = "") {
  return call(base + PATHS.photos(id), {
    method: "POST",
    token,
    headers: { "Content-Type": photo.blob.type || "image/jpeg" },
    body: photo.blob,
    timeout: 120000,
  });
}

/** checkVehicle asks the registry about a normalised plate. */
export function checkVehicle(token, plate) {
  return call(PATHS.vehicle(plate), { token, timeout: 8000 });
}

/**
 * refreshCatalogue revalidates the cached catalogue (If-None-Match) and
 * stores a new one; it returns the outcome of the request.
 */
export async function refreshCatalogue(store, token) {
  const cached = await store.getSetting("catalogo");
  const headers = cached && cached.etag ? { "If-None-Match": cached.etag } : {};
  const o = await call(PATHS.catalogue, { token, headers, timeout: 15000 });
  if (o.status === 200 && Array.isArray(o.json)) {
    await store.setSetting("catalogo", { etag: o.etag, tipos: o.json, obtenido: new Date().toISOString() });
  }
  return o;
}

/**
 * signOut forgets the token and remembers why, so that the sign-in screen
 * says it even when the worker signed the officer out with no page open.
 * The queue stays on the phone.
 */
export async function signOut(store, motivo) {
  await store.deleteSetting("token");
  if (motivo) await store.setSetting("salida", { motivo, en: new Date().toISOString() });
  else await store.deleteSetting("salida");
}

/**
 * Syncer sends the queue, oldest first: each citation, then its photos, then
 * the next. A failure in transit or a 5xx stops the pass and the next one
 * waits (exponential backoff with jitter); a 4xx rejects that item; a 401 or
 * 403 signs out. Requests in one context are coalesced, and navigator.locks
 * serialises passes across tabs and the service worker.
 */
export class Syncer {
  constructor({ store, onChange = () => {}, onSignOut = () => {}, random = Math.random, now = Date.now, base = "" }) {
    this.store = store;
    this.base = base;
    this.onChange = onChange;
    this.onSignOut = onSignOut;
    this.random = random;
    this.now = now;
    this.failures = 0;
    this.notBefore = 0;
    this.running = null;
    this.again = false;
  }

  /**
   * request runs a pass unless one is running (then it runs another after
   * it) or the backoff says wait; force (the officer asked, the network came
   * back, a new citation) skips the wait. Resolves with {fin, espera, motivo}.
   */
  request({ force = false } = {}) {
    if (force) {
      this.failures = 0;
      this.notBefore = 0;
    }
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const wait = this.notBefore - this.now();
    if (wait > 0) return Promise.resolve({ fin: "espera", espera: wait });
    this.running = (async () => {
      let r;
      do {
        this.again = false;
        r = await exclusive(() => this.pass());
      } while (this.again && r.fin === "listo");
      return r;
    })().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  async pass() {
    for (;;) {
      const token = await this.store.getSetting("token");
      if (!token) return { fin: "sin-token" };
      const pending = await this.store.pending();
      const head = pending.sort((a, b) => a.n - b.n)[0];
      if (!head) return { fin: "listo" };
      const photos = await this.store.photos(head.clave);
      const step = nextStep([head], () => photos);
      if (step.tipo === "cerrar") {
        await this.store.put(settle(head, photos));
        this.onChange();
        continue;
      }
      const kind = step.tipo;
      const outcome = kind === "citacion"
        ? await postCitation(token, head, this.base)
        : await postPhoto(token, head.id, step.foto, this.base);
      const r = classify(kind, outcome);
      if (r.accion === SIGN_OUT) {
        await signOut(this.store, r.motivo);
        this.onSignOut(r.motivo);
        return { fin: "salida", motivo: r.motivo };
      }
      if (kind === "citacion") {
        await this.store.put(settle(applyCitation(head, r), photos));
      } else {
        const photo = applyPhoto(step.foto, r);
        const all = photos.map((p) => (p.orden === photo.orden ? photo : p));
        const c = settle(head, all);
        if (c !== head) await this.store.putBoth(c, photo);
        else await this.store.putPhoto(photo);
      }
      this.onChange();
      if (r.accion === RETRY) {
        this.failures++;
        const espera = Math.max(backoff(this.failures, this.random), r.espera || 0);
        this.notBefore = this.now() + espera;
        return { fin: "espera", espera, motivo: r.motivo };
      }
      if (r.accion === DONE) this.failures = 0;
    }
  }
}

function exclusive(fn) {
  const locks = globalThis.navigator && globalThis.navigator.locks;
  return locks && locks.request ? locks.request(LOCK, fn) : fn();
}

// The officer app's service worker (a module worker, scope /oficial/).
// The server serves it at /oficial/sw.js and puts two constants in front of
// this file: VERSION, a hash of every file of the app, and SHELL, the paths
// to cache. A new deploy changes VERSION, so the browser installs the new
// worker, which caches the new shell under a new name and waits; the page
// offers "Nueva versión disponible" and, when the officer accepts, the
// worker takes over, deletes the old caches and the page reloads.
//
// It answers the shell from its cache (offline first), the catalogue from
// the network with its cached copy as the fallback, and leaves every other
// request alone: API writes are never cached. On Background Sync it sends
// the queue itself, so citations leave even with the app closed.

/* global VERSION, SHELL */
import { openStore } from "./js/store.js";
import { CHANNEL, FROM_CACHE, PATHS, Syncer } from "./js/sync.js";

const PREFIX = "oficial-";
const CACHE = PREFIX + VERSION;
const DATA = PREFIX + "datos";

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll(SHELL.map((path) => new Request(path, { cache: "reload" })));
    // The first install has no page to disturb: take over at once.
    if (!self.registration.active) await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith(PREFIX) && name !== CACHE && name !== DATA) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.tipo === "activar") self.skipWaiting();
});

self.addEventListener("fetch", (event) => {
  const req = event.request;
  if (req.method !== "GET") return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === PATHS.catalogue) {
    event.respondWith(catalogue(req));
    return;
  }
  const shell = req.mode === "navigate" && url.pathname === SHELL[0] ? SHELL[0] : SHELL.includes(url.pathname) ? url.pathname : null;
  if (shell) event.respondWith(fromCache(shell, req));
});

async function fromCache(path, req) {
  const hit = await caches.match(path, { cacheName: CACHE });
  return hit || fetch(req);
}

async function catalogue(req) {
  try {
    const res = await fetch(req);
    if (res.status === 200) {
      const cache = await caches.open(DATA);
      await cache.put(PATHS.catalogue, res.clone());
    }
    return res;
  } catch (err) {
    const hit = await caches.match(PATHS.catalogue, { cacheName: DATA });
    if (!hit) throw err;
    const headers = new Headers(hit.headers);
    headers.set(FROM_CACHE, "1");
    return new Response(hit.body, { status: hit.status, statusText: hit.statusText, headers });
  }
}

self.addEventListener("sync", (event) => {
  if (event.tag === "cola") event.waitUntil(sendQueue());
});

async function sendQueue() {
  const store = await openStore();
  const channel = new BroadcastChannel(CHANNEL);
  const syncer = new Syncer({
    store,
    onChange: () => channel.postMessage({ tipo: "cola" }),
    onSignOut: (motivo) => channel.postMessage({ tipo: "salida", motivo }),
  });
  const r = await syncer.request({ force: true });
  channel.close();
  // Rejecting asks the browser to fire the sync again later.
  if (r.fin === "espera") throw new Error(`cola: ${r.motivo || "quedan citaciones por enviar"}`);
}

// The officer app's entry point: sign-in (pasted or scanned token), the
// queue on screen, the sync triggers (the online event, a periodic retry,
// Background Sync) and the service worker's updates.

import { openStore } from "./store.js";
import { CHANNEL, Syncer, refreshCatalogue, signOut } from "./sync.js";
import { counts, errorLines, tokenCheck, PENDING, REJECTED, SENT } from "./queue.js";
import { initForm } from "./form.js";

const $ = (id) => document.getElementById(id);
const PERIODIC_RETRY = 60 * 1000;
const RENDER_EVERY = 200;

const BADGE = {
  [PENDING]: ["Pendiente", "border-2 border-slate-950 bg-amber-300 text-slate-950"],
  [SENT]: ["Enviada", "border-2 border-green-900 bg-green-800 text-white"],
  [REJECTED]: ["Rechazada", "border-2 border-red-900 bg-red-800 text-white"],
};
const ITEM = "rounded-xl border-2 border-slate-900 bg-white p-4";
const ACTION = "min-h-12 rounded-xl border-2 border-blue-900 bg-white px-4 py-2 text-lg font-bold text-blue-900 active:bg-blue-50 focus:outline-none focus:ring-4 focus:ring-amber-400";
const NET = {
  true: ["En línea", "rounded-full border-2 border-white bg-green-700 px-3 py-1 text-base font-bold text-white"],
  false: ["Sin conexión", "rounded-full border-2 border-slate-950 bg-amber-300 px-3 py-1 text-base font-bold text-slate-950"],
};

const app = {
  store: null,
  token: null,
  types: [],
  syncer: null,
  form: null,
  timer: null,
  channel: null,
  registration: null,
  stopScan: null,
  renderQueued: false,
};

boot().catch((err) => {
  $("cargando").textContent = `No se pudo abrir la aplicación: ${err && err.message ? err.message : err}. Este navegador debe permitir guardar datos (IndexedDB).`;
});

async function boot() {
  app.store = await openStore();
  const cached = await app.store.getSetting("catalogo");
  app.types = cached && Array.isArray(cached.tipos) ? cached.tipos : [];
  if ("BroadcastChannel" in self) {
    app.channel = new BroadcastChannel(CHANNEL);
    app.channel.onmessage = (e) => {
      if (e.data?.tipo === "cola") renderQueue();
      if (e.data?.tipo === "salida" && app.token) showSignIn(e.data.motivo);
      if (e.data?.tipo === "ingreso" && !app.token) resumeSession();
    };
  }
  app.syncer = new Syncer({
    store: app.store,
    onChange: () => {
      renderQueue();
      tell({ tipo: "cola" });
    },
    onSignOut: (motivo) => {
      tell({ tipo: "salida", motivo });
      showSignIn(motivo);
    },
  });
  app.form = initForm({
    store: app.store,
    token: () => app.token,
    types: () => app.types,
    online: () => navigator.onLine,
    onSaved: () => {
      renderQueue();
      tell({ tipo: "cola" });
      kick(true);
    },
    onSignOut: async (motivo) => {
      await signOut(app.store, motivo);
      tell({ tipo: "salida", motivo });
      showSignIn(motivo);
    },
  });
  wireSignIn();
  wireQueue();
  showNetwork();
  addEventListener("online", () => {
    showNetwork();
    kick(true);
  });
  addEventListener("offline", showNetwork);
  document.addEventListener("visibilitychange", () => {
    if (!app.token) return;
    if (document.visibilityState === "visible") {
      app.form.resume();
      kick(false);
      if (app.registration) app.registration.update().catch(() => {});
    } else {
      app.form.pause();
    }
  });
  setInterval(() => kick(false), PERIODIC_RETRY);
  $("cargando").hidden = true;
  await resumeSession();
  registerWorker();
  performance.mark("oficial-listo");
  document.documentElement.dataset.listo = "1";
}

async function resumeSession() {
  app.token = (await app.store.getSetting("token")) || null;
  if (app.token) {
    showMain("");
    kick(true);
    updateCatalogue();
  } else {
    const out = await app.store.getSetting("salida");
    showSignIn(out ? out.motivo : null, true);
  }
}

function tell(msg) {
  if (app.channel) app.channel.postMessage(msg);
}

// Sign-in: paste the token, or scan it where the browser can.

function wireSignIn() {
  $("ingreso-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const token = $("token").value.trim();
    tokenError("");
    if (token === "") return tokenError("Pegue el token o escanee su código QR.");
    if (/\s/.test(token)) return tokenError("El token no lleva espacios: péguelo otra vez, completo.");
    const button = $("ingresar");
    button.disabled = true;
    button.textContent = "Verificando…";
    try {
      const check = tokenCheck(await refreshCatalogue(app.store, token));
      if (check.estado === "invalido") return tokenError(check.texto);
      await app.store.setSetting("token", token);
      await app.store.deleteSetting("salida");
      const cached = await app.store.getSetting("catalogo");
      app.types = cached && Array.isArray(cached.tipos) ? cached.tipos : [];
      app.token = token;
      if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => {});
      tell({ tipo: "ingreso" });
      showMain(check.texto);
      kick(true);
    } finally {
      button.disabled = false;
      button.textContent = "Ingresar";
    }
  });

  canScan().then((ok) => {
    $("escanear").hidden = !ok;
  });
  $("escanear").addEventListener("click", async () => {
    const { startScan } = await import("./scan.js");
    $("escaner").hidden = false;
    $("ingreso-form").hidden = true;
    $("escaner-estado").textContent = "Apunte la cámara al código QR del token.";
    app.stopScan = startScan($("camara"), {
      onText: (token) => {
        closeScanner();
        $("token").value = token;
        $("ingreso-form").requestSubmit();
      },
      onError: (msg) => {
        $("escaner-estado").textContent = msg;
      },
    });
  });
  $("escaner-cerrar").addEventListener("click", closeScanner);

  $("salir").addEventListener("click", async () => {
    const pending = (await app.store.pending()).length;
    if (pending > 0 && !confirm(`Hay ${pending} ${pending === 1 ? "citación" : "citaciones"} sin enviar. Quedan guardadas en el teléfono y se enviarán con el próximo token que ingrese. ¿Cerrar sesión?`)) return;
    await signOut(app.store, null);
    tell({ tipo: "salida", motivo: null });
    showSignIn(null);
  });
}

async function canScan() {
  if (!("BarcodeDetector" in self) || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return false;
  try {
    return (await BarcodeDetector.getSupportedFormats()).includes("qr_code");
  } catch {
    return false;
  }
}

function closeScanner() {
  if (app.stopScan) app.stopScan();
  app.stopScan = null;
  $("escaner").hidden = true;
  $("ingreso-form").hidden = false;
}

function tokenError(msg) {
  $("token-error").textContent = msg;
  $("token-error").hidden = !msg;
  if (msg) {
    $("token").setAttribute("aria-invalid", "true");
    $("token").focus();
  } else {
    $("token").removeAttribute("aria-invalid");
  }
}

function showSignIn(motivo, quiet) {
  app.token = null;
  clearTimeout(app.timer);
  app.form.pause();
  closeScanner();
  $("principal").hidden = true;
  $("ingreso").hidden = false;
  $("token").value = "";
  tokenError("");
  const aviso = $("ingreso-aviso");
  aviso.hidden = !motivo;
  aviso.textContent = motivo
    ? `Se cerró la sesión: ${motivo} Ingrese un token válido. Las citaciones pendientes siguen guardadas en el teléfono y se enviarán al ingresar.`
    : "";
  if (!quiet) $("token").focus();
}

function showMain(note) {
  $("ingreso").hidden = true;
  $("principal").hidden = false;
  $("sesion").textContent = `Sesión: ${app.token.slice(0, 10)}…${note ? " · " + note : ""}`;
  app.form.resume();
  renderQueue();
}

async function updateCatalogue() {
  if (!navigator.onLine || !app.token) return;
  const o = await refreshCatalogue(app.store, app.token);
  if (o.status === 200) {
    const cached = await app.store.getSetting("catalogo");
    app.types = cached && Array.isArray(cached.tipos) ? cached.tipos : [];
    app.form.showTypes();
  }
}

// Sync: forced by a new citation, the network coming back or the officer;
// otherwise it honours the backoff.

async function kick(force) {
  if (!app.token) return;
  const r = await app.syncer.request({ force });
  clearTimeout(app.timer);
  if (r.fin === "espera") {
    app.timer = setTimeout(() => kick(false), r.espera + 50);
    backgroundSync();
  }
  renderQueue();
}

async function backgroundSync() {
  try {
    if (app.registration && app.registration.sync) await app.registration.sync.register("cola");
  } catch {
    // Background Sync is optional: the page retries while it is open.
  }
}

// The queue on screen, newest first.

function wireQueue() {
  $("enviar-ahora").addEventListener("click", () => kick(true));
  $("borrar-enviadas").addEventListener("click", async () => {
    const sent = (await app.store.list()).filter((c) => c.estado === SENT).length;
    if (sent === 0) return;
    if (!confirm(`¿Borrar del teléfono ${sent === 1 ? "la citación enviada" : `las ${sent} citaciones enviadas`}? Ya están en el servidor.`)) return;
    await app.store.removeSent();
    renderQueue();
    tell({ tipo: "cola" });
  });
  $("cola-lista").addEventListener("click", async (e) => {
    const b = e.target.closest("button[data-accion]");
    if (!b) return;
    const clave = b.closest("[data-clave]").dataset.clave;
    const c = await app.store.get(clave);
    if (!c || c.estado !== REJECTED) return;
    if (b.dataset.accion === "corregir") {
      app.form.correct(c, await app.store.photos(clave));
    } else if (b.dataset.accion === "descartar" && confirm(`¿Descartar la citación rechazada de ${c.placa}? No se enviará.`)) {
      await app.store.remove(clave);
      renderQueue();
      tell({ tipo: "cola" });
    }
  });
}

// renderQueue redraws the list at most every RENDER_EVERY ms, however many
// changes the sync loop reports.
function renderQueue() {
  if (app.renderQueued) return;
  app.renderQueued = true;
  setTimeout(async () => {
    app.renderQueued = false;
    const list = (await app.store.list()).sort((a, b) => b.n - a.n);
    const sending = list.find((c) => c.estado === PENDING && c.id != null);
    const photos = sending ? await app.store.photos(sending.clave) : [];
    $("cola-lista").replaceChildren(...list.map((c) => item(c, c === sending ? photos : null)));
    const n = counts(list);
    $("cola-resumen").textContent = list.length === 0
      ? "No hay citaciones guardadas en este teléfono."
      : `${n[PENDING]} ${n[PENDING] === 1 ? "pendiente" : "pendientes"} · ${n[SENT]} ${n[SENT] === 1 ? "enviada" : "enviadas"} · ${n[REJECTED]} ${n[REJECTED] === 1 ? "rechazada" : "rechazadas"}`;
    $("borrar-enviadas").disabled = n[SENT] === 0;
  }, RENDER_EVERY);
}

function item(c, photos) {
  const li = el("li", ITEM);
  li.setAttribute("data-testid", "cola-item");
  li.dataset.estado = c.estado;
  li.dataset.clave = c.clave;
  if (c.id != null) li.dataset.id = String(c.id);

  const top = el("div", "flex items-center justify-between gap-3");
  const [label, badge] = BADGE[c.estado];
  top.append(el("span", "font-mono text-2xl font-extrabold", c.placa), el("span", `rounded-full px-3 py-1 text-base font-bold ${badge}`, label));
  li.append(top);

  const when = new Date(c.ocurrida);
  const p = (n) => String(n).padStart(2, "0");
  const facts = [`${p(when.getDate())}/${p(when.getMonth() + 1)} ${p(when.getHours())}:${p(when.getMinutes())}`, c.codigo || "sin tipificar"];
  if (c.fotos) facts.push(c.fotos === 1 ? "1 foto" : `${c.fotos} fotos`);
  if (c.ubicacion?.descripcion) facts.push(c.ubicacion.descripcion);
  li.append(el("p", "mt-1 text-base text-slate-800", facts.join(" · ")));

  if (c.estado === PENDING) {
    let text = "Se enviará en cuanto haya conexión.";
    if (c.id != null) {
      const sent = photos ? photos.filter((x) => x.estado !== PENDING).length : 0;
      text = `Registrada con el n.º ${c.id}; enviando fotos (${sent} de ${c.fotos}).`;
    } else if (c.ultimoError) {
      text = `Reintento ${c.intentos}: ${c.ultimoError}.`;
    }
    li.append(el("p", "mt-2 text-base font-bold text-slate-900", text));
  } else if (c.estado === SENT) {
    const id = el("p", "mt-2 text-lg font-bold text-green-900", `Registrada con el n.º ${c.id}`);
    id.setAttribute("data-testid", "cola-id");
    li.append(id);
    for (const r of c.fotosRechazadas || []) li.append(el("p", "mt-1 text-base font-bold text-red-800", `Foto ${r.orden + 1} no enviada: ${r.motivo}`));
  } else {
    const why = el("p", "mt-2 text-lg font-bold text-red-900", c.motivo || "Rechazada por el servidor.");
    why.setAttribute("data-testid", "cola-motivo");
    li.append(why);
    const lines = errorLines(c.errores);
    if (lines.length) {
      const ul = el("ul", "mt-1 list-disc pl-6 text-base text-red-900");
      ul.append(...lines.map((l) => el("li", "", l)));
      li.append(ul);
    }
    const actions = el("div", "mt-3 flex flex-wrap gap-3");
    const fix = el("button", ACTION, "Corregir y reenviar");
    fix.type = "button";
    fix.dataset.accion = "corregir";
    fix.setAttribute("data-testid", "corregir");
    const drop = el("button", ACTION, "Descartar");
    drop.type = "button";
    drop.dataset.accion = "descartar";
    drop.setAttribute("data-testid", "descartar");
    actions.append(fix, drop);
    li.append(actions);
  }
  return li;
}

function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text != null) e.textContent = text;
  return e;
}

function showNetwork() {
  const [text, cls] = NET[navigator.onLine];
  $("red").textContent = text;
  $("red").className = cls;
}

// The service worker: offline shell, Background Sync, clean updates. A new
// version waits until the officer taps "Actualizar" (a reload must not
// lose a half-written citation).

async function registerWorker() {
  if (!("serviceWorker" in navigator)) return;
  const { worker, scope } = document.body.dataset;
  let wantReload = false;
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (wantReload) location.reload();
  });
  try {
    app.registration = await navigator.serviceWorker.register(worker, { scope, type: "module", updateViaCache: "none" });
  } catch {
    return; // no module workers: the app still works online
  }
  const reg = app.registration;
  const offer = (w) => {
    $("nueva-version").hidden = false;
    $("actualizar").onclick = () => {
      wantReload = true;
      w.postMessage({ tipo: "activar" });
    };
  };
  if (reg.waiting && navigator.serviceWorker.controller) offer(reg.waiting);
  reg.addEventListener("updatefound", () => {
    const w = reg.installing;
    if (!w) return;
    w.addEventListener("statechange", () => {
      if (w.state === "installed" && navigator.serviceWorker.controller) offer(w);
    });
  });
}

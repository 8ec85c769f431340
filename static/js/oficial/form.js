// The citation form: the phone's clock, the GPS position (taken when the
// form opens, no tap needed), the plate check, the catalogue search, the
// photos (resized on the phone) and saving to IndexedDB before "Guardada".

import {
  correctedCitation, errorLines, findType, formatTimestamp, newCitation, normalizePlate,
  searchTypes, validateCitation, validPlate, vehicleCheck, MAX_PHOTOS, MAX_PHOTO_SIDE,
} from "./queue.js";
import { checkVehicle } from "./sync.js";

const $ = (id) => document.getElementById(id);

const FIELDS = {
  placa_patente: ["placa", "placa-error"],
  codigo: ["codigo", "codigo-error"],
  comentarios: ["comentarios", "comentarios-error"],
  ubicacion: ["ubicacion", "ubicacion-error"],
  fotos: ["fotos", "fotos-error"],
};

const OPTION = "block w-full min-h-12 rounded-lg border-2 border-slate-900 bg-white px-4 py-3 text-left text-lg active:bg-amber-100 focus:outline-none focus:ring-4 focus:ring-amber-400";
const THUMB = "relative overflow-hidden rounded-lg border-2 border-slate-900";
const THUMB_REMOVE = "absolute right-1 top-1 min-h-10 min-w-10 rounded-full bg-slate-950 px-2 text-base font-bold text-white focus:outline-none focus:ring-4 focus:ring-amber-400";
const CHECK = { ok: "text-green-800", "no-registrada": "text-red-800", "sin-conexion": "text-slate-700", error: "text-slate-700", salir: "text-red-800" };

/**
 * initForm wires the form. deps: store, token() (the current token or
 * null), types() (the cached catalogue), online() (network state),
 * onSaved(citation), onSignOut(reason).
 */
export function initForm(deps) {
  const form = $("citacion");
  const f = {
    occurred: null, // set at the first edit: when the officer started writing
    position: null, // {lat, lon, precision, at}
    fixed: null, // a correction keeps the original place, or none
    watch: null,
    clock: null,
    photos: [], // {blob, bytes, ancho, alto, miniatura}
    correcting: null, // the rejected citation being corrected
    checkSeq: 0,
    checkTimer: null,
    saving: false,
  };

  const started = () => {
    if (!f.occurred) {
      f.occurred = new Date();
      showClock();
    }
  };

  // The time: ticks until the officer starts writing, then stays.
  function showClock() {
    const d = f.correcting ? new Date(f.correcting.ocurrida) : f.occurred || new Date();
    const p = (n) => String(n).padStart(2, "0");
    $("hora").textContent = `${p(d.getHours())}:${p(d.getMinutes())}${f.occurred || f.correcting ? "" : ":" + p(d.getSeconds())}`;
    $("hora").title = f.occurred || f.correcting ? "Hora de la infracción (reloj del teléfono)" : "Hora del teléfono; queda fija al empezar a escribir";
  }

  // The place: a GPS watch while the form is on screen.
  function startGPS() {
    if (f.watch !== null || f.correcting) return;
    if (!("geolocation" in navigator)) {
      gpsText("Este teléfono no da la posición: escriba el lugar.", false);
      return;
    }
    if (!f.position) gpsText("Buscando la posición GPS…", false);
    f.watch = navigator.geolocation.watchPosition(onPosition, onPositionError, { enableHighAccuracy: true, maximumAge: 15000, timeout: 30000 });
  }

  function stopGPS() {
    if (f.watch !== null) navigator.geolocation.clearWatch(f.watch);
    f.watch = null;
  }

  function onPosition(p) {
    const next = { lat: p.coords.latitude, lon: p.coords.longitude, precision: p.coords.accuracy, at: p.timestamp };
    const cur = f.position;
    if (!cur || next.precision <= cur.precision || next.at - cur.at > 30000) f.position = next;
    showPosition();
  }

  function onPositionError(e) {
    if (f.position) return;
    const why = e.code === 1 ? "Sin permiso de ubicación" : e.code === 3 ? "El GPS no responde" : "Posición no disponible";
    gpsText(`${why}: escriba el lugar.`, true);
  }

  function showPosition() {
    const p = f.fixed || f.position;
    if (!p || p.lat == null) return;
    const acc = Number.isFinite(p.precision) ? ` · precisión ±${Math.round(p.precision)} m` : "";
    const label = f.fixed ? "Posición de la citación original" : "GPS";
    gpsText(`${label}: ${p.lat.toFixed(5)}, ${p.lon.toFixed(5)}${acc}`, false);
  }

  function gpsText(text, retry) {
    $("gps").textContent = text;
    $("gps-otra-vez").hidden = !retry;
  }

  $("gps-otra-vez").addEventListener("click", () => {
    stopGPS();
    startGPS();
  });

  // The plate: normalised as the server does, checked against the registry.
  $("placa").addEventListener("input", () => {
    started();
    clearError("placa_patente");
    const plate = normalizePlate($("placa").value);
    $("placa-normal").textContent = plate && plate !== $("placa").value ? `Se registrará como ${plate}` : "";
    scheduleCheck(plate);
  });

  function scheduleCheck(plate) {
    clearTimeout(f.checkTimer);
    const seq = ++f.checkSeq;
    checkText("", "ok");
    if (!validPlate(plate) || !deps.token()) return;
    f.checkTimer = setTimeout(async () => {
      if (!deps.online()) {
        checkText("Sin conexión: se verificará al enviar", "sin-conexion");
        return;
      }
      checkText("Verificando la patente…", "sin-conexion");
      const r = vehicleCheck(await checkVehicle(deps.token(), plate));
      if (seq !== f.checkSeq) return;
      if (r.tipo === "salir") {
        checkText("", "ok");
        deps.onSignOut(r.texto);
        return;
      }
      checkText(r.texto, r.tipo);
    }, 600);
  }

  function checkText(text, kind) {
    const el = $("placa-verificacion");
    el.textContent = text;
    el.dataset.resultado = text ? kind : "";
    el.className = `mt-1 text-base font-bold ${CHECK[kind] || ""}`;
  }

  // The infraction type: search the cached catalogue by code or words.
  const codigo = $("codigo");
  codigo.addEventListener("input", () => {
    started();
    clearError("codigo");
    showTypes();
  });
  codigo.addEventListener("keydown", (e) => {
    const first = $("codigo-opciones").querySelector("button");
    if (e.key === "Enter" && first) {
      e.preventDefault();
      pickType(first.dataset.codigo);
    }
  });
  $("codigo-opciones").addEventListener("click", (e) => {
    const b = e.target.closest("button[data-codigo]");
    if (b) pickType(b.dataset.codigo);
  });

  function pickType(code) {
    codigo.value = code;
    showTypes();
    $("comentarios").focus();
  }

  function showTypes() {
    const types = deps.types();
    const list = $("codigo-opciones");
    const chosen = findType(types, codigo.value);
    const matches = chosen ? [] : searchTypes(types, codigo.value, 6);
    list.replaceChildren(...matches.map((t) => {
      const li = document.createElement("li");
      const b = document.createElement("button");
      b.type = "button";
      b.className = OPTION;
      b.dataset.codigo = t.codigo;
      b.setAttribute("data-testid", "codigo-opcion");
      const code = document.createElement("span");
      code.className = "font-mono font-bold";
      code.textContent = t.codigo;
      b.append(code, ` — ${t.descripcion}`);
      li.append(b);
      return li;
    }));
    let text = "";
    if (chosen) text = [chosen.descripcion, chosen.gravedad, chosen.importe ? `$ ${chosen.importe} ${chosen.moneda || ""}`.trim() : ""].filter(Boolean).join(" · ");
    else if (codigo.value.trim() === "") text = types.length ? "Sin tipo: queda sin tipificar hasta que el panel la clasifique." : "Catálogo no disponible en el teléfono: escriba el código exacto o déjelo vacío (sin tipificar).";
    else if (matches.length === 0) text = "Ningún tipo coincide.";
    $("codigo-elegido").textContent = text;
  }

  $("comentarios").addEventListener("input", () => {
    started();
    clearError("comentarios");
  });
  $("ubicacion").addEventListener("input", () => {
    started();
    clearError("ubicacion");
  });

  // Photos: resized to at most 1600 px JPEG before they are kept.
  $("fotos").addEventListener("change", async (e) => {
    started();
    clearError("fotos");
    const files = [...e.target.files];
    e.target.value = "";
    const room = MAX_PHOTOS - f.photos.length;
    if (files.length > room) showError("fotos", `Se admiten hasta ${MAX_PHOTOS} fotos: se agregaron ${Math.max(0, room)}.`);
    for (const file of files.slice(0, Math.max(0, room))) {
      try {
        f.photos.push(await resizePhoto(file));
      } catch {
        showError("fotos", `No se pudo leer la imagen «${file.name}».`);
      }
      showPhotos();
    }
  });

  $("fotos-lista").addEventListener("click", (e) => {
    const b = e.target.closest("button[data-foto]");
    if (!b) return;
    f.photos.splice(Number(b.dataset.foto), 1);
    showPhotos();
  });

  function showPhotos() {
    $("fotos-lista").replaceChildren(...f.photos.map((p, i) => {
      const li = document.createElement("li");
      li.className = THUMB;
      li.setAttribute("data-testid", "foto");
      const img = document.createElement("img");
      img.src = p.miniatura;
      img.alt = `Foto ${i + 1} (${p.ancho}×${p.alto})`;
      img.className = "aspect-square w-full object-cover";
      const del = document.createElement("button");
      del.type = "button";
      del.className = THUMB_REMOVE;
      del.dataset.foto = String(i);
      del.setAttribute("aria-label", `Quitar la foto ${i + 1}`);
      del.textContent = "×";
      li.append(img, del);
      return li;
    }));
    $("fotos-cuenta").textContent = `(${f.photos.length} de ${MAX_PHOTOS})`;
  }

  // Errors: each field with its message, all at once.
  function showError(field, msg) {
    const [input, out] = FIELDS[field] || [];
    if (!out) return;
    $(out).textContent = msg;
    $(out).hidden = false;
    if (input) $(input).setAttribute("aria-invalid", "true");
  }

  function clearError(field) {
    const [input, out] = FIELDS[field];
    $(out).hidden = true;
    $(out).textContent = "";
    $(input).removeAttribute("aria-invalid");
  }

  function clearErrors() {
    Object.keys(FIELDS).forEach(clearError);
    $("form-error").hidden = true;
  }

  function formError(msg) {
    $("form-error").textContent = msg;
    $("form-error").hidden = false;
  }

  function input() {
    const p = f.correcting ? f.fixed : f.position;
    return {
      placa: $("placa").value,
      codigo: codigo.value,
      comentarios: $("comentarios").value,
      ubicacion: { lat: p?.lat ?? NaN, lon: p?.lon ?? NaN, precision: p?.precision, descripcion: $("ubicacion").value },
      fotos: f.photos.length,
      ocurrida: f.correcting ? f.correcting.ocurrida : formatTimestamp(f.occurred || new Date()),
    };
  }

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (f.saving) return;
    clearErrors();
    $("aviso").textContent = "";
    const data = input();
    const errors = validateCitation(data, deps.types());
    const bad = Object.keys(errors);
    if (bad.length) {
      bad.forEach((k) => showError(k, errors[k]));
      formError(`Revise: ${errorLines(errors).join("; ")}.`);
      $(FIELDS[bad[0]][0]).focus();
      return;
    }
    f.saving = true;
    $("guardar").disabled = true;
    try {
      const opts = { now: new Date(), uuid };
      const c = f.correcting ? correctedCitation(f.correcting, data, opts) : newCitation(data, opts);
      const photos = f.photos.map((p) => ({ blob: p.blob, bytes: p.bytes, ancho: p.ancho, alto: p.alto, miniatura: p.miniatura, estado: "pendiente", id: null, motivo: null, intentos: 0 }));
      const saved = await deps.store.save(c, photos, f.correcting ? f.correcting.clave : undefined);
      reset();
      $("aviso").textContent = deps.online() ? "Guardada en el teléfono. Enviando…" : "Guardada en el teléfono. Se enviará al volver la conexión.";
      $("placa").focus();
      deps.onSaved(saved);
    } catch (err) {
      formError(`No se pudo guardar en el teléfono: ${err && err.message ? err.message : err}. La citación no se guardó; vuelva a intentarlo.`);
    } finally {
      f.saving = false;
      $("guardar").disabled = false;
    }
  });

  function reset() {
    form.reset();
    clearErrors();
    f.photos = [];
    f.occurred = null;
    f.correcting = null;
    f.fixed = null;
    $("correccion").hidden = true;
    $("citacion-titulo").textContent = "Nueva citación";
    $("guardar").textContent = "Guardar";
    $("placa-normal").textContent = "";
    checkText("", "ok");
    showPhotos();
    showTypes();
    showClock();
    if (f.position) showPosition();
    startGPS();
  }

  $("correccion-cancelar").addEventListener("click", () => {
    reset();
    $("aviso").textContent = "Corrección cancelada: la citación sigue rechazada en la lista.";
  });

  /** correct loads a rejected citation into the form to fix and resend it. */
  function correct(c, photos) {
    reset();
    f.correcting = c;
    stopGPS();
    f.fixed = c.ubicacion && c.ubicacion.lat != null ? c.ubicacion : null;
    $("placa").value = c.placa;
    codigo.value = c.codigo || "";
    $("comentarios").value = c.comentarios || "";
    $("ubicacion").value = c.ubicacion?.descripcion || "";
    $("placa-normal").textContent = c.placaNormalizada !== c.placa ? `Se registrará como ${c.placaNormalizada}` : "";
    f.photos = photos.map((p) => ({ blob: p.blob, bytes: p.bytes, ancho: p.ancho, alto: p.alto, miniatura: p.miniatura }));
    $("citacion-titulo").textContent = "Corregir citación";
    $("guardar").textContent = "Guardar corrección";
    $("correccion-texto").textContent = `Rechazada: ${c.motivo || "sin motivo"}. Corrija y guarde: se enviará como una citación nueva.`;
    $("correccion").hidden = false;
    for (const [k, v] of Object.entries(c.errores || {})) showError(k, v);
    if (f.fixed) showPosition();
    else gpsText("La citación original no tenía posición GPS.", false);
    showPhotos();
    showTypes();
    showClock();
    scheduleCheck(c.placaNormalizada);
    form.scrollIntoView({ block: "start" });
    $("placa").focus();
  }

  return {
    /** resume starts the clock and the GPS (the form is on screen). */
    resume() {
      showClock();
      clearInterval(f.clock);
      f.clock = setInterval(showClock, 1000);
      startGPS();
      showTypes();
    },
    /** pause stops them (signed out, or the app is in the background). */
    pause() {
      clearInterval(f.clock);
      stopGPS();
    },
    correct,
    showTypes,
  };
}

function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * resizePhoto decodes an image (applying its EXIF orientation), scales it so
 * that its longer side is at most 1600 px, and re-encodes it as JPEG, which
 * also drops its metadata. It returns the Blob and a small thumbnail as a
 * data: URL (the CSP allows data: images, not blob: ones).
 */
export async function resizePhoto(file) {
  const src = await decode(file);
  const w0 = src.width || src.naturalWidth;
  const h0 = src.height || src.naturalHeight;
  const scale = Math.min(1, MAX_PHOTO_SIDE / Math.max(w0, h0));
  const w = Math.max(1, Math.round(w0 * scale));
  const h = Math.max(1, Math.round(h0 * scale));
  const canvas = draw(src, w, h);
  if (src.close) src.close();
  const blob = await new Promise((ok, fail) => canvas.toBlob((b) => (b ? ok(b) : fail(new Error("no se pudo comprimir la foto"))), "image/jpeg", 0.82));
  const ts = Math.min(1, 240 / Math.max(w, h));
  const thumb = draw(canvas, Math.max(1, Math.round(w * ts)), Math.max(1, Math.round(h * ts)));
  return { blob, bytes: blob.size, ancho: w, alto: h, miniatura: thumb.toDataURL("image/jpeg", 0.7) };
}

async function decode(file) {
  if (typeof createImageBitmap === "function") {
    try {
      return await createImageBitmap(file, { imageOrientation: "from-image" });
    } catch {
      // Older engines without the options: decode through an <img>.
    }
  }
  const url = await new Promise((ok, fail) => {
    const r = new FileReader();
    r.onload = () => ok(r.result);
    r.onerror = () => fail(r.error);
    r.readAsDataURL(file);
  });
  const img = new Image();
  img.src = url;
  await img.decode();
  return img;
}

function draw(src, w, h) {
  const c = document.createElement("canvas");
  c.width = w;
  c.height = h;
  const ctx = c.getContext("2d");
  ctx.fillStyle = "#fff"; // a transparent PNG becomes white, not black
  ctx.fillRect(0, 0, w, h);
  ctx.drawImage(src, 0, 0, w, h);
  return c;
}

// The officer app's storage on the phone: one IndexedDB database with
//
//   ajustes     {clave, valor}: the token, the cached catalogue, the reason
//               of the last forced sign-out
//   citaciones  the queue, keyed by creation order (n), unique by clave
//               (the Idempotency-Key), indexed by estado
//   fotos       the photos as JPEG Blobs, keyed by [clave, orden]
//
// Writes that the officer is told about ("Guardada", a correction, a
// deletion, the token) use strict durability: the promise resolves only once
// the transaction is on disk. The sync loop's progress (an id, a state) is
// written relaxed: lost in a crash, it is redone by resending with the same
// Idempotency-Key, which the server answers with the first result.
// Used by the page and by the service worker (Background Sync).

const NAME = "transito-oficial";
const VERSION = 1;

let opening = null;

/** openStore opens (once per context) the database. */
export function openStore() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const req = indexedDB.open(NAME, VERSION);
      req.onupgradeneeded = () => {
        const db = req.result;
        if (!db.objectStoreNames.contains("ajustes")) db.createObjectStore("ajustes", { keyPath: "clave" });
        if (!db.objectStoreNames.contains("citaciones")) {
          const s = db.createObjectStore("citaciones", { keyPath: "n", autoIncrement: true });
          s.createIndex("clave", "clave", { unique: true });
          s.createIndex("estado", "estado");
        }
        if (!db.objectStoreNames.contains("fotos")) db.createObjectStore("fotos", { keyPath: ["clave", "orden"] });
      };
      req.onsuccess = () => {
        const db = req.result;
        // Another tab upgrading the schema: let it, and reopen next time.
        db.onversionchange = () => {
          db.close();
          opening = null;
        };
        resolve(new Store(db));
      };
      req.onerror = () => {
        opening = null;
        reject(req.error);
      };
      req.onblocked = () => reject(new Error("store: la base de datos está abierta en otra pestaña con otra versión"));
    });
  }
  return opening;
}

function done(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function committed(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new Error("store: transacción abortada"));
  });
}

function photoRange(clave) {
  return IDBKeyRange.bound([clave, 0], [clave, Number.MAX_SAFE_INTEGER]);
}

class Store {
  constructor(db) {
    this.db = db;
  }

  tx(stores, mode = "readonly", durability = "strict") {
    return this.db.transaction(stores, mode, mode === "readwrite" ? { durability } : undefined);
  }

  async getSetting(key) {
    const row = await done(this.tx("ajustes").objectStore("ajustes").get(key));
    return row ? row.valor : undefined;
  }

  async setSetting(key, value) {
    const tx = this.tx("ajustes", "readwrite");
    tx.objectStore("ajustes").put({ clave: key, valor: value });
    await committed(tx);
  }

  async deleteSetting(key) {
    const tx = this.tx("ajustes", "readwrite");
    tx.objectStore("ajustes").delete(key);
    await committed(tx);
  }

  /**
   * save writes a new citation and its photos in one transaction; it
   * resolves once they are on disk, and returns the citation with its n.
   * With replaces (the clave of a rejected citation) it also removes that
   * one and its photos: a correction either fully replaces it or not at all.
   */
  async save(citation, photos, replaces) {
    const tx = this.tx(["citaciones", "fotos"], "readwrite");
    const ok = committed(tx);
    const cs = tx.objectStore("citaciones");
    const fs = tx.objectStore("fotos");
    if (replaces) {
      const old = await done(cs.index("clave").getKey(replaces));
      if (old === undefined) {
        ok.catch(() => {});
        tx.abort();
        throw new Error("store: la citación a corregir ya no está en el teléfono");
      }
      cs.delete(old);
      fs.delete(photoRange(replaces));
    }
    const rec = { ...citation, fotos: photos.length };
    const n = cs.add(rec);
    photos.forEach((p, i) => fs.put({ ...p, clave: citation.clave, orden: i }));
    rec.n = await done(n);
    await ok;
    return rec;
  }

  /** list returns every citation, oldest first. */
  list() {
    return done(this.tx("citaciones").objectStore("citaciones").getAll());
  }

  /** pending returns the pending citations, oldest first. */
  pending() {
    return done(this.tx("citaciones").objectStore("citaciones").index("estado").getAll("pendiente"));
  }

  get(clave) {
    return done(this.tx("citaciones").objectStore("citaciones").index("clave").get(clave));
  }

  /** put records the sync loop's progress on a citation (relaxed). */
  async put(citation) {
    const tx = this.tx("citaciones", "readwrite", "relaxed");
    tx.objectStore("citaciones").put(citation);
    await committed(tx);
  }

  /** photos returns a citation's photos (with their Blobs), in order. */
  photos(clave) {
    return done(this.tx("fotos").objectStore("fotos").getAll(photoRange(clave)));
  }

  async putPhoto(photo) {
    const tx = this.tx("fotos", "readwrite", "relaxed");
    tx.objectStore("fotos").put(photo);
    await committed(tx);
  }

  /** putBoth updates a citation and one of its photos in one transaction. */
  async putBoth(citation, photo) {
    const tx = this.tx(["citaciones", "fotos"], "readwrite", "relaxed");
    tx.objectStore("citaciones").put(citation);
    tx.objectStore("fotos").put(photo);
    await committed(tx);
  }

  /** remove deletes one citation and its photos (the officer's choice). */
  async remove(clave) {
    const tx = this.tx(["citaciones", "fotos"], "readwrite");
    const ok = committed(tx);
    const cs = tx.objectStore("citaciones");
    const key = await done(cs.index("clave").getKey(clave));
    if (key !== undefined) cs.delete(key);
    tx.objectStore("fotos").delete(photoRange(clave));
    await ok;
  }

  /** removeSent deletes the sent citations and their photos; returns how many. */
  async removeSent() {
    const tx = this.tx(["citaciones", "fotos"], "readwrite");
    const ok = committed(tx);
    const cs = tx.objectStore("citaciones");
    const sent = await done(cs.index("estado").getAll("enviada"));
    for (const c of sent) {
      cs.delete(c.n);
      tx.objectStore("fotos").delete(photoRange(c.clave));
    }
    await ok;
    return sent.length;
  }
}

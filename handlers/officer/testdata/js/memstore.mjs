// An in-memory stand-in for static/js/oficial/store.js with the same
// methods the Syncer calls (Node has no IndexedDB; the browser tests run the
// real store). Records are copied in and out, as IndexedDB does.
export class MemStore {
  constructor() {
    this.settings = new Map();
    this.citations = new Map(); // n → citation
    this.photoRows = new Map(); // "clave/orden" → photo
    this.n = 0;
  }

  async getSetting(k) {
    return structuredClone(this.settings.get(k));
  }

  async setSetting(k, v) {
    this.settings.set(k, structuredClone(v));
  }

  async deleteSetting(k) {
    this.settings.delete(k);
  }

  add(citation, photos = []) {
    const rec = { ...structuredClone(citation), n: ++this.n, fotos: photos.length };
    this.citations.set(rec.n, rec);
    photos.forEach((p, i) => this.photoRows.set(`${rec.clave}/${i}`, { ...p, clave: rec.clave, orden: i }));
    return rec;
  }

  async pending() {
    return [...this.citations.values()].filter((c) => c.estado === "pendiente").map((c) => structuredClone(c));
  }

  async list() {
    return [...this.citations.values()].map((c) => structuredClone(c));
  }

  async photos(clave) {
    return [...this.photoRows.values()].filter((p) => p.clave === clave).sort((a, b) => a.orden - b.orden).map((p) => ({ ...p }));
  }

  async put(c) {
    this.citations.set(c.n, structuredClone(c));
  }

  async putPhoto(p) {
    this.photoRows.set(`${p.clave}/${p.orden}`, { ...p });
  }

  async putBoth(c, p) {
    await this.put(c);
    await this.putPhoto(p);
  }
}

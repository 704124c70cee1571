// The offline store in IndexedDB: one database for the city pack (stations, the pack's own record)
// and the outbox of writes made offline. IndexedDB works in the page and in the service worker
// alike (and in WeChat's iOS browser, which has no service worker), so nothing here touches
// window, document or localStorage.

export const DB_NAME = 'stationmap-offline';
export const DB_VERSION = 1;
/** Stations of the pack, as the API's list returns them (snake_case), keyed by id. */
export const STATIONS = 'stations';
/** One record, key 'pack': the area, when it was downloaded and last refreshed, the feed cursor. */
export const META = 'meta';
/** Writes waiting for a connection, keyed by their Idempotency-Key, sent in created order. */
export const OUTBOX = 'outbox';

function promised(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function done(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
    tx.onerror = () => reject(tx.error);
  });
}

/** Opens (and on first use creates) the offline database; idb defaults to the global indexedDB. */
export function openOfflineDb({ idb = globalThis.indexedDB, name = DB_NAME } = {}) {
  if (!idb) return Promise.reject(new Error('IndexedDB is not available'));
  const request = idb.open(name, DB_VERSION);
  request.onupgradeneeded = () => {
    const db = request.result;
    if (!db.objectStoreNames.contains(STATIONS)) db.createObjectStore(STATIONS, { keyPath: 'id' });
    if (!db.objectStoreNames.contains(META)) db.createObjectStore(META);
    if (!db.objectStoreNames.contains(OUTBOX)) db.createObjectStore(OUTBOX, { keyPath: 'key' }).createIndex('created', 'created_at');
  };
  return promised(request).then(wrap);
}

/** A few promise helpers over an IDBDatabase: the only shapes the pack and the outbox need. */
function wrap(db) {
  const store = (name, mode) => db.transaction(name, mode).objectStore(name);
  return {
    raw: db,
    get: (name, key) => promised(store(name, 'readonly').get(key)),
    all: (name) => promised(store(name, 'readonly').getAll()),
    count: (name) => promised(store(name, 'readonly').count()),
    /** All of name ordered by index. */
    allBy: (name, index) => promised(store(name, 'readonly').index(index).getAll()),
    put: (name, value, key) => {
      const tx = db.transaction(name, 'readwrite');
      tx.objectStore(name).put(value, key);
      return done(tx);
    },
    delete: (name, key) => {
      const tx = db.transaction(name, 'readwrite');
      tx.objectStore(name).delete(key);
      return done(tx);
    },
    /** Puts values and deletes ids in one transaction, so a page of the feed is applied whole or not at all. */
    apply: (name, { put = [], remove = [] } = {}) => {
      const tx = db.transaction(name, 'readwrite');
      const s = tx.objectStore(name);
      for (const v of put) s.put(v);
      for (const k of remove) s.delete(k);
      return done(tx);
    },
    clear: (name) => {
      const tx = db.transaction(name, 'readwrite');
      tx.objectStore(name).clear();
      return done(tx);
    },
    close: () => db.close(),
  };
}

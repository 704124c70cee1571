// The offline pack and outbox (controller.js, panel.js, IndexedDB, the pack's tiles) are a chunk of
// their own, which a phone without a pack or queued writes never needs until something happens: main.js
// loads it when the API can't be reached, when the offline button is tapped or a write is queued, and at
// once when the phone holds a pack or queued writes (markers kept in localStorage beside them) or starts
// offline. Until then every call waits for the chunk, so nothing asked early is lost. The service
// worker's "this answer came from the cache" messages are heard here, chunk or not.
import { FROM_CACHE_MESSAGE } from './swRoutes.js';

const PACK_MARK = 'stationmap.offline-pack';
const QUEUED_MARK = 'stationmap.offline-queued';

function storage() {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null; // storage blocked (private mode): the chunk loads after the first idle instead
  }
}

/**
 * A stand-in for offline/controller.js's controller. boot(store, env) → controller (offline/boot.js by
 * default) is loaded on the first load() or call.
 */
export function createLazyOffline(store, env = {}, {
  boot = () => import('./boot.js').then((m) => m.bootOffline),
  onLine = () => globalThis.navigator?.onLine !== false,
  serviceWorker = globalThis.navigator?.serviceWorker,
} = {}) {
  let loading = null;
  const load = () => (loading ??= boot().then((start) => start(store, env)));
  const later = (fn) => async (...args) => fn(await load(), ...args);

  const mark = (key, on) => {
    try {
      if (on) storage()?.setItem(key, '1');
      else storage()?.removeItem(key);
    } catch {
      // full or blocked storage: a marker only makes a phone with a pack or queued writes load the chunk sooner
    }
  };
  store.subscribe((s, prev) => {
    if (s.offline?.pack !== prev.offline?.pack) mark(PACK_MARK, !!s.offline?.pack);
    if (s.offline?.queued !== prev.offline?.queued) mark(QUEUED_MARK, s.offline?.queued > 0);
  });
  serviceWorker?.addEventListener?.('message', (event) => {
    const message = event.data ?? {};
    if (message.type === FROM_CACHE_MESSAGE && message.date) {
      store.set({ offline: { ...store.get().offline, asOf: { ...store.get().offline.asOf, [message.url]: new Date(message.date).toISOString() } } });
    }
  });

  return {
    load,
    /** True when the chunk should load before anything else: a pack is on the phone, or there is no network. */
    neededAtStart: () => !onLine() || storage()?.getItem(PACK_MARK) === '1' || storage()?.getItem(QUEUED_MARK) === '1',
    openPanel: () => {
      store.set({ offline: { ...store.get().offline, panel: true } });
      load();
    },
    queue: later((c, entry) => c.queue(entry)),
    flush: later((c) => c.flush()),
    refresh: later((c) => c.refresh()),
    stations: later((c) => c.stations()),
    station: later((c, id) => c.station(id)),
  };
}

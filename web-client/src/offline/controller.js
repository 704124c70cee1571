// The page's side of offline: the pack (plan, download, refresh through the change feed whenever
// the phone is online), the offline nearest list and map stations from the pack when the API
// cannot be reached, the outbox (queued writes, sent on online, on becoming visible, at start and
// by Background Sync), and the "as of" times of answers the service worker served from its cache.
// Everything lives in the store's `offline` slice; nothing here needs a service worker.
import { liveStatePatch } from '../live/apply.js';
import { openOfflineDb } from './db.js';
import { enqueue, flushOutbox, OUTBOX_SYNC_TAG, queued } from './outbox.js';
import { deletePack, downloadPack, packInfo, packStations, planPack, refreshPack } from './pack.js';

/** The feed is asked at most this often (online, visible, start and a timer all ask). */
export const REFRESH_EVERY_MS = 60_000;
/**
 * While writes wait, the outbox is tried again after 5 s, then 10, 20 … up to a minute: the
 * online event alone is not enough, since navigator.onLine says true on a network that carries
 * nothing (a captive Wi-Fi, a dead cell) and so never changes when the connection returns.
 */
export const RETRY_MS = Object.freeze({ first: 5000, max: 60000 });

export { OFFLINE_IDLE } from './state.js';

/**
 * The pack's own evaluator (opening_hours.js, with i18next, ~200 KB) is loaded only when a pack
 * exists, never on the first view; loaded in the background once there is a pack, so it is there
 * when the connection goes.
 */
let nearestModule = null;
export const loadOfflineNearest = () => {
  nearestModule ??= import('./nearest.js').catch((err) => {
    nearestModule = null;
    throw err;
  });
  return nearestModule;
};

const isNetworkError = (err) => err?.kind === 'network';

/**
 * env: {fetchImpl, device (live/writes.js createDevice), idb, cacheStorage, storageManager,
 * serviceWorker, win (window: online/offline), doc (document: visibilitychange), now}.
 */
export function createOffline(store, env = {}) {
  const {
    fetchImpl, device, idb = globalThis.indexedDB, cacheStorage = globalThis.caches, storageManager = globalThis.navigator?.storage,
    serviceWorker = globalThis.navigator?.serviceWorker, win = globalThis.window, doc = globalThis.document, now = () => new Date(),
    onLine = () => globalThis.navigator?.onLine !== false,
  } = env;
  const set = (patch) => store.set({ offline: { ...store.get().offline, ...patch } });
  let dbPromise = null;
  let stations = null; // the pack's stations in memory, read once
  let lastRefresh = 0;
  let flushing = null;
  let retryTimer = null;
  let retryMs = RETRY_MS.first;

  function scheduleRetry() {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => flush(), retryMs);
    retryMs = Math.min(RETRY_MS.max, retryMs * 2);
  }

  const db = () => {
    dbPromise ??= openOfflineDb({ idb }).catch((err) => {
      set({ supported: false });
      throw err;
    });
    return dbPromise;
  };

  async function packed() {
    if (!store.get().offline.pack) return [];
    stations ??= await packStations(await db());
    return stations;
  }

  async function countQueued() {
    set({ queued: (await queued(await db())).length });
  }

  /** The nearest list from the pack when the API could not be reached for it. */
  async function nearestFromPack() {
    const { nearest, position, filters } = store.get();
    if (nearest.status !== 'error' || !isNetworkError(nearest.error) || !position) return;
    const list = await packed();
    if (!list.length || store.get().nearest !== nearest) return;
    const { offlineNearest } = await loadOfflineNearest();
    const items = offlineNearest(list, position, { amenities: filters.amenities, openNow: filters.openNow || Boolean(filters.at), at: filters.at ? new Date(filters.at) : now() });
    store.set({ nearest: { status: 'ok', items, error: null, url: nearest.url, byTime: false, offline: true } });
  }

  /** The map's stations from the pack when the API could not be reached for them. */
  async function mapFromPack() {
    const { mapStationsError } = store.get();
    if (!isNetworkError(mapStationsError)) return;
    const list = await packed();
    if (!list.length) return;
    const { packFeatures } = await loadOfflineNearest();
    store.set({ mapStations: packFeatures(list, now()), mapStationsError: null });
  }

  /** The open station's sheet from the pack when its GET could not reach the API. */
  async function detailFromPack() {
    const { detail, selectedId } = store.get();
    if (detail.status !== 'error' || !isNetworkError(detail.error) || selectedId == null) return;
    const station = (await packed()).find((s) => s.id === selectedId);
    if (!station || store.get().selectedId !== selectedId || store.get().detail !== detail) return;
    const { offlineOpenState } = await loadOfflineNearest();
    store.set({ detail: { status: 'ok', station: { ...station, open_state: { ...station.open_state, ...offlineOpenState(station, now()) }, offline: true }, error: null } });
  }

  async function refresh({ force = false } = {}) {
    if (!store.get().offline.pack || !onLine()) return null;
    if (!force && Date.now() - lastRefresh < REFRESH_EVERY_MS) return null;
    lastRefresh = Date.now();
    try {
      const result = await refreshPack(await db(), { fetchImpl, now });
      if (result) {
        stations = null;
        set({ pack: result.pack });
      }
      return result;
    } catch (err) {
      if (!isNetworkError(err)) set({ error: err });
      return null;
    }
  }

  /** Sends the outbox (one flush at a time in this page; the Web Lock covers the service worker). */
  function flush() {
    if (!onLine()) {
      if (store.get().offline.queued) scheduleRetry();
      return Promise.resolve(null);
    }
    flushing ??= (async () => {
      try {
        const result = await flushOutbox(await db(), {
          fetchImpl,
          token: async (entry) => entry.device_token ?? (device ? device.token() : null),
          onSent: (entry, answer) => {
            const patch = answer.body?.live ? liveStatePatch(store.get(), entry.station_id, answer.body.live) : null;
            if (patch) store.set(patch);
            set({ sent: store.get().offline.sent + 1 });
          },
          // Refused when it arrived (too far, rate-limited): dropped, and said in the panel.
          onRefused: (entry, err) => set({ panel: true, refused: [...store.get().offline.refused, { kind: entry.kind, station_id: entry.station_id, error: err }].slice(-5) }),
          onTokenRejected: () => device?.forget(),
        });
        await countQueued();
        // Still waiting (no connection, or the worker's Background Sync holds the lock): again later.
        if (result === null || result.left > 0) scheduleRetry();
        else retryMs = RETRY_MS.first;
        return result;
      } finally {
        flushing = null;
      }
    })();
    return flushing;
  }

  function onConnectivity() {
    const online = onLine();
    set({ online });
    if (online) {
      flush();
      refresh();
    }
  }

  async function start() {
    set({ online: onLine() });
    try {
      const d = await db();
      set({ pack: await packInfo(d) });
      if (store.get().offline.pack) loadOfflineNearest().catch(() => {});
      await countQueued();
    } catch {
      return; // no IndexedDB (a private mode): no pack and no outbox, the rest works
    }
    win?.addEventListener?.('online', onConnectivity);
    win?.addEventListener?.('offline', onConnectivity);
    doc?.addEventListener?.('visibilitychange', () => doc.visibilityState === 'visible' && onConnectivity());
    serviceWorker?.addEventListener?.('message', (event) => {
      const message = event.data ?? {};
      if (message.type === 'outbox-flushed') countQueued();
    });
    store.subscribe((s, prev) => {
      if (s.nearest !== prev.nearest) nearestFromPack();
      if (s.mapStationsError !== prev.mapStationsError) mapFromPack();
      if (s.detail !== prev.detail) detailFromPack();
    });
    nearestFromPack();
    mapFromPack();
    onConnectivity();
    // A phone left open on the map keeps its pack current too (refresh() asks only when online).
    if (win) setInterval(() => refresh(), 5 * REFRESH_EVERY_MS);
  }

  return {
    start,
    /** Station id of the pack, or null. */
    station: async (id) => (await packed()).find((s) => s.id === id) ?? null,
    stations: () => packed(),
    flush,
    refresh,
    openPanel: () => set({ panel: true }),
    closePanel: () => set({ panel: false, status: ['planned', 'error'].includes(store.get().offline.status) ? 'idle' : store.get().offline.status }),
    /** Counts what the pack for bbox would hold and shows the size before anything is downloaded. */
    async plan(bbox, templates) {
      set({ status: 'planning', plan: null, error: null, panel: true });
      try {
        set({ status: 'planned', plan: await planPack(bbox, { templates, fetchImpl }) });
      } catch (err) {
        set({ status: 'error', error: err });
      }
    },
    async download() {
      const { plan } = store.get().offline;
      if (!plan) return null;
      set({ status: 'downloading', progress: { phase: 'stations', done: 0, total: plan.stations }, error: null });
      try {
        // Asked from the tap, where browsers grant it; a refusal leaves the pack evictable, not missing.
        const persisted = await storageManager?.persist?.().catch(() => false);
        // A check-in made offline needs a device token the phone already holds.
        await device?.token().catch(() => null);
        const pack = await downloadPack(await db(), plan, { templates: plan.templates, fetchImpl, cacheStorage, now, onProgress: (progress) => set({ progress }) });
        stations = null;
        lastRefresh = Date.now();
        set({ status: 'done', pack: { ...pack, persisted: Boolean(persisted) }, progress: null });
        loadOfflineNearest().catch(() => {});
        return pack;
      } catch (err) {
        set({ status: 'error', error: err, progress: null });
        return null;
      }
    },
    async remove() {
      await deletePack(await db(), { cacheStorage });
      stations = null;
      set({ pack: null, status: 'idle', plan: null });
    },
    /** Queues a write the network refused to carry; asks for Background Sync where there is one. */
    async queue(entry) {
      const record = await enqueue(await db(), entry, { now });
      await countQueued();
      retryMs = RETRY_MS.first;
      scheduleRetry();
      try {
        // ready never settles without a worker (WeChat on iOS): only asked when one controls the page.
        if (serviceWorker?.controller) await (await serviceWorker.ready).sync?.register(OUTBOX_SYNC_TAG);
      } catch {
        // no Background Sync: sent on online, visibility and start
      }
      return record;
    },
  };
}

import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client.js';
import { initialState } from '../state/appState.js';
import { createStore } from '../state/store.js';
import { createOffline } from './controller.js';
import { STATIONS, META, openOfflineDb } from './db.js';

let seq = 0;
const until = async (fn, ms = 2000) => {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

async function withPack(name, stations) {
  const db = await openOfflineDb({ name });
  await db.apply(STATIONS, { put: stations });
  await db.put(META, { bbox: [120, 30, 121, 31], stations: stations.length, refreshed_at: '2026-12-01T12:00:00Z', since: null }, 'pack');
  db.close();
}

const station = (id, lon) => ({ id, lon, lat: 30.27, status: 'open', opening_hours: '24/7', time_zone: 'Asia/Shanghai', amenities: {}, open_state: { state: 'open' } });

/** indexedDB of fake-indexeddb under its own database name per test (openOfflineDb's name). */
function idbNamed(name) {
  return { open: (_n, v) => globalThis.indexedDB.open(name, v) };
}

describe('offline controller', () => {
  it('answers the nearest list and the map from the pack when the API cannot be reached', async () => {
    const name = `ctl-${++seq}`;
    await withPack(name, [station(1, 120.17), station(2, 120.161), station(3, 120.2)]);
    const store = createStore(initialState({ lang: 'zh' }));
    const offline = createOffline(store, { idb: idbNamed(name), onLine: () => false, win: null, doc: null, serviceWorker: null });
    await offline.start();
    const down = new ApiError({ kind: 'network' });
    store.set({ position: { lon: 120.16, lat: 30.27, source: 'gps' }, nearest: { status: 'error', items: [], error: down, url: '/api/v1/stations/nearest?x' } });
    await until(() => store.get().nearest.offline);
    expect(store.get().nearest.items.map((s) => s.id)).toEqual([2, 1, 3]);
    store.set({ mapStationsError: down });
    await until(() => store.get().mapStations.length === 3);
    expect(store.get().mapStationsError).toBeNull();
    // An HTTP error is the server's answer, not a lost connection: no stand-in for it.
    store.set({ nearest: { status: 'error', items: [], error: new ApiError({ kind: 'http', status: 400 }), url: 'y' } });
    await new Promise((r) => setTimeout(r, 50));
    expect(store.get().nearest.status).toBe('error');
  });

  it('a queued write is sent once the connection returns, and the count follows', async () => {
    const name = `ctl-${++seq}`;
    const store = createStore(initialState({ lang: 'zh' }));
    let online = false;
    const sent = [];
    const fetchImpl = async (url, init) => {
      if (!online) throw new TypeError('Failed to fetch');
      sent.push(init.headers['Idempotency-Key']);
      return new Response(JSON.stringify({ id: 1 }), { status: 201, headers: { 'content-type': 'application/json' } });
    };
    const offline = createOffline(store, { idb: idbNamed(name), fetchImpl, onLine: () => online, win: null, doc: null, serviceWorker: null, device: { token: async () => 'tok', forget: () => {} } });
    await offline.start();
    await offline.queue({ key: 'k-1', url: '/api/v1/stations/5/checkins', body: { crowding: 'full' }, kind: 'checkin', station_id: 5, device_token: null });
    expect(store.get().offline.queued).toBe(1);
    expect(await offline.flush()).toBeNull(); // offline: not tried
    online = true;
    expect(await offline.flush()).toEqual({ sent: 1, refused: 0, left: 0 });
    expect(await offline.flush()).toEqual({ sent: 0, refused: 0, left: 0 });
    expect(sent).toEqual(['k-1']);
    expect(store.get().offline).toMatchObject({ queued: 0, sent: 1 });
  });
});

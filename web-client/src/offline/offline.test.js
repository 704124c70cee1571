import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openOfflineDb, STATIONS } from './db.js';
import { crowFlightMetres, offlineNearest, offlineOpenState, packFeatures } from './nearest.js';
import { enqueue, flushOutbox, queued } from './outbox.js';
import { countStations, downloadPack, estimatePackBytes, feedCursor, packInfo, planPack, refreshPack, STATION_BYTES, TILE_BYTES } from './pack.js';
import { isApiRead, isPackTile, isStream } from './swRoutes.js';
import { packTemplates, packZooms, tileCountAt, tileOf, tilesFor } from './tiles.js';

let dbSeq = 0;
const freshDb = () => openOfflineDb({ name: `test-${++dbSeq}` });

const station = (id, lon, lat, extra = {}) => ({
  id, name: `S${id}`, lon, lat, status: 'open', opening_hours: '24/7', time_zone: 'Asia/Shanghai',
  amenities: { drinking_water: 'yes', toilet: 'no' }, updated_at: `2026-12-01T10:00:0${id % 10}.123456+00:00`, open_state: { state: 'open' }, ...extra,
});

/** The list endpoint's paging and change feed over rows (bbox, updated_since, page, limit), as JSON. */
function listServer(rows, calls = []) {
  return async (url) => {
    const u = new URL(url, 'http://x');
    calls.push(u.pathname + u.search);
    if (u.pathname.startsWith('/api/v1/tiles/')) {
      return u.pathname.includes('/stations/') ? new Response('no', { status: 404 }) : new Response(new Uint8Array(100), { status: 200 });
    }
    const [minLon, minLat, maxLon, maxLat] = u.searchParams.get('bbox').split(',').map(Number);
    const since = u.searchParams.get('updated_since');
    const page = Number(u.searchParams.get('page'));
    const limit = Number(u.searchParams.get('limit'));
    let hits = rows().filter((s) => s.lon >= minLon && s.lon <= maxLon && s.lat >= minLat && s.lat <= maxLat);
    hits = since ? hits.filter((s) => Date.parse(s.updated_at) > Date.parse(since)).sort((a, b) => Date.parse(a.updated_at) - Date.parse(b.updated_at) || a.id - b.id)
      : hits.filter((s) => !s.deleted_at).sort((a, b) => a.id - b.id);
    const items = hits.slice((page - 1) * limit, page * limit);
    return new Response(JSON.stringify({ items, page, limit, has_more: hits.length > page * limit }), { headers: { 'content-type': 'application/json' } });
  };
}

/** A Cache Storage in memory: open(name) → {put, match}. */
function memoryCaches() {
  const caches = new Map();
  return {
    caches,
    open: async (name) => {
      if (!caches.has(name)) caches.set(name, new Map());
      const c = caches.get(name);
      return { put: async (url, response) => c.set(url, response), match: async (url) => c.get(url) };
    },
    delete: async (name) => caches.delete(name),
  };
}

describe('tiles of a pack', () => {
  it('finds the tile of a point and counts the tiles of an area', () => {
    expect(tileOf(120.16, 30.27, 14)).toEqual({ x: 13660, y: 6745 });
    expect(tileOf(-180, 85.06, 0)).toEqual({ x: 0, y: 0 });
    const box = [120.1, 30.2, 120.2, 30.3];
    expect(tilesFor(box, { min: 12, max: 13 })).toHaveLength(tileCountAt(box, 12) + tileCountAt(box, 13));
  });

  it('lowers the top zoom until the count is within the bound', () => {
    const city = [119.9, 30.0, 120.5, 30.5];
    const z = packZooms(city, { min: 10, max: 16, maxTiles: 2500 });
    expect(z.max).toBeLessThan(16);
    expect(z.count).toBeLessThanOrEqual(2500);
    expect(packZooms([120.15, 30.26, 120.17, 30.28]).max).toBe(16);
  });

  it('takes the same-origin road and station templates from a style, never others', () => {
    const sources = {
      roads: { type: 'vector', tiles: ['http://127.0.0.1:8042/api/v1/tiles/roads/{z}/{x}/{y}.mvt'], minzoom: 8, maxzoom: 16 },
      gaps: { type: 'vector', tiles: ['http://127.0.0.1:8042/api/v1/tiles/gaps/{z}/{x}/{y}.mvt'] },
      osm: { type: 'raster', tiles: ['https://tile.example.org/{z}/{x}/{y}.png'] },
      stations: { tiles: ['/api/v1/tiles/stations/{z}/{x}/{y}.mvt'] },
    };
    expect(packTemplates(sources, 'http://127.0.0.1:8042').map((t) => t.template)).toEqual([
      '/api/v1/tiles/roads/{z}/{x}/{y}.mvt', '/api/v1/tiles/stations/{z}/{x}/{y}.mvt',
    ]);
  });
});

describe('service worker routes', () => {
  const req = (method = 'GET', headers = {}) => ({ method, headers: new Headers(headers) });
  const origin = 'http://127.0.0.1:8042';
  it('caches API reads, never writes, tiles, keyed requests or the live stream', () => {
    expect(isApiRead(new URL('/api/v1/stations/nearest?lon=1', origin), req(), origin)).toBe(true);
    expect(isApiRead(new URL('/api/v1/stations/1/checkins', origin), req('POST'), origin)).toBe(false);
    expect(isApiRead(new URL('/api/v1/tiles/roads/1/1/1.mvt', origin), req(), origin)).toBe(false);
    expect(isApiRead(new URL('/api/v1/keys/me', origin), req('GET', { 'X-Api-Key': 'k' }), origin)).toBe(false);
    expect(isApiRead(new URL('/api/v1/config', 'http://other'), req(), origin)).toBe(false);
    expect(isStream(new URL('/api/v1/live/stream?bbox=1', origin), req())).toBe(true);
    expect(isPackTile(new URL('/api/v1/tiles/stations/14/1/2.mvt', origin), origin)).toBe(true);
    expect(isPackTile(new URL('/api/v1/tiles/gaps/14/1/2.mvt', origin), origin)).toBe(false);
  });
});

describe('offline city pack', () => {
  const box = [120.0, 30.0, 120.3, 30.3];
  const rows = Array.from({ length: 37 }, (_, i) => station(i + 1, 120.01 + i * 0.005, 30.1));
  rows.push(station(99, 121.5, 31.2)); // outside the box

  it('counts the stations of an area by bisection of one-station pages', async () => {
    const calls = [];
    expect(await countStations(box, { fetchImpl: listServer(() => rows, calls) })).toBe(37);
    expect(calls.length).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(37)) + 2);
    expect(await countStations([10, 10, 10.1, 10.1], { fetchImpl: listServer(() => rows) })).toBe(0);
  });

  it('estimates its size before download from the counts', async () => {
    const templates = [{ template: '/api/v1/tiles/roads/{z}/{x}/{y}.mvt', minzoom: 8, maxzoom: 16 }];
    const stationTiles = { template: '/api/v1/tiles/stations/{z}/{x}/{y}.mvt', minzoom: 0, maxzoom: 16 };
    const plan = await planPack([120.15, 30.26, 120.17, 30.28], { templates: [...templates, stationTiles], fetchImpl: listServer(() => rows) });
    expect(plan.templates).toEqual(templates); // this server has no station tiles (404)
    expect(plan.tiles).toBe(plan.zooms[0].count);
    expect(plan.bytes).toBe(estimatePackBytes({ stations: plan.stations, tiles: plan.tiles }));
    expect(estimatePackBytes({ stations: 10, tiles: 5 })).toBe(10 * STATION_BYTES + 5 * TILE_BYTES);
  });

  it('downloads every page and the tiles with progress, then follows the change feed (updates and deletions)', async () => {
    let server = rows.map((s) => ({ ...s }));
    const fetchImpl = listServer(() => server);
    const db = await freshDb();
    const caches = memoryCaches();
    const templates = [
      { template: '/api/v1/tiles/roads/{z}/{x}/{y}.mvt', minzoom: 8, maxzoom: 16 },
      { template: '/api/v1/tiles/stations/{z}/{x}/{y}.mvt', minzoom: 0, maxzoom: 16 },
    ];
    const plan = { bbox: box, stations: 37, zooms: [{ min: 10, max: 11 }, { min: 10, max: 10 }] };
    const progress = [];
    const pack = await downloadPack(db, plan, { templates, fetchImpl, cacheStorage: caches, onProgress: (p) => progress.push(p), now: () => new Date('2026-12-01T12:00:00Z') });
    expect(pack).toMatchObject({ stations: 37, refreshed_at: '2026-12-01T12:00:00.000Z', since: '2026-12-01T10:00:09.123456+00:00' });
    expect(pack.tiles).toBe(tilesFor(box, { min: 10, max: 11 }).length);
    expect(pack.failed_tiles).toBe(tilesFor(box, { min: 10, max: 10 }).length); // the stations' tiles are 404 here
    expect(pack.bytes).toBeGreaterThan(pack.tiles * 100);
    expect(progress.at(-1)).toMatchObject({ phase: 'tiles', done: pack.tiles + pack.failed_tiles });
    expect(progress[0]).toMatchObject({ phase: 'stations', done: 37 });
    expect(caches.caches.get('stationmap-pack-tiles').size).toBe(pack.tiles);
    expect((await db.all(STATIONS)).map((s) => s.id)).not.toContain(99);

    // The server changes: station 2 renamed, station 3 deleted, a new station 50; the feed brings them.
    server = server.map((s) => (s.id === 2 ? { ...s, name: 'renamed', updated_at: '2026-12-01T11:00:00.5+00:00' } : s.id === 3 ? { ...s, deleted_at: '2026-12-01T11:00:01+00:00', updated_at: '2026-12-01T11:00:01+00:00' } : s));
    server.push(station(50, 120.2, 30.2, { updated_at: '2026-12-01T11:00:02+00:00' }));
    const refreshed = await refreshPack(db, { fetchImpl, now: () => new Date('2026-12-01T12:05:00Z') });
    expect(refreshed).toMatchObject({ changed: 2, removed: 1 });
    expect(refreshed.pack).toMatchObject({ stations: 37, since: '2026-12-01T11:00:02+00:00', refreshed_at: '2026-12-01T12:05:00.000Z' });
    const ids = (await db.all(STATIONS)).map((s) => s.id);
    expect(ids).toContain(50);
    expect(ids).not.toContain(3);
    expect((await db.get(STATIONS, 2)).name).toBe('renamed');
    // Nothing new: the feed is asked from the new cursor and changes nothing.
    expect(await refreshPack(db, { fetchImpl })).toMatchObject({ changed: 0, removed: 0 });
    expect((await packInfo(db)).since).toBe('2026-12-01T11:00:02+00:00');
  });

  it('a failed page leaves the pack before it untouched', async () => {
    const db = await freshDb();
    await downloadPack(db, { bbox: box, stations: 37, zooms: [] }, { fetchImpl: listServer(() => rows), cacheStorage: null });
    const offline = async () => { throw new TypeError('Failed to fetch'); };
    await expect(downloadPack(db, { bbox: box, stations: 37, zooms: [] }, { fetchImpl: offline })).rejects.toMatchObject({ kind: 'network' });
    await expect(refreshPack(db, { fetchImpl: offline })).rejects.toMatchObject({ kind: 'network' });
    expect(await db.count(STATIONS)).toBe(37);
  });

  it('the feed cursor is the newest time seen, kept with its microseconds', () => {
    expect(feedCursor([{ updated_at: '2026-12-01T10:00:00.000002+00:00' }, { updated_at: '2026-12-01T09:00:00Z', deleted_at: '2026-12-01T10:30:00.5Z' }])).toBe('2026-12-01T10:30:00.5Z');
    expect(feedCursor([], 'x')).toBe('x');
  });
});

describe('offline nearest and open now', () => {
  const here = { lon: 120.16, lat: 30.27 };
  it('crow-flight metres agree with the ellipsoid within 0.5%', () => {
    // The WGS-84 meridian arc of 0.01° of latitude at 30.27°N is 1,108.9 m; the sphere gives 1,112.0 m.
    const d = crowFlightMetres({ lon: 120.16, lat: 30.27 }, { lon: 120.16, lat: 30.28 });
    expect(Math.abs(d - 1108.9) / 1108.9).toBeLessThan(0.005);
  });

  it('evaluates hours in the station\'s zone, whatever the phone\'s, with public holidays', () => {
    const office = { status: 'open', opening_hours: 'Mo-Fr 08:30-17:30; PH off', time_zone: 'Asia/Shanghai', lon: 120.16, lat: 30.27 };
    // Tue 2026-12-01 10:00 in Shanghai = 02:00 UTC.
    expect(offlineOpenState(office, new Date('2026-12-01T02:00:00Z'))).toMatchObject({ state: 'open', next_change: '2026-12-01T09:30:00.000Z' });
    // 18:00 Shanghai: closed, opens at 08:30 tomorrow.
    expect(offlineOpenState(office, new Date('2026-12-01T10:00:00Z'))).toMatchObject({ state: 'closed', next_change: '2026-12-02T00:30:00.000Z' });
    // National Day (Thursday 2026-10-01) is a public holiday.
    expect(offlineOpenState(office, new Date('2026-10-01T02:00:00Z')).state).toBe('closed');
    expect(offlineOpenState({ ...office, status: 'temporarily_closed' }).state).toBe('closed');
    expect(offlineOpenState({ ...office, opening_hours: null }).state).toBe('unknown');
    expect(offlineOpenState({ ...office, opening_hours: 'not a rule' }).state).toBe('unknown');
  });

  it('lists the nearest by distance with the filters, open now evaluated at the instant', () => {
    const stations = [
      station(1, 120.17, 30.27),
      station(2, 120.161, 30.27, { opening_hours: 'Mo-Fr 08:00-09:00' }),
      station(3, 120.165, 30.27, { amenities: { drinking_water: 'no' } }),
      station(4, 120.2, 30.3, { deleted_at: '2026-12-01T00:00:00Z' }),
    ];
    const at = new Date('2026-12-01T04:00:00Z'); // 12:00 Tuesday in Shanghai
    expect(offlineNearest(stations, here, { at }).map((s) => s.id)).toEqual([2, 3, 1]);
    const open = offlineNearest(stations, here, { at, openNow: true, amenities: ['drinking_water'] });
    expect(open.map((s) => s.id)).toEqual([1]);
    expect(open[0]).toMatchObject({ open_state: { state: 'open', offline: true } });
    expect(open[0].distance_m).toBeCloseTo(960.3, 0); // 0.01° of longitude at 30.27°N on the sphere
    expect(packFeatures(stations, at)).toHaveLength(3);
    expect(packFeatures(stations, at)[0]).toMatchObject({ type: 'Feature', id: 1, geometry: { coordinates: [120.17, 30.27] } });
  });
});

describe('outbox', () => {
  /** The API's Idempotency-Key behaviour: the first answer per key, replayed after. */
  function writeServer({ down = () => false } = {}) {
    const done = new Map();
    const received = [];
    const fetchImpl = async (url, init) => {
      if (down()) throw new TypeError('Failed to fetch');
      const key = init.headers['Idempotency-Key'];
      received.push({ url, key, token: init.headers['X-Device-Token'], body: JSON.parse(init.body) });
      if (url.includes('/stations/7/')) return new Response(JSON.stringify({ type: 'https://x/problems/too-far', title: 'Too far', status: 422 }), { status: 422, headers: { 'content-type': 'application/problem+json' } });
      const replayed = done.has(key);
      if (!replayed) done.set(key, { id: done.size + 1, live: null });
      return new Response(JSON.stringify(done.get(key)), { status: 201, headers: { 'content-type': 'application/json', ...(replayed ? { 'Idempotent-Replayed': 'true' } : {}) } });
    };
    return { fetchImpl, received, effects: () => done.size };
  }

  it('keeps writes while offline and sends each exactly once, in order, when back', async () => {
    const db = await freshDb();
    let offline = true;
    const server = writeServer({ down: () => offline });
    let t = 0;
    const now = () => new Date(Date.UTC(2026, 11, 1, 12, 0, t++));
    await enqueue(db, { key: 'k1', url: '/api/v1/stations/3/reports', body: { amenity: 'microwave', state: 'broken' }, station_id: 3, device_token: 'tok' }, { now });
    await enqueue(db, { key: 'k2', url: '/api/v1/stations/4/checkins', body: { crowding: 'full' }, station_id: 4, device_token: 'tok' }, { now });
    expect(await flushOutbox(db, { fetchImpl: server.fetchImpl, locks: null })).toEqual({ sent: 0, refused: 0, left: 2 });
    offline = false;
    const sent = [];
    // Two flushes at once (the page and the service worker): the lock and the key keep it to one effect each.
    const results = await Promise.all([
      flushOutbox(db, { fetchImpl: server.fetchImpl, onSent: (e) => sent.push(e.key), locks: null }),
      flushOutbox(db, { fetchImpl: server.fetchImpl, onSent: (e) => sent.push(e.key), locks: null }),
    ]);
    expect(results.reduce((n, r) => n + r.left, 0)).toBe(0);
    expect(server.effects()).toBe(2);
    expect(server.received.map((r) => r.key).filter((k, i, all) => all.indexOf(k) === i)).toEqual(['k1', 'k2']);
    expect(server.received[0]).toMatchObject({ token: 'tok', body: { amenity: 'microwave', state: 'broken' } });
    expect(await queued(db)).toEqual([]);
  });

  it('drops a write the server refuses and says so; a missing token is asked for when sending', async () => {
    const db = await freshDb();
    const server = writeServer();
    await enqueue(db, { key: 'a', url: '/api/v1/stations/7/checkins', body: {}, station_id: 7, device_token: null });
    await enqueue(db, { key: 'b', url: '/api/v1/stations/8/checkins', body: {}, station_id: 8, device_token: null });
    const refused = [];
    const result = await flushOutbox(db, { fetchImpl: server.fetchImpl, token: async (e) => e.device_token ?? 'new-token', onRefused: (e, err) => refused.push([e.key, err.status]), locks: null });
    expect(result).toEqual({ sent: 1, refused: 1, left: 0 });
    expect(refused).toEqual([['a', 422]]);
    expect(server.received.at(-1).token).toBe('new-token');
  });

  it('leaves the outbox alone while another flush holds the lock, and a hung send stays queued', async () => {
    const db = await freshDb();
    const server = writeServer();
    await enqueue(db, { key: 'x', url: '/api/v1/stations/8/checkins', body: {}, station_id: 8, device_token: 't' });
    const held = { request: async (_name, options, fn) => fn(options.ifAvailable ? null : {}) };
    expect(await flushOutbox(db, { fetchImpl: server.fetchImpl, locks: held })).toBeNull();
    const hang = (url, init) => new Promise((_resolve, reject) => init.signal.addEventListener('abort', () => reject(init.signal.reason)));
    expect(await flushOutbox(db, { fetchImpl: hang, locks: null, timeoutMs: 20 })).toEqual({ sent: 0, refused: 0, left: 1 });
    expect(server.received).toEqual([]);
  });
});

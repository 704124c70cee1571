// The offline city pack: the stations of an area (hours, amenities, services and the live state
// as last seen) in IndexedDB, kept current through the change feed (GET /stations?updated_since=),
// and the area's road and station tiles in Cache Storage, where the service worker (or, without
// one, nobody but the next download) finds them. One pack at a time: a new download replaces it.
import { fetchJson } from '../api/client.js';
import { API_BASE, MAX_STATIONS_LIMIT, queryString, roundCoord } from '../api/requests.js';
import { META, STATIONS } from './db.js';
import { packZooms, tileOf, tilesFor, tileUrl } from './tiles.js';

/** The Cache Storage cache of the pack's tiles; the service worker looks here before the network. */
export const PACK_TILE_CACHE = 'stationmap-pack-tiles';
/** Bytes one station takes in the pack (its JSON as the list returns it: ~2 KB measured on the demo data). */
export const STATION_BYTES = 2000;
/**
 * Average bytes of one road tile at zooms 10–16 (empty tiles are 204 and cost nothing): 3.2 KB
 * measured on the demo network around central Hangzhou (153 tiles, 486 KB).
 */
export const TILE_BYTES = 3500;
const PACK_KEY = 'pack';
const TILE_CONCURRENCY = 4;

/** GET /stations in bbox, page N of limit; with since, the change feed (deleted stations included). */
export function packStationsUrl(bbox, { page = 1, limit = MAX_STATIONS_LIMIT, since } = {}) {
  return `${API_BASE}/stations${queryString({ bbox: bbox.map(roundCoord), updated_since: since, page, limit })}`;
}

/** Bytes a pack of stations stations and tiles tiles takes, before it is downloaded. */
export function estimatePackBytes({ stations, tiles }) {
  return stations * STATION_BYTES + tiles * TILE_BYTES;
}

/**
 * How many stations bbox holds, without downloading them: pages of one station are asked for at
 * 1, 2, 4, 8 … until one is empty, then the last full one is found by bisection (about 2·log2 n
 * requests of ~2 KB each; the API has no count).
 */
export async function countStations(bbox, { fetchImpl } = {}) {
  const exists = async (page) => ((await fetchJson(packStationsUrl(bbox, { page, limit: 1 }), { fetchImpl })).items ?? []).length > 0;
  if (!(await exists(1))) return 0;
  let low = 1;
  let high = 2;
  while (await exists(high)) {
    low = high;
    high *= 2;
  }
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (await exists(mid)) low = mid;
    else high = mid;
  }
  return low;
}

/** True unless the server has no such tiles (404 for a HEAD of the tile at bbox's centre). */
async function servesTiles(template, bbox, fetchImpl = globalThis.fetch) {
  const z = Math.max(10, template.minzoom);
  const url = tileUrl(template.template, { z, ...tileOf((bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2, z) });
  try {
    return (await fetchImpl(url, { method: 'HEAD' })).status !== 404;
  } catch {
    return false;
  }
}

/**
 * What the pack would hold for bbox: {stations, tiles, bytes, zooms, templates}; templates from
 * packTemplates, those the server does not serve (404) left out.
 */
export async function planPack(bbox, { templates: offered = [], fetchImpl } = {}) {
  const stations = await countStations(bbox, { fetchImpl });
  const templates = [];
  for (const t of offered) if (await servesTiles(t, bbox, fetchImpl)) templates.push(t);
  const zooms = templates.map((t) => packZooms(bbox, { min: Math.max(10, t.minzoom), max: Math.min(16, t.maxzoom) }));
  const tiles = zooms.reduce((n, z) => n + z.count, 0);
  return { bbox, stations, tiles, bytes: estimatePackBytes({ stations, tiles }), zooms, templates };
}

/** The last-seen time the feed can resume from: the newest updated_at (or deleted_at) among stations. */
export function feedCursor(stations, previous = null) {
  let best = previous;
  for (const s of stations) {
    for (const t of [s.updated_at, s.deleted_at]) if (t && (!best || Date.parse(t) > Date.parse(best))) best = t;
  }
  return best;
}

async function pooled(items, limit, fn) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * Downloads the pack for plan (from planPack): every page of stations into IndexedDB, then the
 * tiles into Cache Storage (cacheStorage: globalThis.caches; where it is missing the pack holds
 * stations only). onProgress({phase, done, total}) after every page and tile. Resolves to the
 * pack's record. A tile that fails is skipped (counted in failed_tiles); a station page that fails
 * fails the download and leaves the pack before it untouched.
 */
export async function downloadPack(db, plan, { templates = [], fetchImpl = globalThis.fetch, cacheStorage = globalThis.caches, onProgress = () => {}, now = () => new Date(), label = null } = {}) {
  const stations = [];
  let stationBytes = 0;
  const fetchText = async (url) => {
    const body = await fetchJson(url, { fetchImpl });
    stationBytes += JSON.stringify(body.items ?? []).length;
    return body;
  };
  for (let page = 1; ; page++) {
    const body = await fetchText(packStationsUrl(plan.bbox, { page }));
    stations.push(...(body.items ?? []));
    onProgress({ phase: 'stations', done: stations.length, total: Math.max(plan.stations, stations.length) });
    if (!body.has_more) break;
  }
  await db.clear(STATIONS);
  await db.apply(STATIONS, { put: stations });

  let tileBytes = 0;
  let tiles = 0;
  let failed = 0;
  const jobs = templates.flatMap((t, i) => tilesFor(plan.bbox, plan.zooms[i] ?? { min: 10, max: 10 }).map((tile) => tileUrl(t.template, tile)));
  if (cacheStorage && jobs.length) {
    const cache = await cacheStorage.open(PACK_TILE_CACHE);
    await pooled(jobs, TILE_CONCURRENCY, async (url) => {
      try {
        const response = await fetchImpl(url);
        if (response.ok) {
          const bytes = (await response.clone().arrayBuffer()).byteLength;
          await cache.put(url, response);
          tileBytes += bytes;
          tiles++;
        } else failed++;
      } catch {
        failed++;
      }
      onProgress({ phase: 'tiles', done: tiles + failed, total: jobs.length });
    });
  }
  const at = now().toISOString();
  const record = {
    bbox: plan.bbox, label, downloaded_at: at, refreshed_at: at, since: feedCursor(stations),
    stations: stations.length, tiles, failed_tiles: failed, bytes: stationBytes + tileBytes,
    templates: templates.map((t) => t.template), zooms: plan.zooms,
  };
  await db.put(META, record, PACK_KEY);
  return record;
}

/** The pack's record, or null when there is none. */
export async function packInfo(db) {
  return (await db.get(META, PACK_KEY)) ?? null;
}

/** Every station of the pack. */
export function packStations(db) {
  return db.all(STATIONS);
}

/**
 * Brings the pack up to date through the change feed: every page of changes in its area since its
 * cursor, applied page by page (deleted stations removed); resolves to {changed, removed, pack},
 * or null without a pack. A failure (offline) leaves the pack as it was.
 */
export async function refreshPack(db, { fetchImpl = globalThis.fetch, now = () => new Date() } = {}) {
  const pack = await packInfo(db);
  if (!pack) return null;
  // Pages are offsets into one query (changes after pack.since); the new cursor is the newest seen.
  const from = pack.since;
  let since = pack.since;
  let changed = 0;
  let removed = 0;
  for (let page = 1; ; page++) {
    const url = packStationsUrl(pack.bbox, { page, since: from ?? undefined });
    const body = await fetchJson(url, { fetchImpl });
    const items = body.items ?? [];
    const gone = items.filter((s) => s.deleted_at).map((s) => s.id);
    const live = items.filter((s) => !s.deleted_at);
    await db.apply(STATIONS, { put: live, remove: gone });
    changed += live.length;
    removed += gone.length;
    since = feedCursor(items, since);
    if (!body.has_more) break;
  }
  const record = { ...pack, since, refreshed_at: now().toISOString(), stations: await db.count(STATIONS) };
  await db.put(META, record, PACK_KEY);
  return { changed, removed, pack: record };
}

/** Removes the pack: its stations, its record and its tiles. */
export async function deletePack(db, { cacheStorage = globalThis.caches } = {}) {
  await db.clear(STATIONS);
  await db.delete(META, PACK_KEY);
  await cacheStorage?.delete(PACK_TILE_CACHE);
}

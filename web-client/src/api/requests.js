// Pure request builders: each returns the relative URL string of one API call and nothing else,
// so they can be unit-tested without a network and the same URL can be compared in browser tests.
// The API is served from the same origin as the client, so every URL is relative (/api/v1/...).
// Coordinates are WGS-84 degrees, lon before lat, as everywhere in the API.

import { dateTimeFormat } from '../state/intl.js';

export const API_BASE = '/api/v1';

/** Largest page the API accepts for /stations/nearest and /stations (see the API's docs). */
export const MAX_NEAREST_LIMIT = 100;
export const MAX_STATIONS_LIMIT = 1000;

/**
 * Encodes a query string, keeping commas literal because list parameters
 * (amenities=a,b) read better in logs and are valid in a query component.
 */
export function queryString(params) {
  const parts = [];
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    const text = Array.isArray(value) ? value.join(',') : String(value);
    if (text === '') continue;
    parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(text).replace(/%2C/gi, ',')}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

function checkLonLat(lon, lat) {
  if (!Number.isFinite(lon) || lon < -180 || lon > 180) throw new RangeError(`lon out of range: ${lon}`);
  if (!Number.isFinite(lat) || lat < -90 || lat > 90) throw new RangeError(`lat out of range: ${lat}`);
}

/** 6 decimals of a degree is about 0.1 m: plenty for a phone fix, and keeps URLs stable. */
export function roundCoord(value) {
  return Math.round(value * 1e6) / 1e6;
}

export function configUrl() {
  return `${API_BASE}/config`;
}

/** An "open at" instant: ISO 8601 with an offset or Z (the API evaluates open state there). */
function checkAt(at) {
  if (at === undefined || at === null || at === '') return undefined;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(at)) throw new RangeError(`at must be ISO 8601 with an offset: ${at}`);
  return at;
}

const SERVICE_WHEN = ['now', 'today', 'any'];

function checkServiceWhen(services, when) {
  if (!services.length) return undefined;
  if (!SERVICE_WHEN.includes(when)) throw new RangeError(`service_when must be now, today or any: ${when}`);
  return when;
}

/**
 * GET /stations/nearest — stations ordered by distance from (lon, lat).
 * amenities is all-of; the list is sorted so the same filter always gives the same URL.
 * at evaluates open state (and openNow) at that instant; services (any-of kinds) with
 * serviceWhen now|today|any keeps stations hosting one of them then.
 */
export function nearestUrl({
  lon, lat, limit = 20, amenities = [], openNow = false, at, services = [], serviceWhen = 'today', tiers = [], maxDistance, crs = 'wgs84', mode,
}) {
  checkLonLat(lon, lat);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_NEAREST_LIMIT) {
    throw new RangeError(`limit must be 1..${MAX_NEAREST_LIMIT}: ${limit}`);
  }
  return `${API_BASE}/stations/nearest${queryString({
    lon: roundCoord(lon),
    lat: roundCoord(lat),
    limit,
    amenities: [...amenities].sort(),
    at: checkAt(at),
    openNow: openNow ? 'true' : undefined,
    service: [...services].sort(),
    service_when: checkServiceWhen(services, serviceWhen),
    tier: [...tiers].sort(),
    maxDistance: Number.isFinite(maxDistance) ? Math.round(maxDistance) : undefined,
    crs,
    by: mode ? 'time' : undefined,
    mode: mode ? checkMode(mode) : undefined,
  })}`;
}

/**
 * GET /stations — a page of stations inside bbox [minLon, minLat, maxLon, maxLat].
 * format is json, geojson or csv; at, services and serviceWhen as for nearest.
 */
export function stationsUrl({ bbox, q, page = 1, limit = 50, format = 'json', at, services = [], serviceWhen = 'today' } = {}) {
  let box;
  if (bbox) {
    if (bbox.length !== 4) throw new RangeError('bbox needs 4 numbers');
    const [minLon, minLat, maxLon, maxLat] = bbox;
    checkLonLat(minLon, minLat);
    checkLonLat(maxLon, maxLat);
    box = [minLon, minLat, maxLon, maxLat].map(roundCoord);
  }
  if (!Number.isInteger(page) || page < 1) throw new RangeError(`page must be >= 1: ${page}`);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_STATIONS_LIMIT) {
    throw new RangeError(`limit must be 1..${MAX_STATIONS_LIMIT}: ${limit}`);
  }
  if (!['json', 'geojson', 'csv'].includes(format)) throw new RangeError(`unknown format: ${format}`);
  return `${API_BASE}/stations${queryString({
    bbox: box, q: q?.trim(), page, limit, format, at: checkAt(at), service: [...services].sort(), service_when: checkServiceWhen(services, serviceWhen),
  })}`;
}

/** GET /stations/{id} — one station with its week of opening hours (hours_week), from at's day when given. */
export function stationUrl(id, { at } = {}) {
  const text = String(id);
  if (!/^[1-9][0-9]*$/.test(text)) throw new RangeError(`station id must be a positive integer: ${id}`);
  return `${API_BASE}/stations/${text}${queryString({ at: checkAt(at) })}`;
}

/** Travel modes with precomputed service areas. */
export const TRAVEL_MODES = ['walk', 'ebike'];

function checkMode(mode) {
  if (!TRAVEL_MODES.includes(mode)) throw new RangeError(`unknown travel mode: ${mode}`);
  return mode;
}

/** GET /stations/{id}/service-area — the station's 5/10/15-minute bands for mode. */
export function serviceAreaUrl(id, { mode = 'ebike', minutes = [5, 10, 15] } = {}) {
  if (!Number.isInteger(id) || id < 1) throw new RangeError(`station id must be a positive integer: ${id}`);
  return `${API_BASE}/stations/${id}/service-area${queryString({ mode: checkMode(mode), minutes: [...minutes].sort((a, b) => a - b) })}`;
}

/** The road vector tile template for MapLibre (absolute: tile URLs are fetched by the worker). */
export function roadTilesUrl(origin, graphVersion) {
  return `${origin}${API_BASE}/tiles/roads/{z}/{x}/{y}.mvt${queryString({ v: graphVersion })}`;
}

// ---------- planning (coverage, gaps, siting, what-if) ----------

/** Minutes thresholds the planner offers (the contract allows 1–60; 5/10/15 match the stored service areas). */
export const PLAN_MINUTES = [5, 10, 15];
export const PLAN_FORMATS = ['json', 'csv', 'geojson'];
/** Largest p the suggest endpoint accepts, and its grid spacing limits in metres. */
export const MAX_SUGGEST_P = 50;
export const GRID_SPACING_M = { min: 300, max: 5000 };

function checkMinutes(minutes) {
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 60) throw new RangeError(`minutes must be 1..60: ${minutes}`);
  return minutes;
}

function checkId(id, name) {
  if (id === undefined || id === null || id === '') return undefined;
  if (!/^[1-9][0-9]*$/.test(String(id))) throw new RangeError(`${name} must be a positive integer: ${id}`);
  return Number(id);
}

function checkLayerName(layer) {
  if (typeof layer !== 'string' || !layer.trim()) throw new RangeError(`layer name required: ${layer}`);
  return layer.trim();
}

function checkFormat(format) {
  if (!PLAN_FORMATS.includes(format)) throw new RangeError(`unknown format: ${format}`);
  return format === 'json' ? undefined : format;
}

/** The shared coverage parameters in the order the API documents them. */
function coverageParams({ mode = 'ebike', minutes = 15, layer, district, at }) {
  return {
    mode: checkMode(mode),
    minutes: checkMinutes(minutes),
    layer: layer === undefined ? undefined : checkLayerName(layer),
    district: checkId(district, 'district'),
    at: at || undefined,
  };
}

/** GET /districts (format=geojson gives the polygons). */
export function districtsUrl({ format = 'json' } = {}) {
  if (!['json', 'geojson'].includes(format)) throw new RangeError(`unknown format: ${format}`);
  return `${API_BASE}/districts${queryString({ format: format === 'json' ? undefined : format })}`;
}

/** GET /planning/layers — demand and candidate layers. */
export function planningLayersUrl() {
  return `${API_BASE}/planning/layers`;
}

/** GET /planning/layers/{name}/points?format=geojson — the layer's weighted points. */
export function layerPointsUrl(name, { bbox } = {}) {
  let box;
  if (bbox) {
    if (bbox.length !== 4) throw new RangeError('bbox needs 4 numbers');
    checkLonLat(bbox[0], bbox[1]);
    checkLonLat(bbox[2], bbox[3]);
    box = bbox.map(roundCoord);
  }
  return `${API_BASE}/planning/layers/${encodeURIComponent(checkLayerName(name))}/points${queryString({ bbox: box, format: 'geojson' })}`;
}

/**
 * GET /coverage — share of demand within minutes of an open station (by mode), per district,
 * the worst-served points. at is an ISO-8601 instant ("open at" scenario) or null (all open stations).
 */
export function coverageUrl({ mode, minutes, layer, district, at, worst, format = 'json' } = {}) {
  if (worst !== undefined && (!Number.isInteger(worst) || worst < 0 || worst > 1000)) throw new RangeError(`worst must be 0..1000: ${worst}`);
  return `${API_BASE}/coverage${queryString({ ...coverageParams({ mode, minutes, layer, district, at }), worst, format: checkFormat(format) })}`;
}

/** GET /coverage/gaps — GeoJSON hexagons (cell edge in metres) over bbox or a district. */
export function gapsUrl({ mode, minutes, at, bbox, district, cell = 250 } = {}) {
  let box;
  if (bbox) {
    if (bbox.length !== 4) throw new RangeError('bbox needs 4 numbers');
    checkLonLat(bbox[0], bbox[1]);
    checkLonLat(bbox[2], bbox[3]);
    box = bbox.map(roundCoord);
  }
  if (!box && district == null) throw new RangeError('gaps need a bbox or a district');
  if (!Number.isInteger(cell) || cell < 100 || cell > 2000) throw new RangeError(`cell must be 100..2000 m: ${cell}`);
  const { district: d, ...rest } = coverageParams({ mode, minutes, district });
  return `${API_BASE}/coverage/gaps${queryString({ mode: rest.mode, minutes: rest.minutes, at: at || undefined, bbox: box, district: box ? undefined : d, cell })}`;
}

/** The gap-surface vector tile template for MapLibre (absolute: tile URLs are fetched by the worker). */
export function gapTilesUrl(origin, { mode, minutes, at } = {}) {
  const p = coverageParams({ mode, minutes });
  return `${origin}${API_BASE}/coverage/gaps/tiles/{z}/{x}/{y}.mvt${queryString({ mode: p.mode, minutes: p.minutes, at: at || undefined })}`;
}

/** POST /planning/suggest URL (format=csv|geojson exports the sites). */
export function suggestUrl({ format = 'json' } = {}) {
  return `${API_BASE}/planning/suggest${queryString({ format: checkFormat(format) })}`;
}

/** POST /planning/cover URL: how many new stations reach a target coverage %. */
export function coverUrl() {
  return `${API_BASE}/planning/cover`;
}

/** POST /planning/what-if URL. */
export function whatIfUrl() {
  return `${API_BASE}/planning/what-if`;
}

/**
 * The JSON body of POST /planning/suggest. candidates is {layer: NAME} or {grid: {spacing_m, district?}}.
 */
export function suggestBody({ mode = 'ebike', minutes = 15, layer, p, candidates, district, at, exact = 'auto' }) {
  if (!Number.isInteger(p) || p < 1 || p > MAX_SUGGEST_P) throw new RangeError(`p must be 1..${MAX_SUGGEST_P}: ${p}`);
  const rest = sitingBody({ mode, minutes, layer, candidates, district, at, exact });
  return withoutEmpty({ mode: rest.mode, minutes: rest.minutes, layer: rest.layer, p, candidates: rest.candidates, district: rest.district, at: rest.at, exact: rest.exact });
}

/** The JSON body of POST /planning/cover: the fewest new stations reaching targetPct (0–100) of the demand. */
export function coverBody({ mode = 'ebike', minutes = 15, layer, targetPct, candidates, district, at, exact = 'auto' }) {
  if (!Number.isFinite(targetPct) || targetPct <= 0 || targetPct > 100) throw new RangeError(`target % must be above 0 and at most 100: ${targetPct}`);
  const rest = sitingBody({ mode, minutes, layer, candidates, district, at, exact });
  return withoutEmpty({ mode: rest.mode, minutes: rest.minutes, layer: rest.layer, target_pct: targetPct, candidates: rest.candidates, district: rest.district, at: rest.at, exact: rest.exact });
}

/** What suggest and cover share: the plan, the candidate source and the exact-solver choice. */
function sitingBody({ mode, minutes, layer, candidates, district, at, exact }) {
  if (!['auto', 'always', 'never'].includes(exact)) throw new RangeError(`exact must be auto|always|never: ${exact}`);
  let source;
  if (candidates?.layer) source = { layer: checkLayerName(candidates.layer) };
  else if (candidates?.grid) {
    const spacing = candidates.grid.spacing_m;
    if (!Number.isInteger(spacing) || spacing < GRID_SPACING_M.min || spacing > GRID_SPACING_M.max) {
      throw new RangeError(`grid spacing must be ${GRID_SPACING_M.min}..${GRID_SPACING_M.max} m: ${spacing}`);
    }
    const gridDistrict = checkId(candidates.grid.district, 'grid district');
    source = { grid: gridDistrict === undefined ? { spacing_m: spacing } : { spacing_m: spacing, district: gridDistrict } };
  } else throw new RangeError('candidates need a layer or a grid');
  const params = coverageParams({ mode, minutes, layer, district, at });
  return { ...params, candidates: source, exact };
}

/**
 * The JSON body of POST /planning/what-if: hypothetical stations to add ({lon, lat, label?}) and
 * existing station ids to remove. Coordinates are rounded like every other request.
 */
export function whatIfBody({ mode = 'ebike', minutes = 15, layer, district, at, add = [], remove = [] }) {
  const added = add.map(({ lon, lat, label }) => {
    checkLonLat(lon, lat);
    return withoutEmpty({ lon: roundCoord(lon), lat: roundCoord(lat), label });
  });
  const removed = [...new Set(remove.map((id) => checkId(id, 'station id')))].sort((a, b) => a - b);
  const params = coverageParams({ mode, minutes, layer, district, at });
  return withoutEmpty({ mode: params.mode, minutes: params.minutes, layer: params.layer, district: params.district, at: params.at, add: added, remove: removed });
}

function withoutEmpty(object) {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined && v !== null && v !== ''));
}

/** UTC offset of timeZone at date as "+08:00". */
export function utcOffset(date, timeZone) {
  const name = dateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }).formatToParts(date).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const match = /GMT([+-]\d{2}):?(\d{2})?/.exec(name);
  return match ? `${match[1]}:${match[2] ?? '00'}` : '+00:00';
}

/**
 * The "open at" instant for a choice: 'all' → null (every station with status open, the 24/7
 * view); 'now' → the current minute; '0'..'23' → that hour today in the stations' time zone,
 * as ISO-8601 with its offset (e.g. 2026-11-29T23:00:00+08:00).
 */
export function openAtInstant(choice, now = new Date(), timeZone = 'Asia/Shanghai') {
  if (choice === 'all' || choice == null) return null;
  if (choice === 'now') {
    const minute = new Date(Math.floor(now.getTime() / 60000) * 60000);
    return minute.toISOString().replace('.000Z', 'Z');
  }
  const hour = Number(choice);
  if (!Number.isInteger(hour) || hour < 0 || hour > 23) throw new RangeError(`hour must be 0..23: ${choice}`);
  const day = dateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  return `${day}T${String(hour).padStart(2, '0')}:00:00${utcOffset(now, timeZone)}`;
}

/** The API's cap on hexagons in one /coverage/gaps answer. */
export const MAX_GAP_CELLS = 20000;

/**
 * The hexagon edge (metres, a multiple of 50 in 250..2000) that keeps a gaps export of box
 * [minLon, minLat, maxLon, maxLat] under the API's cell cap with some room (a hexagon of edge a
 * covers 3√3/2·a²; degrees → metres with the local scale at the box's middle latitude).
 */
export function gapCellFor(box) {
  if (!box) return 250;
  const [w, s, e, n] = box;
  const midLat = ((s + n) / 2) * (Math.PI / 180);
  const area = Math.abs(e - w) * 111320 * Math.cos(midLat) * Math.abs(n - s) * 110574;
  const edge = Math.sqrt(area / (MAX_GAP_CELLS * 0.7) / ((3 * Math.sqrt(3)) / 2));
  return Math.min(2000, Math.max(250, Math.ceil(edge / 50) * 50));
}

// Pure request builders: each returns the relative URL string of one API call and nothing else,
// so they can be unit-tested without a network and the same URL can be compared in browser tests.
// The API is served from the same origin as the client, so every URL is relative (/api/v1/...).
// Coordinates are WGS-84 degrees, lon before lat, as everywhere in the API.

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

/**
 * GET /stations/nearest — stations ordered by distance from (lon, lat).
 * amenities is all-of; the list is sorted so the same filter always gives the same URL.
 */
export function nearestUrl({ lon, lat, limit = 20, amenities = [], openNow = false, tiers = [], maxDistance, crs = 'wgs84', mode }) {
  checkLonLat(lon, lat);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_NEAREST_LIMIT) {
    throw new RangeError(`limit must be 1..${MAX_NEAREST_LIMIT}: ${limit}`);
  }
  return `${API_BASE}/stations/nearest${queryString({
    lon: roundCoord(lon),
    lat: roundCoord(lat),
    limit,
    amenities: [...amenities].sort(),
    openNow: openNow ? 'true' : undefined,
    tier: [...tiers].sort(),
    maxDistance: Number.isFinite(maxDistance) ? Math.round(maxDistance) : undefined,
    crs,
    by: mode ? 'time' : undefined,
    mode: mode ? checkMode(mode) : undefined,
  })}`;
}

/**
 * GET /stations — a page of stations inside bbox [minLon, minLat, maxLon, maxLat].
 * format is json, geojson or csv.
 */
export function stationsUrl({ bbox, q, page = 1, limit = 50, format = 'json' } = {}) {
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
  return `${API_BASE}/stations${queryString({ bbox: box, q: q?.trim(), page, limit, format })}`;
}

/** GET /stations/{id} — one station with its week of opening hours (hours_week). */
export function stationUrl(id) {
  const text = String(id);
  if (!/^[1-9][0-9]*$/.test(text)) throw new RangeError(`station id must be a positive integer: ${id}`);
  return `${API_BASE}/stations/${text}`;
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

// Nearest and "open now" on the phone, from the pack, for when the API cannot be reached:
// crow-flight distance (haversine on the WGS-84 mean radius; the list labels it an offline
// estimate, not a travel time) and the open state evaluated with opening_hours.js, the library the
// server's own evaluator is tested against (tests/opening-hours, the same 3.15.0).
import OpeningHours from 'opening_hours';
import { dateTimeFormat } from '../state/intl.js';

const EARTH_RADIUS_M = 6371008.8;
const DEFAULT_ZONE = 'Asia/Shanghai';

/** Great-circle metres between two lon/lat points. */
export function crowFlightMetres(a, b) {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Wall-clock parts of instant in zone: {year, month, day, hour, minute, second}. */
function wallParts(instant, zone) {
  const parts = dateTimeFormat('en-US', {
    timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(instant);
  const get = (type) => Number(parts.find((p) => p.type === type).value);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute'), second: get('second') };
}

/** Milliseconds zone is ahead of UTC at instant. */
function zoneOffsetMs(instant, zone) {
  const w = wallParts(instant, zone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(instant.getTime() / 1000) * 1000;
}

/**
 * opening_hours.js reads a Date's local fields: it gets a Date whose local fields are the
 * station's wall clock (the phone may be set to any zone), and its answers are mapped back.
 */
function toLocalWall(instant, zone) {
  const w = wallParts(instant, zone);
  return new Date(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
}

function fromLocalWall(wall, zone) {
  const asUtc = Date.UTC(wall.getFullYear(), wall.getMonth(), wall.getDate(), wall.getHours(), wall.getMinutes(), wall.getSeconds());
  const guess = new Date(asUtc);
  return new Date(asUtc - zoneOffsetMs(guess, zone));
}

const parsed = new Map();

function schedule(text, station) {
  const key = `${text}\u0000${station.lat?.toFixed(1)},${station.lon?.toFixed(1)}`;
  if (!parsed.has(key)) {
    let oh = null;
    try {
      // Country cn for public holidays (PH); lat/lon for sunrise and sunset.
      oh = new OpeningHours(text, { lat: station.lat, lon: station.lon, address: { country_code: 'cn', state: '' } }, { mode: 0, warnings_severity: 0 });
    } catch {
      oh = null; // a rule the library cannot read: "hours unknown", as on the server
    }
    if (parsed.size > 500) parsed.clear();
    parsed.set(key, oh);
  }
  return parsed.get(key);
}

/**
 * The station's open state at instant, in the API's shape: {state: open|closed|unknown, next_change,
 * comment, offline: true}. A station whose status is not open is closed (its status says why).
 */
export function offlineOpenState(station, instant = new Date()) {
  if (station.status && station.status !== 'open') return { state: 'closed', next_change: null, comment: station.status, offline: true };
  if (!station.opening_hours) return { state: 'unknown', next_change: null, comment: null, offline: true };
  const oh = schedule(station.opening_hours, station);
  if (!oh) return { state: 'unknown', next_change: null, comment: null, offline: true };
  const zone = station.time_zone || DEFAULT_ZONE;
  const wall = toLocalWall(instant, zone);
  let state;
  let next = null;
  let comment = null;
  try {
    state = oh.getUnknown(wall) ? 'unknown' : oh.getState(wall) ? 'open' : 'closed';
    comment = oh.getComment(wall) ?? null;
    const change = oh.getNextChange(wall);
    next = change ? fromLocalWall(change, zone).toISOString() : null;
  } catch {
    state = 'unknown';
  }
  return { state, next_change: next, comment, offline: true };
}

export const OFFLINE_NEAREST_LIMIT = 20;

/**
 * The nearest stations of the pack to position, in the list's shape (distance_m, open_state
 * recomputed at instant), filtered like the server's list: amenities all yes, openNow open only.
 * Deleted stations never come (the feed removed them). Sorted by crow-flight distance.
 */
export function offlineNearest(stations, position, { amenities = [], openNow = false, limit = OFFLINE_NEAREST_LIMIT, at = new Date() } = {}) {
  const out = [];
  for (const s of stations) {
    if (s.deleted_at || !Number.isFinite(s.lon) || !Number.isFinite(s.lat)) continue;
    if (amenities.some((a) => s.amenities?.[a] !== 'yes')) continue;
    const open = offlineOpenState(s, at);
    if (openNow && open.state !== 'open') continue;
    out.push({ ...s, distance_m: Math.round(crowFlightMetres(position, s) * 10) / 10, travel_seconds: undefined, open_state: { ...s.open_state, ...open, at: at.toISOString() } });
  }
  out.sort((a, b) => a.distance_m - b.distance_m || a.id - b.id);
  return out.slice(0, limit);
}

/** The pack's stations as GeoJSON features for the map (the shape of /stations?format=geojson). */
export function packFeatures(stations, at = new Date()) {
  return stations.filter((s) => !s.deleted_at).map(({ lon, lat, ...rest }) => ({
    type: 'Feature',
    id: rest.id,
    geometry: { type: 'Point', coordinates: [lon, lat] },
    properties: { ...rest, open_state: { ...rest.open_state, ...offlineOpenState({ ...rest, lon, lat }, at) } },
  }));
}

// Pure request builders of the live layer (devices, check-ins, reports, the live stream, operator
// keys, fault tickets, crowding statistics): each returns a relative URL, as in requests.js.
import { API_BASE, queryString, roundCoord } from './requests.js';

function stationId(id) {
  const text = String(id);
  if (!/^[1-9][0-9]*$/.test(text)) throw new RangeError(`station id must be a positive integer: ${id}`);
  return text;
}

function box(bbox) {
  if (!bbox) return undefined;
  if (bbox.length !== 4 || !bbox.every(Number.isFinite)) throw new RangeError('bbox needs 4 numbers');
  return bbox.map(roundCoord);
}

/** POST /devices: a new device token (no auth). */
export const devicesUrl = () => `${API_BASE}/devices`;
/** POST /stations/{id}/checkins: "I'm here" with the crowding seen. */
export const checkinsUrl = (id) => `${API_BASE}/stations/${stationId(id)}/checkins`;
/** POST /stations/{id}/reports: one amenity's (or the station's) state. */
export const reportsUrl = (id) => `${API_BASE}/stations/${stationId(id)}/reports`;
/** GET (current values, faults, typical profile) and PUT (operator: staff or sensor values) /stations/{id}/live. */
export const stationLiveUrl = (id) => `${API_BASE}/stations/${stationId(id)}/live`;
/** GET /keys/me: whose API key this is ({id, name, role, operator}). */
export const keysMeUrl = () => `${API_BASE}/keys/me`;

/**
 * GET /live/stream?bbox=: Server-Sent Events of live changes inside bbox [minLon, minLat, maxLon,
 * maxLat]. lastEventId (a seq) replays what changed since then: EventSource sends Last-Event-ID
 * itself when it reconnects, but a stream opened anew for another box must ask in the query.
 */
export function liveStreamUrl(bbox, { lastEventId } = {}) {
  return `${API_BASE}/live/stream${queryString({ bbox: box(bbox), last_event_id: Number.isFinite(lastEventId) && lastEventId > 0 ? lastEventId : undefined })}`;
}

/** GET /tickets: fault tickets by station, state, operator or bbox; format json or geojson. */
export function ticketsUrl({ stationId: id, state, operator, bbox, limit, format = 'json' } = {}) {
  if (!['json', 'geojson'].includes(format)) throw new RangeError(`unknown format: ${format}`);
  return `${API_BASE}/tickets${queryString({
    station_id: id == null ? undefined : stationId(id), state, operator, bbox: box(bbox), limit, format: format === 'json' ? undefined : format,
  })}`;
}

/** POST /tickets/{id}/transitions: the next step of a ticket. */
export const ticketTransitionsUrl = (id) => `${API_BASE}/tickets/${stationId(id)}/transitions`;

/** GET /stats/crowding?station_id=: the station's 7 × 24 typical crowding profile. */
export const crowdingStatsUrl = (id) => `${API_BASE}/stats/crowding${queryString({ station_id: stationId(id) })}`;

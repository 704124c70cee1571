// The operator page's data: the key kept for this tab, whose key it is, the operator's stations
// (the station list has no operator filter, so every page is read and filtered here), the PUT
// /live body from the form, and which ticket steps an operator may take.
import { requestJson } from '../api/client.js';
import { keysMeUrl, stationLiveUrl, ticketTransitionsUrl, ticketsUrl } from '../api/liveRequests.js';
import { MAX_STATIONS_LIMIT, stationsUrl } from '../api/requests.js';
import { idempotentWrite } from '../live/writes.js';

export const KEY_STORAGE_KEY = 'stationmap.operatorKey';
const MAX_PAGES = 50; // 50 × 1000 stations: far more than any operator runs

export function loadKey(storage = globalThis.sessionStorage) {
  try {
    return storage?.getItem(KEY_STORAGE_KEY) || null;
  } catch {
    return null;
  }
}

export function saveKey(key, storage = globalThis.sessionStorage) {
  try {
    if (key) storage?.setItem(KEY_STORAGE_KEY, key);
    else storage?.removeItem(KEY_STORAGE_KEY);
  } catch {
    // not kept: the key lives for this page
  }
}

/** The stations of operator, read page by page from GET /stations (fetchPage(url) → a page answer). */
export async function operatorStations(fetchPage, operator) {
  const mine = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const body = await fetchPage(stationsUrl({ page, limit: MAX_STATIONS_LIMIT }));
    for (const s of body.items ?? []) if (s.operator === operator) mine.push(s);
    if (!body.has_more) break;
  }
  return mine;
}

/**
 * The PUT /stations/{id}/live body from the form's values: only what was set ('' = unchanged),
 * as staff, observed now. Returns null when nothing was set.
 */
export function liveBody({ seatsFree = '', crowding = '', amenities = {} }, now = new Date()) {
  const body = {};
  const seats = String(seatsFree).trim();
  if (seats !== '') {
    const n = Number(seats);
    if (!Number.isInteger(n) || n < 0) throw new RangeError('seats_free must be a whole number ≥ 0');
    body.seats_free = n;
  }
  if (crowding) body.crowding = crowding;
  const states = Object.fromEntries(Object.entries(amenities).filter(([, v]) => v));
  if (Object.keys(states).length) body.amenities = states;
  if (!Object.keys(body).length) return null;
  return { source: 'staff', observed_at: now.toISOString(), ...body };
}

/** The steps an operator can take on a ticket in state: acknowledge an open one, mark it fixed. */
export function ticketSteps(state) {
  if (state === 'reported' || state === 'confirmed') return ['acknowledged', 'fixed'];
  if (state === 'acknowledged') return ['fixed'];
  return [];
}

/** The items of a ticket list answer (an items page, or a bare array). */
export function ticketItems(body) {
  if (Array.isArray(body)) return body;
  return body?.items ?? body?.tickets ?? [];
}

/** The calls the page makes, all with X-Api-Key. */
export function operatorApi(key, { fetchImpl } = {}) {
  const headers = { 'X-Api-Key': key };
  const get = async (url) => (await requestJson(url, { headers, fetchImpl })).body;
  return {
    me: () => get(keysMeUrl()),
    stations: (operator) => operatorStations(get, operator),
    tickets: (operator) => get(ticketsUrl({ operator, limit: 200 })).then(ticketItems),
    putLive: async (id, body) => (await idempotentWrite(stationLiveUrl(id), { method: 'PUT', body, headers, fetchImpl })).body,
    transition: async (id, state) => (await idempotentWrite(ticketTransitionsUrl(id), { body: { state }, headers, fetchImpl })).body,
  };
}

// The courier's two taps in the station sheet: "我到了 / I'm here" with the crowding seen, and
// "报告问题 / Report a problem" for one amenity (or the station). Both need the phone's position
// (the server refuses anything more than 300 m from the station) and the device token; the
// answer's `live` is shown at once in the list, the sheet and on the map.
import { checkinsUrl, reportsUrl } from '../api/liveRequests.js';
import { translate } from '../i18n/index.js';
import { errorText } from '../ui/errors.js';
import { liveStatePatch } from './apply.js';
import { createDevice, idempotentWrite, newIdempotencyKey } from './writes.js';

export const IDLE_LIVE_ACTION = Object.freeze({ stationId: null, mode: null, amenity: null, status: 'idle', error: null, done: null });
const GEO_OPTIONS = { enableHighAccuracy: true, timeout: 15000, maximumAge: 30000 };
const GEO_ERRORS = { 1: 'denied', 2: 'unavailable', 3: 'timeout' };

/** Report states per amenity (the contract's vocabulary): equipment works or not, water may be empty, the station may be closed, misplaced or gone. */
export function reportStates(amenity) {
  if (amenity === 'station') return ['operating', 'closed_now', 'wrong_location', 'gone'];
  if (amenity === 'drinking_water') return ['working', 'broken', 'empty'];
  return ['working', 'broken'];
}

/** The amenities a courier can report on at station: those it has (yes), then the station itself. */
export function reportableAmenities(station, vocabulary = []) {
  const values = station?.amenities ?? {};
  const keys = vocabulary.length ? vocabulary : Object.keys(values);
  return [...keys.filter((a) => values[a] === 'yes'), 'station'];
}

/** A geolocation failure as an Error with .geo = denied|unavailable|timeout|unsupported. */
export function geoError(reason) {
  const err = new Error(`geolocation ${reason}`);
  err.geo = reason;
  return err;
}

/** The phone's position now, as {lon, lat}; rejects with geoError(…). */
export function currentPosition(geolocation, options = GEO_OPTIONS) {
  if (!geolocation?.getCurrentPosition) return Promise.reject(geoError('unsupported'));
  return new Promise((resolve, reject) => {
    geolocation.getCurrentPosition(
      (pos) => resolve({ lon: pos.coords.longitude, lat: pos.coords.latitude }),
      (err) => reject(geoError(GEO_ERRORS[err?.code] ?? 'unavailable')),
      options,
    );
  });
}

/**
 * Words for a failed check-in or report: the geolocation reason, or what the server said — a
 * 422 too-far, 429 rate-limited and 403 device-blocked in our own sentence with the server's detail after it.
 */
export function liveErrorText(err, lang) {
  if (!err) return '';
  if (err.geo) return translate(lang, `live.geo.${err.geo}`);
  const server = err.detail ? translate(lang, 'live.err.server', { detail: err.detail }) : '';
  const own = (key, params) => [translate(lang, key, params), server].filter(Boolean).join(' ');
  if (err.status === 422 && /too-far/.test(err.type ?? '')) return own('live.err.tooFar');
  if (err.status === 429) return err.retryAfter ? own('live.err.rateLimitedAfter', { s: err.retryAfter }) : own('live.err.rateLimited');
  if (err.status === 403 && /device-blocked/.test(err.type ?? '')) return own('live.err.blocked');
  return errorText(err, lang);
}

/**
 * outbox (offline/controller.js): queue(entry) keeps a write the network could not carry (after
 * idempotentWrite's own retry) with its Idempotency-Key, to be sent when the connection returns;
 * the action then shows "queued".
 */
export function createLive({ store, fetchImpl }, { geolocation = globalThis.navigator?.geolocation, device = createDevice({ fetchImpl }), outbox = null } = {}) {
  const set = (patch) => store.set({ liveAction: { ...store.get().liveAction, ...patch } });
  const current = () => store.get().liveAction;

  /** The open station's id, with the action made about it (a panel left open on another station is dropped). */
  function forOpenStation(mode) {
    const id = store.get().selectedId;
    if (current().stationId !== id || current().mode !== mode) store.set({ liveAction: { ...IDLE_LIVE_ACTION, stationId: id, mode } });
    return id;
  }

  function open(mode) {
    const stationId = store.get().selectedId;
    store.set({ liveAction: { ...IDLE_LIVE_ACTION, stationId, mode } });
  }

  /** Locates, sends body to url with the device token and one Idempotency-Key, shows the answer's live. */
  async function submit(url, body, done) {
    const stationId = current().stationId;
    const key = newIdempotencyKey();
    set({ status: 'locating', error: null, done: null });
    let where = null;
    try {
      where = await currentPosition(geolocation);
      if (current().stationId !== stationId) return null;
      set({ status: 'sending' });
      const { body: answer } = await device.withToken((token) => idempotentWrite(url, {
        body: { ...where, ...body }, headers: { 'X-Device-Token': token }, key, fetchImpl,
      }));
      const patch = answer?.live ? liveStatePatch(store.get(), stationId, answer.live) : null;
      if (patch) store.set(patch);
      if (current().stationId === stationId) set({ status: 'ok', done: done(answer) });
      return answer;
    } catch (err) {
      if (outbox && err?.kind === 'network' && where) {
        // Offline: kept with the same key; a phone without a token yet gets one when it is sent.
        const token = await device.token().catch(() => null);
        await outbox.queue({ url, body: { ...where, ...body }, kind: current().mode, station_id: stationId, key, device_token: token });
        if (current().stationId === stationId) set({ status: 'queued', error: null });
        return null;
      }
      if (current().stationId === stationId) set({ status: 'error', error: err });
      return null;
    }
  }

  return {
    openCheckin: () => open('checkin'),
    openReport: () => open('report'),
    chooseAmenity: (amenity) => set({ amenity, status: 'idle', error: null, done: null }),
    cancelLive: () => store.set({ liveAction: IDLE_LIVE_ACTION }),
    /** POST /checkins with crowding empty|some_seats|full, for the open station. */
    checkIn(crowding) {
      const id = forOpenStation('checkin');
      return submit(checkinsUrl(id), { crowding }, () => ({ kind: 'checkin' }));
    },
    /** POST /reports for amenity (or 'station') in state; chargedAvailable with battery_swap. */
    report(amenity, state, { chargedAvailable } = {}) {
      const id = forOpenStation('report');
      set({ amenity });
      const body = { amenity, state };
      if (Number.isInteger(chargedAvailable)) body.charged_available = chargedAvailable;
      return submit(reportsUrl(id), body, (answer) => ({ kind: 'report', ticket: answer?.ticket ?? null }));
    },
  };
}

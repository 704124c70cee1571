// The nearest list: GET /stations/nearest for my position and the filters, latest-only. With a
// road network it is ranked by travel time for the travel mode; a position off that network
// (422) falls back to straight-line distance and says so. An "open at" time (tonight 23:00, …)
// is sent as at= with openNow=true, so the list is who is open then.
import { isAbortError, latestOnly } from '../api/client.js';
import { nearestUrl } from '../api/requests.js';
import { EMPTY_FILTERS, SERVICE_WHEN, toggleAmenity, toggleService, withOpenAt } from '../state/filters.js';
import { DEFAULT_ZONE, openAtFilter } from '../state/openAt.js';

export const NEAREST_LIMIT = 20;

/** The query for the state: base (by distance) and the mode to rank by time, or undefined. */
export function nearestQuery({ position, filters, config, travelMode }) {
  const base = {
    lon: position.lon,
    lat: position.lat,
    limit: NEAREST_LIMIT,
    amenities: filters.amenities,
    at: filters.at ?? undefined,
    openNow: filters.openNow || Boolean(filters.at),
    services: filters.services ?? [],
    serviceWhen: filters.serviceWhen ?? 'today',
  };
  return { base, mode: config?.routing ? travelMode : undefined };
}

/** True when a by-time request failed only because the position is off the road network. */
export function isOffNetwork(err, mode) {
  return Boolean(mode) && err?.status === 422;
}

/** onAtChange(at) runs when the "open at" instant changes (the open sheet and the map follow it). */
export function createNearest({ store, fetchImpl }, { onAtChange = () => {}, now = () => new Date() } = {}) {
  const fetchNearest = latestOnly(fetchImpl);

  async function loadNearest() {
    const { position, nearest } = store.get();
    if (!position) return;
    const { base, mode } = nearestQuery(store.get());
    let url = nearestUrl({ ...base, mode });
    store.set({ nearest: { status: 'loading', items: nearest.items, error: null, url, byTime: Boolean(mode) } });
    try {
      let body;
      let offNetwork = false;
      try {
        body = await fetchNearest(url);
      } catch (err) {
        if (!isOffNetwork(err, mode)) throw err;
        offNetwork = true;
        url = nearestUrl(base);
        body = await fetchNearest(url);
      }
      store.set({ nearest: { status: 'ok', items: body.items ?? [], error: null, url, byTime: body.by === 'time', offNetwork } });
    } catch (err) {
      if (isAbortError(err)) return;
      store.set({ nearest: { status: 'error', items: [], error: err, url } });
    }
  }

  function setFilters(filters) {
    const before = store.get().filters.at;
    store.set({ filters });
    loadNearest();
    if (filters.at !== before) onAtChange(filters.at);
  }

  /**
   * choice: now | tonight | morning | custom (with wall, the picker's 'YYYY-MM-DDTHH:mm'), as
   * wall-clock times in the stations' zone (Asia/Shanghai: the API's stations and the demo city).
   */
  function setOpenAt(choice, { wall } = {}) {
    setFilters(withOpenAt(store.get().filters, openAtFilter(choice, { now: now(), timeZone: DEFAULT_ZONE, wall })));
  }

  return {
    loadNearest,
    toggleAmenity: (amenity) => setFilters(toggleAmenity(store.get().filters, amenity)),
    // With an "open at" time set, the open-now chip means "back to now".
    toggleOpenNow: () => (store.get().filters.at ? setOpenAt('now') : setFilters({ ...store.get().filters, openNow: !store.get().filters.openNow })),
    clearFilters: () => setFilters(EMPTY_FILTERS),
    setOpenAt,
    /** Back to "now": the instant goes, open-now stays. */
    clearOpenAt: () => setOpenAt('now'),
    toggleService: (kind) => setFilters(toggleService(store.get().filters, kind)),
    setServiceWhen: (when) => SERVICE_WHEN.includes(when) && setFilters({ ...store.get().filters, serviceWhen: when }),
  };
}

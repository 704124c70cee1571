// The nearest list: GET /stations/nearest for my position and the filters, latest-only. With a
// road network it is ranked by travel time for the travel mode; a position off that network
// (422) falls back to straight-line distance and says so.
import { isAbortError, latestOnly } from '../api/client.js';
import { nearestUrl } from '../api/requests.js';
import { EMPTY_FILTERS, toggleAmenity } from '../state/filters.js';

export const NEAREST_LIMIT = 20;

/** The query for the state: base (by distance) and the mode to rank by time, or undefined. */
export function nearestQuery({ position, filters, config, travelMode }) {
  const base = { lon: position.lon, lat: position.lat, limit: NEAREST_LIMIT, amenities: filters.amenities, openNow: filters.openNow };
  return { base, mode: config?.routing ? travelMode : undefined };
}

/** True when a by-time request failed only because the position is off the road network. */
export function isOffNetwork(err, mode) {
  return Boolean(mode) && err?.status === 422;
}

export function createNearest({ store, fetchImpl }) {
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
    store.set({ filters });
    loadNearest();
  }

  return {
    loadNearest,
    toggleAmenity: (amenity) => setFilters(toggleAmenity(store.get().filters, amenity)),
    toggleOpenNow: () => setFilters({ ...store.get().filters, openNow: !store.get().filters.openNow }),
    clearFilters: () => setFilters(EMPTY_FILTERS),
  };
}

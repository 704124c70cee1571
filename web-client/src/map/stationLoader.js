// While active (setActive: the map draws a GeoJSON list, not the vector tiles), loads the stations of the visible map (plus a margin) from GET /stations?format=geojson after
// the map stops moving. Stations already loaded are kept, so panning back never blinks markers,
// and a view inside an area already loaded costs no request. A newer view aborts an older load.
// The query (setQuery: the "open at" instant, the services filter) goes with every load: open
// state is asked for at that instant and only stations hosting those services come, so a new
// query starts the loaded set again.
import { latestOnly, isAbortError } from '../api/client.js';
import { MAX_STATIONS_LIMIT, stationsUrl } from '../api/requests.js';
import { withLive } from '../live/apply.js';
import { boundsToBox, containsBox, padBox } from './viewport.js';

const MAX_PAGES = 10; // 10 × 1000 stations per view: more than a city has
const DEBOUNCE_MS = 250;

/** What the map's station loads ask the API for besides the view: the "open at" instant and the services filter. */
export function mapQuery({ at, services = [], serviceWhen }) {
  return services.length ? { at: at ?? undefined, services, serviceWhen } : { at: at ?? undefined };
}

export function createStationLoader(map, { onStations, onError, fetchImpl } = {}) {
  const fetchLatest = latestOnly(fetchImpl);
  const byId = new Map();
  const covered = [];
  let timer = null;
  let query = {};
  let queryKey = '{}';
  let active = true;

  async function loadBox(box) {
    for (let page = 1; page <= MAX_PAGES; page++) {
      const body = await fetchLatest(stationsUrl({ bbox: box, page, limit: MAX_STATIONS_LIMIT, format: 'geojson', ...query }));
      for (const feature of body.features ?? []) byId.set(feature.id ?? feature.properties?.id, feature);
      onStations([...byId.values()]);
      if (!body.has_more) return true;
    }
    return false; // more pages than we fetch: don't mark the box as covered
  }

  /** The box being loaded: a view inside it waits for that load instead of starting (and aborting) another. */
  let pending = null;

  async function refresh() {
    if (!active) return;
    const view = boundsToBox(map.getBounds());
    if (covered.some((box) => containsBox(box, view))) return;
    if (pending && containsBox(pending.box, view)) return;
    const box = padBox(view, 0.5);
    const load = { box };
    pending = load;
    try {
      const complete = await loadBox(box);
      if (complete) covered.push(box);
    } catch (err) {
      if (!isAbortError(err)) onError?.(err);
    } finally {
      if (pending === load) pending = null;
    }
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(refresh, DEBOUNCE_MS);
  }

  map.on('moveend', schedule);

  return {
    refresh,
    /** Off: loads nothing and forgets what it loaded (the map draws the vector tiles); on: loads the view. */
    setActive(on) {
      if (Boolean(on) === active) return Promise.resolve();
      active = Boolean(on);
      byId.clear();
      covered.length = 0;
      pending = null;
      if (!active) {
        clearTimeout(timer);
        fetchLatest.abort?.();
        onStations([]);
      }
      return refresh();
    },
    /** Forgets what was loaded (e.g. to retry after an error) and loads the view again. */
    reload() {
      covered.length = 0;
      pending = null;
      return refresh();
    },
    /** next: {at, services, serviceWhen}; a different query forgets what was loaded and loads the view again. */
    setQuery(next) {
      const key = JSON.stringify(next);
      if (key === queryKey) return Promise.resolve();
      query = next;
      queryKey = key;
      byId.clear();
      covered.length = 0;
      pending = null;
      return refresh();
    },
    /** Keeps the loaded copy of station id in step with a newer live state (the store already shows it). */
    updateLive(id, live) {
      const feature = byId.get(id);
      if (feature) byId.set(id, withLive(feature, live));
    },
    /** Updates one station (from a fresher detail response) without a reload. */
    upsert(feature) {
      byId.set(feature.id, feature);
      onStations([...byId.values()]);
    },
  };
}

// What the app does, as actions on the one store. The UI calls these; the map reacts to the
// state they leave behind (see main.js). Every request for a view replaces the one before it
// (latestOnly), so answers that arrive out of order are dropped.
import { fetchJson, isAbortError, latestOnly } from './api/client.js';
import { TRAVEL_MODES, configUrl, nearestUrl, serviceAreaUrl, stationUrl } from './api/requests.js';
import { saveLang } from './i18n/index.js';
import { EMPTY_FILTERS, toggleAmenity as toggle } from './state/filters.js';

export const NEAREST_LIMIT = 20;
export const MODE_STORAGE_KEY = 'stationmap.mode';
/** How long to wait before asking again for a service area the server is still computing. */
export const SERVICE_AREA_RETRY_MS = 3000;

export function loadTravelMode(storage = globalThis.localStorage) {
  try {
    const saved = storage?.getItem(MODE_STORAGE_KEY);
    return TRAVEL_MODES.includes(saved) ? saved : 'ebike';
  } catch {
    return 'ebike';
  }
}

const GEO_ERRORS = { 1: 'denied', 2: 'unavailable', 3: 'timeout' };

export function createApp(store, { fetchImpl, geolocation = globalThis.navigator?.geolocation, history = globalThis.history, location = globalThis.location } = {}) {
  const fetchNearest = latestOnly(fetchImpl);
  const fetchDetail = latestOnly(fetchImpl);
  const fetchServiceArea = latestOnly(fetchImpl);
  let serviceAreaTimer = null;
  const listeners = { flyTo: [], showServiceArea: [] };

  function emitFly(lngLat, zoom) {
    for (const fn of listeners.flyTo) fn(lngLat, zoom);
  }

  async function loadConfig() {
    store.set({ configStatus: 'loading', configError: null });
    try {
      const config = await fetchJson(configUrl(), { fetchImpl });
      store.set({ config, configStatus: 'ok' });
      return config;
    } catch (err) {
      store.set({ configStatus: 'error', configError: err });
      return null;
    }
  }

  function locate() {
    if (!geolocation) {
      store.set({ locateStatus: 'failed', locateError: 'unsupported', picking: !store.get().position });
      return;
    }
    store.set({ locateStatus: 'locating', locateError: null });
    geolocation.getCurrentPosition(
      (pos) => {
        setPosition({ lon: pos.coords.longitude, lat: pos.coords.latitude, accuracy: pos.coords.accuracy, source: 'gps' });
        store.set({ locateStatus: 'ok' });
      },
      (err) => {
        // Without a position there is no "nearest": offer tapping the map instead.
        store.set({ locateStatus: 'failed', locateError: GEO_ERRORS[err?.code] ?? 'unavailable', picking: !store.get().position });
      },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 },
    );
  }

  function setPosition(position, { fly = true } = {}) {
    store.set({ position, picking: false, locateError: position.source === 'manual' ? null : store.get().locateError });
    // Don't pull the map away from a station the courier is looking at.
    if (fly && store.get().selectedId == null) emitFly([position.lon, position.lat], 14.5);
    loadNearest();
  }

  async function loadNearest() {
    const { position, filters, nearest, config, travelMode } = store.get();
    if (!position) return;
    const base = { lon: position.lon, lat: position.lat, limit: NEAREST_LIMIT, amenities: filters.amenities, openNow: filters.openNow };
    // With a road network the list is ranked by travel time; off the network, by distance.
    const mode = config?.routing ? travelMode : undefined;
    let url = nearestUrl({ ...base, mode });
    store.set({ nearest: { status: 'loading', items: nearest.items, error: null, url, byTime: Boolean(mode) } });
    try {
      let body;
      let offNetwork = false;
      try {
        body = await fetchNearest(url);
      } catch (err) {
        if (!mode || err?.status !== 422) throw err;
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

  async function loadServiceArea(id) {
    clearTimeout(serviceAreaTimer);
    const { config, travelMode } = store.get();
    if (!config?.routing || id == null) {
      store.set({ serviceArea: { status: 'idle', data: null, error: null, mode: null } });
      return;
    }
    const previous = store.get().serviceArea;
    store.set({ serviceArea: { status: 'loading', data: previous.mode === travelMode ? previous.data : null, error: null, mode: travelMode } });
    try {
      const body = await fetchServiceArea(serviceAreaUrl(id, { mode: travelMode }));
      if (store.get().selectedId !== id || store.get().travelMode !== travelMode) return;
      if (body.state === 'pending') {
        store.set({ serviceArea: { status: 'pending', data: null, error: null, mode: travelMode } });
        serviceAreaTimer = setTimeout(() => store.get().selectedId === id && loadServiceArea(id), SERVICE_AREA_RETRY_MS);
        return;
      }
      store.set({ serviceArea: { status: 'ok', data: body, error: null, mode: travelMode } });
    } catch (err) {
      if (isAbortError(err)) return;
      store.set({ serviceArea: { status: 'error', data: null, error: err, mode: travelMode } });
    }
  }

  function setTravelMode(mode) {
    if (!TRAVEL_MODES.includes(mode) || store.get().travelMode === mode) return;
    try {
      globalThis.localStorage?.setItem(MODE_STORAGE_KEY, mode);
    } catch {
      // not remembered, still switched
    }
    store.set({ travelMode: mode });
    loadNearest();
    if (store.get().selectedId != null) loadServiceArea(store.get().selectedId);
  }

  function setFilters(filters) {
    store.set({ filters });
    loadNearest();
  }

  async function loadDetail(id) {
    store.set({ detail: { status: 'loading', station: null, error: null } });
    try {
      const station = await fetchDetail(stationUrl(id));
      if (store.get().selectedId !== id) return;
      store.set({ detail: { status: 'ok', station, error: null } });
      return station;
    } catch (err) {
      if (isAbortError(err)) return;
      store.set({ detail: { status: 'error', station: null, error: err } });
      return null;
    }
  }

  function writeUrl(id) {
    if (!history || !location) return;
    const url = new URL(location.href);
    if (id == null) url.searchParams.delete('station');
    else url.searchParams.set('station', String(id));
    history.replaceState(history.state, '', url.pathname + url.search + url.hash);
  }

  /** Opens station id's sheet; lngLat (when the caller knows it) flies there at once. */
  async function selectStation(id, { lngLat = null, fly = true } = {}) {
    store.set({ selectedId: id, picking: false, sheet: store.get().sheet === 'min' ? 'peek' : store.get().sheet });
    writeUrl(id);
    if (fly && lngLat) emitFly(lngLat, null);
    loadServiceArea(id);
    const station = await loadDetail(id);
    if (fly && !lngLat && station) emitFly([station.lon, station.lat], 16);
  }

  function closeDetail() {
    fetchDetail.abort();
    fetchServiceArea.abort();
    clearTimeout(serviceAreaTimer);
    store.set({ selectedId: null, detail: { status: 'idle', station: null, error: null }, serviceArea: { status: 'idle', data: null, error: null, mode: null } });
    writeUrl(null);
  }

  return {
    loadConfig,
    locate,
    setPosition,
    loadNearest,
    selectStation,
    closeDetail,
    retryDetail: () => store.get().selectedId != null && loadDetail(store.get().selectedId),
    setTravelMode,
    retryServiceArea: () => loadServiceArea(store.get().selectedId),
    startPicking: () => store.set({ picking: true }),
    cancelPicking: () => store.set({ picking: false }),
    toggleAmenity: (amenity) => setFilters(toggle(store.get().filters, amenity)),
    toggleOpenNow: () => setFilters({ ...store.get().filters, openNow: !store.get().filters.openNow }),
    clearFilters: () => setFilters(EMPTY_FILTERS),
    setLang(lang) {
      saveLang(lang);
      store.set({ lang });
    },
    setSheet: (sheet) => store.set({ sheet }),
    /** fn(lngLat, zoom|null) when the app wants the map to move. */
    onFlyTo: (fn) => listeners.flyTo.push(fn),
    /** Asks the map to show the selected station's whole service circle. */
    showServiceArea() {
      if (store.get().serviceArea.status !== 'ok') return;
      for (const fn of listeners.showServiceArea) fn();
    },
    onShowServiceArea: (fn) => listeners.showServiceArea.push(fn),
  };
}

// The open station: its sheet, GET /stations/{id} (latest-only, and dropped when another station
// was selected meanwhile; evaluated at the filter's "open at" instant when one is set), its
// service circle and ?station= in the address.
import { isAbortError, latestOnly } from '../api/client.js';
import { stationUrl } from '../api/requests.js';
import { writeSearchParam } from '../state/url.js';
import { NO_SERVICE_AREA } from './serviceArea.js';

/** The sheet size once a station opens: a minimised sheet rises to peek, others stay. */
export function sheetForStation(sheet) {
  return sheet === 'min' ? 'peek' : sheet;
}

export function createStation({ store, fetchImpl, events }, { serviceArea, page }) {
  const fetchDetail = latestOnly(fetchImpl);

  async function loadDetail(id) {
    store.set({ detail: { status: 'loading', station: null, error: null } });
    try {
      const station = await fetchDetail(stationUrl(id, { at: store.get().filters.at }));
      if (store.get().selectedId !== id) return;
      store.set({ detail: { status: 'ok', station, error: null } });
      return station;
    } catch (err) {
      if (isAbortError(err)) return;
      store.set({ detail: { status: 'error', station: null, error: err } });
      return null;
    }
  }

  /** Opens station id's sheet; lngLat (when the caller knows it) flies there at once. */
  async function selectStation(id, { lngLat = null, fly = true } = {}) {
    store.set({ selectedId: id, picking: false, sheet: sheetForStation(store.get().sheet) });
    writeSearchParam(page, 'station', id);
    if (fly && lngLat) events.emit('flyTo', lngLat, null);
    serviceArea.loadServiceArea(id);
    const station = await loadDetail(id);
    if (fly && !lngLat && station) events.emit('flyTo', [station.lon, station.lat], 16);
  }

  function closeDetail() {
    fetchDetail.abort();
    serviceArea.cancel();
    // One change, so the map and the sheet never see a selection without its detail.
    store.set({ selectedId: null, detail: { status: 'idle', station: null, error: null }, serviceArea: { ...NO_SERVICE_AREA } });
    writeSearchParam(page, 'station', null);
  }

  return {
    selectStation,
    closeDetail,
    retryDetail: () => store.get().selectedId != null && loadDetail(store.get().selectedId),
  };
}

// What the app does, as actions on the one store, put together from one module per concern
// (app/): the config, my position, the nearest list and its filters, the open station and its
// service circle, the travel mode. The UI calls these; the map reacts to the state they leave
// behind (see main.js). Every request for a view replaces the one before it (latestOnly), so
// answers that arrive out of order are dropped.
import { saveLang, useLang } from './i18n/index.js';
import { createConfig } from './app/config.js';
import { createNearest } from './app/nearest.js';
import { createPosition } from './app/position.js';
import { createServiceArea } from './app/serviceArea.js';
import { createStation } from './app/station.js';
import { createTravelMode } from './app/travelMode.js';
import { createLive } from './live/actions.js';
import { createEvents } from './state/events.js';

export { NEAREST_LIMIT } from './app/nearest.js';
export { SERVICE_AREA_RETRY_MS } from './app/serviceArea.js';
export { MODE_STORAGE_KEY, loadTravelMode } from './app/travelMode.js';

export function createApp(store, { fetchImpl, geolocation = globalThis.navigator?.geolocation, history = globalThis.history, location = globalThis.location, device, outbox } = {}) {
  const events = createEvents();
  const ctx = { store, fetchImpl, events };
  // The open sheet follows a new "open at" time (its week and state are evaluated there).
  let station = null;
  const nearest = createNearest(ctx, { onAtChange: () => station?.retryDetail() });
  const serviceArea = createServiceArea(ctx);
  const position = createPosition(ctx, { geolocation, loadNearest: nearest.loadNearest });
  station = createStation(ctx, { serviceArea, page: { history, location } });
  const travelMode = createTravelMode(ctx, { loadNearest: nearest.loadNearest, loadServiceArea: serviceArea.loadServiceArea });

  return {
    ...createConfig(ctx),
    ...position,
    ...nearest,
    ...station,
    ...travelMode,
    ...createLive(ctx, { geolocation, ...(device ? { device } : {}), outbox }),
    retryServiceArea: serviceArea.retryServiceArea,
    showServiceArea: serviceArea.showServiceArea,
    async setLang(lang) {
      saveLang(lang);
      await useLang(lang).catch(() => {}); // offline without the chunk: the Chinese text stands in
      store.set({ lang });
    },
    setSheet: (sheet) => store.set({ sheet }),
    /** fn(lngLat, zoom|null) when the app wants the map to move. */
    onFlyTo: (fn) => events.on('flyTo', fn),
    onShowServiceArea: (fn) => events.on('showServiceArea', fn),
  };
}

// The map, once GET /config has arrived: created with the configured basemap, its layers made on
// every style load and kept in step with the store (sync.js), the camera following the actions,
// taps turned into actions, and the stations of the view loaded as the map moves.
import { translate } from '../i18n/index.js';
import { watch } from '../state/store.js';
import { styleFromConfig } from './basemap.js';
import { watchBasemapErrors } from './basemapErrors.js';
import { createCamera, followCamera } from './camera.js';
import { createMap } from './createMap.js';
import { createLayers } from './layers/index.js';
import { createWhatIfLayer } from './layers/whatIf.js';
import { createStationLoader, mapQuery } from './stationLoader.js';
import { gapTilesFor, syncMap } from './sync.js';
import { handleTaps } from './taps.js';

/**
 * page: {search, href, origin} (location); onMap(map) runs as soon as the map exists (layout
 * padding); onCamera(camera) runs before the stations of the first view are asked for.
 * Returns {map, stationLoader, camera}.
 */
export function startMap(config, { container, store, actions, planner, page, reduceMotion = false, onMap, onCamera }) {
  const { basemap, attribution, style } = styleFromConfig(config, page);
  const map = createMap(container, {
    style,
    center: config.default_center ?? [120.16, 30.27],
    zoom: config.default_zoom ?? 13,
    attribution,
  });
  onMap?.(map);
  // The side column changes width between the views: keep the canvas matching its box.
  new ResizeObserver(() => map.resize()).observe(container);

  const camera = createCamera(map, { reduceMotion });
  // Before anything is loaded for the view: the first view may still move (main.js, the nearest).
  onCamera?.(camera);
  // Created once: its markers are DOM elements that survive a style swap.
  const whatIf = createWhatIfLayer(map, {
    onMove: (key, lngLat, options) => planner.moveStation(key, lngLat, options),
    label: (key) => translate(store.get().lang, 'plan.markerLabel', { key }),
  });
  let context = null;
  map.on('style.load', () => {
    const state = store.get();
    const layers = createLayers(map, { lang: state.lang, gapTiles: gapTilesFor(page.origin, state.plan), minutes: state.plan.minutes, whatIf });
    context = { map, layers, camera, origin: page.origin };
    syncMap(context, state, null);
  });
  store.subscribe((s, prev) => context && syncMap(context, s, prev));

  watchBasemapErrors(map, { basemap, store, styleLoaded: () => context != null });
  followCamera(camera, { store, actions, planner });
  handleTaps(map, { store, actions, planner });

  const stationLoader = createStationLoader(map, {
    onStations: (features) => store.set({ mapStations: features, mapStationsError: null }),
    onError: (err) => store.set({ mapStationsError: err }),
  });
  stationLoader.refresh();
  watch(store, (s) => mapQuery(s.filters), (query) => stationLoader.setQuery(query));
  return { map, stationLoader, camera };
}

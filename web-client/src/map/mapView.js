// The map, once GET /config has arrived: created with the configured basemap, its layers made on
// every style load and kept in step with the store (sync.js), the camera following the actions,
// taps turned into actions, and the stations drawn: the vector tiles, with live values as their
// feature state, or (sync.js needsList) a GeoJSON list of the view loaded as the map moves.
import { ApiError } from '../api/client.js';
import { isNewer } from '../live/apply.js';
import { translate } from '../i18n/index.js';
import { watch } from '../state/store.js';
import { styleFromConfig } from './basemap.js';
import { watchBasemapErrors } from './basemapErrors.js';
import { createCamera, followCamera } from './camera.js';
import { createMap } from './createMap.js';
import { createLayers } from './layers/index.js';
import { STATIONS_SOURCE, STATION_TILES_PATH } from './layers/stations.js';
import { createWhatIfLayer } from './layers/whatIf.js';
import { createStationLoader, mapQuery } from './stationLoader.js';
import { gapTilesFor, needsList, syncMap } from './sync.js';
import { handleTaps } from './taps.js';

/**
 * page: {search, href, origin} (location); onMap(map) runs as soon as the map exists (layout
 * padding); onCamera(camera) runs before the stations of the first view are asked for.
 * Returns {map, stationLoader, camera, stations: {setLive(id, live), reload()}}.
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
    const layers = createLayers(map, { lang: state.lang, gapTiles: gapTilesFor(page.origin, state.plan), minutes: state.plan.minutes, whatIf, origin: page.origin });
    context = { map, layers, camera, origin: page.origin };
    syncMap(context, state, null);
    for (const [id, live] of liveById) layers.stations.setLive(id, live);
  });
  store.subscribe((s, prev) => context && syncMap(context, s, prev));

  watchBasemapErrors(map, { basemap, store, styleLoaded: () => context != null });
  followCamera(camera, { store, actions, planner });
  handleTaps(map, { store, actions, planner });

  const stationLoader = createStationLoader(map, {
    onStations: (features) => store.set({ mapStations: features, mapStationsError: null }),
    onError: (err) => store.set({ mapStationsError: err }),
  });
  stationLoader.setActive(needsList(store.get()));
  stationLoader.refresh();
  watch(store, (s) => mapQuery(s.filters), (query) => stationLoader.setQuery(query));
  watch(store, needsList, (on) => stationLoader.setActive(on));

  // A station tile the network could not fetch (no connection, no worker to answer from the
  // pack): said like a failed list load, so the offline pack's stations are drawn instead.
  map.on('error', (event) => {
    if (event?.sourceId !== STATIONS_SOURCE || needsList(store.get()) || event.error?.status > 0) return;
    if (!store.get().mapStationsError) store.set({ mapStationsError: new ApiError({ kind: 'network', detail: '', title: String(event.error?.message ?? 'station tiles'), url: STATION_TILES_PATH }) });
  });

  // The newest live values known per station, kept as the tiles' feature state (and set again on a new style).
  const liveById = new Map();
  function setLive(id, live) {
    const key = Number(id);
    if (!live || !isNewer(live, liveById.get(key))) return;
    liveById.set(key, live);
    context?.layers.stations.setLive(key, live);
  }
  function liveFromState(s, prev) {
    if (s.nearest !== prev?.nearest) for (const item of s.nearest?.items ?? []) if (item.live) setLive(item.id, item.live);
    const station = s.detail?.station;
    if (station?.live && station !== prev?.detail?.station) setLive(station.id, station.live);
  }
  liveFromState(store.get(), null);
  store.subscribe(liveFromState);

  const stations = {
    setLive,
    /** Loads the stations again: the list when drawn, else the tiles (the same URLs: the worker's pack keeps answering them). */
    reload() {
      if (needsList(store.get())) return stationLoader.reload();
      if (store.get().mapStations.length) store.set({ mapStations: [] });
      map.getSource(STATIONS_SOURCE)?.setTiles([page.origin + STATION_TILES_PATH]);
      return Promise.resolve();
    },
  };
  // Back online: the tiles again instead of the pack's stations.
  watch(store, (s) => s.offline?.online, (online) => {
    if (online && store.get().mapStations.length && !needsList(store.get())) stations.reload();
  });

  return { map, stationLoader, camera, stations };
}

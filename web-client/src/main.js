// Composition: build the store and the actions, mount the UI, then create the map once the
// config (basemap, centre, attribution, amenity list) has arrived, and keep the map in step
// with the state.
// MapLibre's stylesheet first, so ours wins where both style the map container.
import 'maplibre-gl/dist/maplibre-gl.css';
import './styles.css';
import { createApp, loadTravelMode } from './app.js';
import { LOCALES, loadLang, translate } from './i18n/index.js';
import { basemapStyle, resolveBasemap, textFontFor } from './map/basemap.js';
import { createMap, expandCluster, fitToPoints, isInView, onMapTap } from './map/createMap.js';
import { createMyPositionLayer } from './map/layers/myPosition.js';
import { createServiceAreaLayer, collectionBounds } from './map/layers/serviceArea.js';
import { CLUSTERS_LAYER, createStationsLayer, toFeatureCollection } from './map/layers/stations.js';
import { roadTilesUrl } from './api/requests.js';
import { createStationLoader } from './map/stationLoader.js';
import { initialState } from './state/appState.js';
import { matchesFilters } from './state/filters.js';
import { createStore, watch } from './state/store.js';
import { mountFilters } from './ui/filters.js';
import { mountMapButtons, mountNotices } from './ui/notices.js';
import { mountSheet } from './ui/sheet.js';
import { mountTopbar } from './ui/topbar.js';

function deepLinkStation(search) {
  const raw = new URLSearchParams(search).get('station');
  return raw && /^[1-9][0-9]{0,15}$/.test(raw) ? Number(raw) : null;
}

const store = createStore(initialState({ lang: loadLang(), deepLinkId: deepLinkStation(location.search), travelMode: loadTravelMode() }));
const actions = createApp(store);
const $ = (selector) => document.querySelector(selector);

function applyDocumentLang(lang) {
  document.documentElement.lang = LOCALES[lang];
  document.title = `${translate(lang, 'app.title')} · ${translate(lang, 'app.tagline')}`;
  $('#map').setAttribute('aria-label', translate(lang, 'app.title'));
}
applyDocumentLang(store.get().lang);
watch(store, (s) => s.lang, applyDocumentLang);

let map = null;
let stationLoader = null;
let pendingPadding = null;
const reduceMotion = window.matchMedia('(prefers-reduced-motion: reduce)').matches;

mountTopbar($('#topbar'), { store, actions });
mountFilters($('#filters'), { store, actions });
mountMapButtons($('#map-buttons'), { store, actions });
mountNotices($('#notices'), {
  store,
  actions,
  retryConfig: start,
  retryMapStations: () => {
    store.set({ mapStationsError: null });
    stationLoader?.reload();
  },
  dismissBasemap: () => store.set({ basemapFailed: false }),
});
const sheet = mountSheet($('#sheet'), {
  store,
  actions,
  topOverlay: $('#filters'),
  onLayout: ({ wide, top, bottom }) => {
    document.body.classList.toggle('wide', wide);
    const padding = { top: wide ? 0 : top, bottom, left: 0, right: 0 };
    if (map) {
      map.resize();
      map.setPadding(padding);
    } else pendingPadding = padding;
  },
});

document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape') {
    if (store.get().picking) actions.cancelPicking();
    else if (store.get().selectedId != null) actions.closeDetail();
  }
});

actions.onShowServiceArea(() => {
  const bounds = map && collectionBounds(store.get().serviceArea.data);
  if (bounds) fitToPoints(map, bounds, { animate: !reduceMotion, maxZoom: 15 });
});

actions.onFlyTo((lngLat, zoom) => {
  if (!map) return;
  const target = { center: lngLat, zoom: zoom ?? Math.max(map.getZoom(), 15) };
  if (reduceMotion) map.jumpTo(target);
  else map.flyTo({ ...target, duration: 900, essential: true });
});

function startMap(config) {
  const basemap = resolveBasemap(config.basemap_style_url, location.search, location.href);
  const attribution = Array.isArray(config.attribution) ? [...config.attribution] : [];
  const routing = config.routing ?? null;
  if (routing?.attribution && !attribution.includes(routing.attribution)) attribution.push(routing.attribution);
  const roads = routing ? { tiles: roadTilesUrl(location.origin, routing.graph_version), attribution: routing.attribution } : undefined;
  map = createMap($('#map'), {
    style: basemapStyle(basemap, attribution, { roads }),
    center: config.default_center ?? [120.16, 30.27],
    zoom: config.default_zoom ?? 13,
    attribution,
  });
  if (pendingPadding) map.setPadding(pendingPadding);
  sheet.layout();

  // The station layers go on top of whatever style is loaded. 'style.load' fires for the first
  // style and again after a fallback swap, so the layers are (re)created there and given the
  // current state.
  let stations = null;
  let me = null;
  let area = null;
  let styleLoaded = false;
  const drawStations = () => {
    const { mapStations, filters } = store.get();
    stations?.setData(toFeatureCollection(mapStations.filter((f) => matchesFilters(f.properties ?? f, filters))));
  };
  map.on('style.load', () => {
    styleLoaded = true;
    const state = store.get();
    stations = createStationsLayer(map, { textFont: textFontFor(map.getStyle()), lang: state.lang });
    me = createMyPositionLayer(map);
    area = createServiceAreaLayer(map, { beforeId: CLUSTERS_LAYER });
    drawServiceArea();
    drawStations();
    stations.setSelected(state.selectedId);
    me.setPosition(state.position);
  });
  function drawServiceArea() {
    const { serviceArea } = store.get();
    area?.setData(serviceArea.data, serviceArea.mode ?? 'ebike');
  }
  store.subscribe((s, prev) => {
    if (!stations) return;
    // The circle is drawn where it is; the camera stays on the station the courier opened (the
    // sheet's "show whole circle" button zooms out to it on request).
    if (s.serviceArea !== prev.serviceArea) drawServiceArea();
    if (s.mapStations !== prev.mapStations || s.filters !== prev.filters) drawStations();
    if (s.selectedId !== prev.selectedId) stations.setSelected(s.selectedId);
    if (s.lang !== prev.lang) stations.setLang(s.lang);
    if (s.position !== prev.position) me.setPosition(s.position);
    map.getCanvas().style.cursor = s.picking ? 'crosshair' : '';
  });

  // A basemap that fails (no tile server reachable, a style URL that 404s) must never hide the
  // stations: say so, and if the style itself could not load, fall back to the offline style.
  map.on('error', (e) => {
    if (basemap.kind === 'offline' || ['stations', 'my-position', 'service-area', 'roads'].includes(e?.sourceId)) return;
    if (!styleLoaded && basemap.kind === 'style') {
      store.set({ basemapFailed: true });
      map.setStyle(basemapStyle({ kind: 'offline' }));
    } else if (e?.sourceId) {
      store.set({ basemapFailed: true });
    }
  });

  // When new nearest results arrive and the nearest one is off screen (a filter can push it
  // kilometres away), show the courier together with the first few results.
  const showNearest = () => {
    const { nearest, position, selectedId } = store.get();
    if (!position || selectedId != null || nearest.status !== 'ok' || !nearest.items.length) return;
    if (map.isMoving()) {
      map.once('moveend', () => store.get().nearest === nearest && showNearest());
      return;
    }
    const here = [position.lon, position.lat];
    const first = nearest.items.slice(0, 3).map((s) => [s.lon, s.lat]);
    if (isInView(map, here) && isInView(map, first[0])) return;
    fitToPoints(map, [here, ...first], { animate: !reduceMotion });
  };
  watch(store, (s) => s.nearest, showNearest);

  stationLoader = createStationLoader(map, {
    onStations: (features) => store.set({ mapStations: features, mapStationsError: null }),
    onError: (err) => store.set({ mapStationsError: err }),
  });
  stationLoader.refresh();

  onMapTap(map, (hit) => {
    if (store.get().picking) {
      actions.setPosition({ lon: hit.lngLat[0], lat: hit.lngLat[1], accuracy: null, source: 'manual' }, { fly: false });
      return;
    }
    if (hit.kind === 'station') actions.selectStation(hit.id, { lngLat: hit.lngLat });
    else if (hit.kind === 'cluster') expandCluster(map, hit.clusterId, hit.lngLat).catch(() => {});
  });
}

async function start() {
  const config = await actions.loadConfig();
  if (!config) return;
  if (!map) startMap(config);
  if (!store.get().position) actions.locate();
  const deepLink = store.get().selectedId;
  if (deepLink != null && store.get().detail.status === 'idle') actions.selectStation(deepLink);
}

start();

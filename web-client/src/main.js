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
import { gapTilesUrl, roadTilesUrl } from './api/requests.js';
import { createDemandLayers, worstFeatures } from './map/layers/demand.js';
import { createDistrictsLayer, findDistrict, geometryBounds } from './map/layers/districts.js';
import { createGapsLayer } from './map/layers/gaps.js';
import { createSuggestionsLayer } from './map/layers/suggestions.js';
import { createWhatIfLayer } from './map/layers/whatIf.js';
import { boundsToBox } from './map/viewport.js';
import { createPlanner } from './planner.js';
import { viewFromSearch } from './state/plannerState.js';
import { mountPlanner } from './ui/planner/panel.js';
import { createStationLoader } from './map/stationLoader.js';
import { initialState } from './state/appState.js';
import { matchesFilters } from './state/filters.js';
import { createStore, watch } from './state/store.js';
import { mountFilters } from './ui/filters.js';
import { mountMapButtons, mountNotices } from './ui/notices.js';
import { mountSheet } from './ui/sheet.js';
import { mountTopbar } from './ui/topbar.js';

/** Sources the app draws itself: their errors are not basemap failures. */
const PROJECT_SOURCES = ['stations', 'my-position', 'service-area', 'roads', 'gaps', 'districts', 'demand-points', 'worst-points', 'suggestions'];

function deepLinkStation(search) {
  const raw = new URLSearchParams(search).get('station');
  return raw && /^[1-9][0-9]{0,15}$/.test(raw) ? Number(raw) : null;
}

const store = createStore(initialState({
  lang: loadLang(), deepLinkId: deepLinkStation(location.search), travelMode: loadTravelMode(), view: viewFromSearch(location.search),
}));
const actions = createApp(store);
const planner = createPlanner(store);
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

mountTopbar($('#topbar'), { store, actions, planner });
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
    if (store.get().view === 'planner') {
      layoutPlanner();
      return;
    }
    const padding = { top: wide ? 0 : top, bottom, left: 0, right: 0 };
    if (map) {
      map.resize();
      map.setPadding(padding);
    } else pendingPadding = padding;
  },
});

mountPlanner($('#planner'), {
  store,
  planner,
  getCenter: () => (map ? map.getCenter().toArray() : store.get().config?.default_center ?? [120.16, 30.27]),
  getViewBox: () => (map ? boundsToBox(map.getBounds()) : undefined),
});

/** The planner panel: a side column on wide screens, a scrolling bottom panel on phones. */
function layoutPlanner() {
  const wide = document.body.classList.contains('wide');
  const panel = $('#planner');
  const bottom = wide ? 0 : Math.round(panel.getBoundingClientRect().height);
  document.documentElement.style.setProperty('--sheet-h', `${bottom}px`);
  const top = wide ? 0 : Math.round($('#topbar').getBoundingClientRect().bottom + 8);
  const padding = { top, bottom, left: 0, right: 0 };
  if (map) map.setPadding(padding);
  else pendingPadding = padding;
}

function applyView(view) {
  const isPlanner = view === 'planner';
  document.body.classList.toggle('view-planner', isPlanner);
  $('#planner').hidden = !isPlanner;
  if (isPlanner && store.get().selectedId != null) actions.closeDetail();
  if (isPlanner) layoutPlanner();
  else sheet.layout();
}
applyView(store.get().view);
watch(store, (s) => s.view, (view) => {
  applyView(view);
  // The courier view needs a position; the planner never asks for one.
  if (view === 'courier' && !store.get().position && store.get().config) actions.locate();
});
window.addEventListener('resize', () => store.get().view === 'planner' && layoutPlanner());

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
  const origin = location.origin;
  map = createMap($('#map'), {
    style: basemapStyle(basemap, attribution, { roads }),
    center: config.default_center ?? [120.16, 30.27],
    zoom: config.default_zoom ?? 13,
    attribution,
  });
  if (pendingPadding) map.setPadding(pendingPadding);
  if (store.get().view === 'planner') layoutPlanner();
  else sheet.layout();
  // The side column changes width between the views: keep the canvas matching its box.
  new ResizeObserver(() => map.resize()).observe($('#map'));

  // The station layers go on top of whatever style is loaded. 'style.load' fires for the first
  // style and again after a fallback swap, so the layers are (re)created there and given the
  // current state.
  let stations = null;
  let me = null;
  let area = null;
  let plan = null;
  let shownDistricts = false;
  let styleLoaded = false;
  const drawStations = () => {
    const { mapStations, filters, view } = store.get();
    // The planner sees every station; the courier's amenity filters don't apply to coverage.
    const shown = view === 'planner' ? mapStations : mapStations.filter((f) => matchesFilters(f.properties ?? f, filters));
    stations?.setData(toFeatureCollection(shown));
  };
  const gapTiles = (p) => gapTilesUrl(origin, { mode: p.mode, minutes: p.minutes, at: p.at });
  const whatIf = createWhatIfLayer(map, {
    onMove: (key, lngLat, options) => planner.moveStation(key, lngLat, options),
    label: (key) => translate(store.get().lang, 'plan.markerLabel', { key }),
  });
  function drawPlanner(s, prev) {
    if (!plan) return;
    const all = !prev;
    const on = s.view === 'planner';
    if (all || s.view !== prev.view || s.showGaps !== prev.showGaps) plan.gaps.setVisible(on && s.showGaps);
    if (all || s.view !== prev.view) {
      plan.districts.setVisible(on);
      plan.demand.setVisible(on);
      plan.sites.setVisible(on);
      whatIf.setVisible(on);
    }
    if (all || s.plan !== prev.plan) plan.gaps.setParams({ tiles: gapTiles(s.plan), minutes: s.plan.minutes });
    if (all || s.districts !== prev.districts) plan.districts.setData(s.districts.data);
    if (on && !shownDistricts && s.districts.data?.features?.length && s.focusDistrict == null) {
      // The first time the planner has its districts, show the whole planning area.
      shownDistricts = true;
      const boxes = s.districts.data.features.map((f) => geometryBounds(f.geometry)).filter(Boolean);
      if (boxes.length) fitToPoints(map, boxes.flat(), { animate: false, maxZoom: 14 });
    }
    if (all || s.focusDistrict !== prev.focusDistrict) plan.districts.setFocused(s.focusDistrict);
    if (all || s.lang !== prev.lang) {
      plan.districts.setLang(s.lang);
      whatIf.setLabels((key) => translate(s.lang, 'plan.markerLabel', { key }));
    }
    if (all || s.demandPoints !== prev.demandPoints) plan.demand.setPoints(s.demandPoints.data);
    if (all || s.coverage !== prev.coverage) plan.demand.setWorst(worstFeatures(s.coverage.data?.worst, s.coverage.data?.minutes ?? s.plan.minutes));
    if (all || s.suggestion !== prev.suggestion) plan.sites.setSites(s.suggestion.data?.sites ?? [], { stale: s.suggestion.stale });
    if (all || s.whatIf.added !== prev.whatIf.added) whatIf.setAdded(s.whatIf.added);
    if (all || s.whatIf.removed !== prev.whatIf.removed) whatIf.setRemoved(s.whatIf.removed);
  }
  map.on('style.load', () => {
    styleLoaded = true;
    const state = store.get();
    stations = createStationsLayer(map, { textFont: textFontFor(map.getStyle()), lang: state.lang });
    me = createMyPositionLayer(map);
    area = createServiceAreaLayer(map, { beforeId: CLUSTERS_LAYER });
    // Planner layers, hidden in the courier view: gaps and districts under the station markers,
    // suggested sites on top.
    const textFont = textFontFor(map.getStyle());
    plan = {
      gaps: createGapsLayer(map, { tiles: gapTiles(state.plan), minutes: state.plan.minutes, beforeId: CLUSTERS_LAYER }),
      districts: createDistrictsLayer(map, { textFont, lang: state.lang, beforeId: CLUSTERS_LAYER }),
      demand: createDemandLayers(map, { beforeId: CLUSTERS_LAYER }),
      sites: createSuggestionsLayer(map, { textFont }),
    };
    for (const layer of Object.values(plan)) layer.ensure();
    drawPlanner(state, null);
    whatIf.restyle();
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
    if (s.mapStations !== prev.mapStations || s.filters !== prev.filters || s.view !== prev.view) drawStations();
    drawPlanner(s, prev);
    if (s.selectedId !== prev.selectedId) stations.setSelected(s.selectedId);
    if (s.lang !== prev.lang) stations.setLang(s.lang);
    if (s.position !== prev.position) me.setPosition(s.position);
    map.getCanvas().style.cursor = s.picking ? 'crosshair' : '';
  });

  // A basemap that fails (no tile server reachable, a style URL that 404s) must never hide the
  // stations: say so, and if the style itself could not load, fall back to the offline style.
  map.on('error', (e) => {
    if (basemap.kind === 'offline' || PROJECT_SOURCES.includes(e?.sourceId)) return;
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

  planner.onZoomToDistrict((id) => {
    const bounds = geometryBounds(findDistrict(store.get().districts.data, id)?.geometry);
    if (bounds) fitToPoints(map, bounds, { animate: !reduceMotion, maxZoom: 15 });
  });
  planner.onShowSites((sites) => {
    const points = sites.filter((s) => Number.isFinite(s.lon) && Number.isFinite(s.lat)).map((s) => [s.lon, s.lat]);
    if (points.length) fitToPoints(map, points, { animate: !reduceMotion, maxZoom: 14 });
  });

  onMapTap(map, (hit) => {
    if (store.get().view === 'planner') {
      // In the planner a station is taken out of (or put back into) the what-if scenario.
      if (hit.kind === 'station') planner.toggleRemoved(hit.id);
      else if (hit.kind === 'cluster') expandCluster(map, hit.clusterId, hit.lngLat).catch(() => {});
      return;
    }
    if (store.get().picking) {
      actions.setPosition({ lon: hit.lngLat[0], lat: hit.lngLat[1], accuracy: null, source: 'manual' }, { fly: false });
      return;
    }
    if (hit.kind === 'station') actions.selectStation(hit.id, { lngLat: hit.lngLat });
    else if (hit.kind === 'cluster') expandCluster(map, hit.clusterId, hit.lngLat).catch(() => {});
  });
}

async function start() {
  if (store.get().view === 'planner' && store.get().coverage.status === 'idle') planner.enter();
  const config = await actions.loadConfig();
  if (!config) return;
  if (!map) startMap(config);
  if (store.get().view === 'planner') return;
  if (!store.get().position) actions.locate();
  const deepLink = store.get().selectedId;
  if (deepLink != null && store.get().detail.status === 'idle') actions.selectStation(deepLink);
}

start();

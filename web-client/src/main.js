// Composition: build the store and the actions, mount the UI, then start the map once the config
// (basemap, centre, attribution, amenity list) has arrived. What the map does lives in map/:
// mapView.js starts it, sync.js keeps it in step with the state.
// first.js before anything else: its body, which starts the first view's requests, then runs
// before every other module's. MapLibre's stylesheet next, so ours wins where both style the map
// container.
import { earlyFix, startState } from './first.js';
import 'maplibre-gl/dist/maplibre-gl.css';
import './styles.css';
import { createApp } from './app.js';
import { POSITION_ZOOM } from './app/position.js';
import { createLiveStream } from './live/stream.js';
import { LOCALES, translate, useLang } from './i18n/index.js';
import { startMap } from './map/mapView.js';
import { boundsToBox, padBox } from './map/viewport.js';
import { createLazyPlanner } from './plannerLazy.js';
import { createStore, watch } from './state/store.js';
import { mountFilters } from './ui/filters.js';
import { createLayout } from './ui/layout.js';
import { mountMapButtons, mountNotices } from './ui/notices.js';
import { mountSheet } from './ui/sheet.js';
import { mountTopbar } from './ui/topbar.js';
import { createDevice } from './live/writes.js';
import { offlineButton } from './offline/button.js';
import { createLazyOffline } from './offline/lazy.js';
import { registerServiceWorker } from './offline/register.js';
import { packTemplates, STATION_TILES } from './offline/tiles.js';

// An English page waits for its dictionary (one small chunk); a Chinese one waits for nothing.
await useLang(startState.lang).catch(() => {});
const store = createStore(startState);
// One device token for live writes and the outbox; the outbox and the pack in IndexedDB (offline/).
const device = createDevice();
const offline = createLazyOffline(store, {
  device,
  mountPanel: (mountOfflinePanel, controller) => mountOfflinePanel($('#offline-panel'), {
    store,
    controller,
    // The pack is the visible area, with the map's own road tiles and the stations' tiles.
    getView: () => mapView && {
      bbox: boundsToBox(mapView.map.getBounds()),
      templates: packTemplates({ ...mapView.map.getStyle().sources, stations: { tiles: [STATION_TILES], minzoom: 10, maxzoom: 16 } }, location.origin),
    },
  }),
});
const actions = createApp(store, { device, outbox: offline });
const $ = (selector) => document.querySelector(selector);
/** {map, stationLoader, camera, stations} once the map has started. */
let mapView = null;
// The planner's code and panel load when the planner first opens (plannerLazy.js).
const planner = createLazyPlanner(store, {
  onLoad: (real, chunk) => chunk.mountPlanner($('#planner'), {
    store,
    planner: real,
    getCenter: () => mapView?.map.getCenter().toArray() ?? store.get().config?.default_center ?? [120.16, 30.27],
    getViewBox: () => (mapView ? boundsToBox(mapView.map.getBounds()) : undefined),
  }),
  onError: (err) => console.warn('the planner could not be loaded', err),
});

function applyDocumentLang(lang) {
  document.documentElement.lang = LOCALES[lang];
  document.title = `${translate(lang, 'app.title')} · ${translate(lang, 'app.tagline')}`;
  $('#map').setAttribute('aria-label', translate(lang, 'app.title'));
  // Named sections are landmarks: the list and station sheet, and the planner's panel.
  $('#sheet').setAttribute('aria-label', translate(lang, 'list.title'));
  $('#planner').setAttribute('aria-label', translate(lang, 'plan.title'));
}
applyDocumentLang(store.get().lang);
watch(store, (s) => s.lang, applyDocumentLang);

const layout = createLayout({ store, actions, $ });
mountTopbar($('#topbar'), { store, actions, planner });
mountFilters($('#filters'), { store, actions });
mountMapButtons($('#map-buttons'), { store, actions, extra: (state) => offlineButton(state, offline.openPanel) });
mountNotices($('#notices'), {
  store,
  actions,
  retryConfig: start,
  retryMapStations: () => {
    store.set({ mapStationsError: null });
    mapView?.stations.reload();
  },
  dismissBasemap: () => store.set({ basemapFailed: false }),
});
const sheet = mountSheet($('#sheet'), { store, actions, topOverlay: $('#filters'), onLayout: layout.onSheetLayout });
layout.bindView(sheet);
// The courier view needs a position; the planner never asks for one.
watch(store, (s) => s.view, (view) => {
  if (view === 'courier' && !store.get().position && store.get().config) actions.locate();
});

document.addEventListener('keydown', (e) => {
  if (e.key !== 'Escape') return;
  if (store.get().picking) actions.cancelPicking();
  else if (store.get().selectedId != null) actions.closeDetail();
});

// Live changes arrive on one SSE stream for the map's view; ages ("3 分钟前") tick every 30 s.
const liveStream = createLiveStream({
  store,
  onEvent: (event) => {
    mapView?.stationLoader.updateLive(event.station_id, event.live);
    mapView?.stations.setLive(event.station_id, event.live);
  },
  onReset: () => {
    actions.loadNearest();
    if (store.get().selectedId != null) actions.retryDetail();
    mapView?.stations.reload();
  },
});
watch(store, (s) => s.liveStream, (state) => { document.body.dataset.liveStream = state; });
setInterval(() => store.set({ liveClock: Date.now() }), 30000);

/** The stream follows the view; in the planner the open-faults layer is loaded for it too. */
function followMap(map) {
  const view = () => boundsToBox(map.getBounds());
  const loadFaults = () => {
    if (store.get().view === 'planner' && store.get().showFaults) planner.loadFaults(padBox(view(), 0.25));
  };
  liveStream.follow(view());
  loadFaults();
  map.on('moveend', () => {
    liveStream.follow(view());
    loadFaults();
  });
  watch(store, (s) => [s.view, s.showFaults], loadFaults);
}

// The GPS fix is asked for with the page (first.js), in parallel with the config and the rest of
// the bundle (the courier view only: the planner never asks). The browser keeps it
// (GEO_OPTIONS.maximumAge), so locate() below gets it at once, and the nearest list for it is
// already on its way; when it is there before the map starts, the map starts where I am, at the
// zoom a fix flies to, instead of loading the city's default view first and flying.
let fixed = null;
const fixAsked = earlyFix.then((position) => (fixed = position));
/** How long the map waits for that fix once the config is there: starting elsewhere costs a flight and tiles twice. */
const FIX_WAIT_MS = 300;
/**
 * With a fix, the nearest list is asked for before the map starts and the map waits for it this
 * long, so that it starts at the view showing me and the nearest stations (camera.showNearest)
 * rather than flying out to it after drawing, and downloading, the view around me first.
 */
const NEAREST_WAIT_MS = 1000;

/** Resolves when done(state) holds or after ms. */
function settled(done, ms) {
  return new Promise((resolve) => {
    if (done(store.get())) return resolve();
    let off = null;
    const timer = setTimeout(finish, ms);
    function finish() {
      clearTimeout(timer);
      off?.();
      resolve();
    }
    off = store.subscribe((s) => done(s) && finish());
  });
}

/** The config's view, or my early fix's when there is one and no station is to be shown. */
function initialView(config) {
  if (!fixed || store.get().selectedId != null || store.get().view !== 'courier') return config;
  return { ...config, default_center: [fixed.lon, fixed.lat], default_zoom: POSITION_ZOOM };
}

async function start() {
  if (store.get().view === 'planner' && store.get().coverage.status === 'idle') planner.enter();
  const config = await actions.loadConfig();
  if (!config) {
    offline.load(); // no API: the pack may have what the courier needs
    return;
  }
  if (!mapView) {
    await Promise.race([fixAsked, new Promise((resolve) => setTimeout(resolve, FIX_WAIT_MS))]);
    if (initialView(config) !== config) {
      actions.locate();
      await settled((s) => s.nearest.status === 'ok' || s.nearest.status === 'error' || s.locateStatus === 'failed', NEAREST_WAIT_MS);
    }
  }
  mapView ??= startMap(initialView(config), {
    container: $('#map'),
    store,
    actions,
    planner,
    page: { search: location.search, href: location.href, origin: location.origin },
    reduceMotion: window.matchMedia('(prefers-reduced-motion: reduce)').matches,
    onMap: layout.attachMap,
    // The map starts at the view showing me and the nearest stations when that answer is in.
    onCamera: (camera) => camera.showNearest(store, { jump: true }),
  });
  if (!liveStream.box) {
    followMap(mapView.map);
    // After the first paint: the worker's install (the shell's precache) never competes with it.
    mapView.map.once('idle', () => registerServiceWorker());
  }
  if (store.get().view === 'planner') return;
  if (!store.get().position && store.get().locateStatus !== 'locating') actions.locate();
  const deepLink = store.get().selectedId;
  if (deepLink != null && store.get().detail.status === 'idle') actions.selectStation(deepLink);
}

if (offline.neededAtStart()) offline.load();
// The nearest list could not reach the API: the pack may answer it.
watch(store, (s) => s.nearest.status, (status) => { if (status === 'error') offline.load(); });
// For the browser tests, beside window.__map: the pack's record and its stations.
window.__offlineState = () => store.get().offline.pack;
window.__offlineQueue = () => ({ online: store.get().offline.online, queued: store.get().offline.queued, sent: store.get().offline.sent });
window.__offlineFlush = () => offline.flush();
window.__offlinePack = (id) => (id == null ? offline.stations() : offline.station(id));
start();

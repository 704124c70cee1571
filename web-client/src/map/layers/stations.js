// Station markers, from two sources added once. The vector tiles of /api/v1/tiles/stations
// (STATIONS_SOURCE, layer `stations`: clusters below zoom 12, stations from there, open state now)
// draw the map in the courier view; the live values (crowding, faults) are feature state on them,
// read by paint only. The GeoJSON overlay (OVERLAY_SOURCE, clustered in the page) draws a list
// of stations instead when the tiles cannot say what is asked (an "open at" instant, amenity or
// service filters, the planner) or when the pack's stations stand in offline; setMode picks one.
// Colours follow open_state so a courier can read the map at a glance: open green, closed grey,
// unknown amber. Live crowding is a coloured ring; on the overlay also a label ("满", "通常…").
import { EMPTY, showData } from './geojson.js';
import { markerLive } from '../../live/format.js';

export const STATIONS_SOURCE = 'sm-stations';
export const STATIONS_SOURCE_LAYER = 'stations';
export const STATIONS_LAYER = 'sm-stations';
export const CLUSTERS_LAYER = 'sm-station-clusters';
export const CLUSTER_COUNT_LAYER = 'sm-station-cluster-count';
export const SELECTED_LAYER = 'sm-station-selected';
export const LABELS_LAYER = 'sm-station-labels';
export const OVERLAY_SOURCE = 'sm-stations-list';
export const OVERLAY_LAYER = 'sm-stations-list';
export const OVERLAY_CLUSTERS_LAYER = 'sm-stations-list-clusters';
export const OVERLAY_CLUSTER_COUNT_LAYER = 'sm-stations-list-cluster-count';
export const OVERLAY_SELECTED_LAYER = 'sm-stations-list-selected';
export const OVERLAY_LABELS_LAYER = 'sm-stations-list-labels';
export const LIVE_LABELS_LAYER = 'sm-station-live';
/** The tiles' URL template (page origin + path); the tiles carry open state now and no filters. */
export const STATION_TILES_PATH = '/api/v1/tiles/stations/{z}/{x}/{y}.mvt';

const TILE_LAYERS = [CLUSTERS_LAYER, CLUSTER_COUNT_LAYER, STATIONS_LAYER, SELECTED_LAYER, LABELS_LAYER];
const OVERLAY_LAYERS = [OVERLAY_CLUSTERS_LAYER, OVERLAY_CLUSTER_COUNT_LAYER, OVERLAY_LAYER, OVERLAY_SELECTED_LAYER, OVERLAY_LABELS_LAYER, LIVE_LABELS_LAYER];

export const CROWD_COLORS = { empty: '#1f9d55', some_seats: '#d97706', full: '#dc2626' };
const CROWD_WORDS = {
  zh: { empty: '空', some_seats: '有座', full: '满', usually: '通常', seats: '座', charged: '电', faults: '故障' },
  en: { empty: 'empty', some_seats: 'seats', full: 'full', usually: 'usually ', seats: ' seats', charged: ' batt', faults: 'fault' },
};

export const OPEN_COLORS = { open: '#1f9d55', closed: '#8a9099', unknown: '#e3a008' };

/**
 * API stations (GeoJSON features or JSON items) → slim point features. MapLibre stringifies
 * nested properties, so open_state is flattened to its state string here.
 */
export function toFeatureCollection(stations) {
  const features = [];
  for (const s of stations) {
    const props = s.properties ?? s;
    const coords = s.geometry?.coordinates ?? [s.lon, s.lat];
    const id = s.id ?? props.id;
    if (!Number.isFinite(coords[0]) || !Number.isFinite(coords[1]) || id == null) continue;
    const state = props.open_state?.state;
    features.push({
      type: 'Feature',
      id,
      geometry: { type: 'Point', coordinates: [coords[0], coords[1]] },
      properties: {
        id,
        name: props.name ?? '',
        name_en: props.name_en ?? null,
        open_state: ['open', 'closed', 'unknown'].includes(state) ? state : 'unknown',
        ...markerLive(props.live),
      },
    });
  }
  return { type: 'FeatureCollection', features };
}

/**
 * The live label: crowding ("满" live, "通常有座" typical), then seats free ("3座"), charged
 * batteries ("电5") and "故障" when a fault is open, each only when known.
 */
export function liveLabelField(lang) {
  const words = CROWD_WORDS[lang] ?? CROWD_WORDS.zh;
  const word = ['match', ['get', 'crowd'], 'empty', words.empty, 'some_seats', words.some_seats, 'full', words.full, ''];
  const crowd = ['case', ['==', ['get', 'crowd_kind'], 'typical'], ['concat', words.usually, word], word];
  const part = (prop, text) => ['case', ['>=', ['get', prop], 0], text, ''];
  const seats = part('seats', ['concat', ' ', ['to-string', ['get', 'seats']], words.seats]);
  const charged = part('charged', lang === 'en' ? ['concat', ' ', ['to-string', ['get', 'charged']], words.charged] : ['concat', ' ', words.charged, ['to-string', ['get', 'charged']]]);
  const faults = ['case', ['>', ['get', 'faults'], 0], ['concat', ' ', words.faults], ''];
  return ['concat', crowd, seats, charged, faults];
}

/** Markers with something live (or typical) to say get a label. */
export const HAS_LIVE = ['any', ['!=', ['get', 'crowd_kind'], 'none'], ['>=', ['get', 'seats'], 0], ['>=', ['get', 'charged'], 0], ['>', ['get', 'faults'], 0]];

/** Ring colour: the live crowding's colour; white (the plain marker) when typical or unknown. */
export const CROWD_RING = ['case', ['==', ['get', 'crowd_kind'], 'live'],
  ['match', ['get', 'crowd'], 'empty', CROWD_COLORS.empty, 'some_seats', CROWD_COLORS.some_seats, 'full', CROWD_COLORS.full, '#ffffff'], '#ffffff'];

/** The same ring on the tiles, from the feature state (markerLive's values) set by setLive. */
export const CROWD_RING_STATE = ['case', ['==', ['feature-state', 'crowd_kind'], 'live'],
  ['match', ['feature-state', 'crowd'], 'empty', CROWD_COLORS.empty, 'some_seats', CROWD_COLORS.some_seats, 'full', CROWD_COLORS.full, '#ffffff'], '#ffffff'];

/** Tile stations ("open now" filter: only open ones; a cluster then needs an open member). */
export function tileFilters(openNow) {
  return {
    clusters: openNow ? ['all', ['==', ['get', 'cluster'], true], ['>', ['get', 'open_count'], 0]] : ['==', ['get', 'cluster'], true],
    stations: openNow ? ['all', ['!', ['has', 'cluster']], ['==', ['get', 'open_state'], 'open']] : ['!', ['has', 'cluster']],
  };
}

function labelField(lang) {
  return lang === 'en' ? ['coalesce', ['get', 'name_en'], ['get', 'name']] : ['get', 'name'];
}

/**
 * Station names from this zoom. A whole number on purpose: MapLibre lays a symbol layer out in
 * every tile whose zoom is at least floor(minzoom), so at 14.5 the z14 tiles of a first view at
 * zoom 14.3 had every name's Chinese characters rasterised on the main thread (TinySDF, ~0.4 s
 * at 4× CPU on a repeat visit) for labels that view never shows.
 */
export const LABELS_MINZOOM = 15;
const MARKER_RADIUS = ['interpolate', ['linear'], ['zoom'], 10, 6, 15, 9, 18, 12];
const SELECTED_PAINT = {
  'circle-color': 'rgba(0,0,0,0)',
  'circle-radius': ['interpolate', ['linear'], ['zoom'], 10, 11, 15, 15, 18, 18],
  'circle-stroke-width': 3.5,
  'circle-stroke-color': '#111827',
};
const OPEN_COLOR = ['match', ['get', 'open_state'], 'open', OPEN_COLORS.open, 'closed', OPEN_COLORS.closed, OPEN_COLORS.unknown];

/**
 * origin: the page's origin (the tiles' URL). Returns {ensure, setData, setMode, setOpenNow,
 * setLive, setSelected, setLang}.
 */
export function createStationsLayer(map, { textFont = ['sans-serif'], lang = 'zh', origin = globalThis.location?.origin ?? '' } = {}) {
  let data = EMPTY;
  let selectedId = null;
  let currentLang = lang;
  let mode = 'tiles';
  let openNow = false;

  const visibility = (layerMode) => (layerMode === mode ? 'visible' : 'none');
  const clusterPaint = (open) => ({
    // Green when at least one station inside is open now, grey otherwise.
    'circle-color': ['case', ['>', ['get', 'open_count'], 0], '#17734a', '#6b7280'],
    'circle-radius': ['step', open, 16, 10, 20, 50, 25, 200, 30],
    'circle-stroke-width': 3,
    'circle-stroke-color': 'rgba(255,255,255,0.9)',
  });
  const countLayout = (field) => ({
    'text-field': field,
    'text-font': textFont,
    'text-size': 14,
    'text-allow-overlap': true,
    'text-ignore-placement': true,
  });
  const labelLayout = () => ({
    'text-field': labelField(currentLang),
    'text-font': textFont,
    'text-size': 12,
    'text-anchor': 'top',
    'text-offset': [0, 1.1],
    'text-max-width': 9,
    'text-optional': true,
  });
  const labelPaint = { 'text-color': '#1f2937', 'text-halo-color': '#ffffff', 'text-halo-width': 1.6 };
  const tileCount = () => (openNow ? ['to-string', ['get', 'open_count']] : ['to-string', ['get', 'count']]);

  function ensureTiles() {
    const tiles = { source: STATIONS_SOURCE, 'source-layer': STATIONS_SOURCE_LAYER };
    const filters = tileFilters(openNow);
    map.addSource(STATIONS_SOURCE, { type: 'vector', tiles: [origin + STATION_TILES_PATH], maxzoom: 16 });
    map.addLayer({ id: CLUSTERS_LAYER, type: 'circle', ...tiles, filter: filters.clusters, layout: { visibility: visibility('tiles') }, paint: clusterPaint(['get', 'count']) });
    map.addLayer({ id: CLUSTER_COUNT_LAYER, type: 'symbol', ...tiles, filter: filters.clusters, layout: { ...countLayout(tileCount()), visibility: visibility('tiles') }, paint: { 'text-color': '#ffffff' } });
    map.addLayer({
      id: STATIONS_LAYER,
      type: 'circle',
      ...tiles,
      filter: filters.stations,
      layout: { visibility: visibility('tiles') },
      paint: {
        'circle-color': OPEN_COLOR,
        'circle-radius': MARKER_RADIUS,
        'circle-stroke-width': ['case', ['==', ['feature-state', 'crowd_kind'], 'live'], 4, 2.5],
        'circle-stroke-color': CROWD_RING_STATE,
      },
    });
    map.addLayer({ id: SELECTED_LAYER, type: 'circle', ...tiles, filter: selectedTileFilter(), layout: { visibility: visibility('tiles') }, paint: SELECTED_PAINT });
    map.addLayer({ id: LABELS_LAYER, type: 'symbol', ...tiles, minzoom: LABELS_MINZOOM, filter: filters.stations, layout: { ...labelLayout(), visibility: visibility('tiles') }, paint: labelPaint });
  }

  function ensureOverlay() {
    const source = { source: OVERLAY_SOURCE };
    const points = ['!', ['has', 'point_count']];
    map.addSource(OVERLAY_SOURCE, {
      type: 'geojson',
      data,
      cluster: true,
      clusterRadius: 48,
      clusterMaxZoom: 14,
      clusterProperties: { open_count: ['+', ['case', ['==', ['get', 'open_state'], 'open'], 1, 0]] },
    });
    map.addLayer({ id: OVERLAY_CLUSTERS_LAYER, type: 'circle', ...source, filter: ['has', 'point_count'], layout: { visibility: visibility('overlay') }, paint: clusterPaint(['get', 'point_count']) });
    map.addLayer({ id: OVERLAY_CLUSTER_COUNT_LAYER, type: 'symbol', ...source, filter: ['has', 'point_count'], layout: { ...countLayout(['get', 'point_count_abbreviated']), visibility: visibility('overlay') }, paint: { 'text-color': '#ffffff' } });
    map.addLayer({
      id: OVERLAY_LAYER,
      type: 'circle',
      ...source,
      filter: points,
      layout: { visibility: visibility('overlay') },
      paint: {
        'circle-color': OPEN_COLOR,
        'circle-radius': MARKER_RADIUS,
        'circle-stroke-width': ['case', ['==', ['get', 'crowd_kind'], 'live'], 4, 2.5],
        'circle-stroke-color': CROWD_RING,
      },
    });
    map.addLayer({ id: OVERLAY_SELECTED_LAYER, type: 'circle', ...source, filter: selectedOverlayFilter(), layout: { visibility: visibility('overlay') }, paint: SELECTED_PAINT });
    map.addLayer({ id: OVERLAY_LABELS_LAYER, type: 'symbol', ...source, minzoom: LABELS_MINZOOM, filter: points, layout: { ...labelLayout(), visibility: visibility('overlay') }, paint: labelPaint });
    map.addLayer({
      id: LIVE_LABELS_LAYER,
      type: 'symbol',
      ...source,
      minzoom: 13,
      filter: ['all', points, HAS_LIVE],
      layout: {
        'text-field': liveLabelField(currentLang),
        'text-font': textFont,
        'text-size': ['case', ['==', ['get', 'crowd_kind'], 'live'], 13, 11],
        'text-anchor': 'bottom',
        'text-offset': [0, -1.1],
        'text-allow-overlap': true,
        'text-optional': true,
        visibility: visibility('overlay'),
      },
      paint: {
        'text-color': ['case', ['==', ['get', 'crowd_kind'], 'live'], CROWD_RING, '#6b7280'],
        'text-halo-color': '#ffffff',
        'text-halo-width': ['case', ['==', ['get', 'crowd_kind'], 'live'], 2, 1.2],
      },
    });
  }

  function ensure() {
    if (map.getSource(STATIONS_SOURCE)) return;
    ensureTiles();
    ensureOverlay();
  }

  // -1 never matches: ids are positive integers. Tile stations carry their id as the feature id.
  function selectedTileFilter() {
    return ['all', ['!', ['has', 'cluster']], ['==', ['id'], selectedId ?? -1]];
  }

  function selectedOverlayFilter() {
    return ['all', ['!', ['has', 'point_count']], ['==', ['get', 'id'], selectedId ?? -1]];
  }

  return {
    ensure,
    /** Replaces the overlay's stations with featureCollection (see toFeatureCollection). */
    setData(featureCollection) {
      const prev = data;
      data = featureCollection;
      showData(map, OVERLAY_SOURCE, prev, data, ensure);
    },
    /** 'tiles' (the vector tiles, open now) or 'overlay' (the GeoJSON list set by setData). */
    setMode(next) {
      mode = next === 'overlay' ? 'overlay' : 'tiles';
      ensure();
      for (const id of TILE_LAYERS) map.setLayoutProperty(id, 'visibility', visibility('tiles'));
      for (const id of OVERLAY_LAYERS) map.setLayoutProperty(id, 'visibility', visibility('overlay'));
    },
    /** The "open now" filter on the tiles (the overlay's list is filtered before setData). */
    setOpenNow(on) {
      openNow = Boolean(on);
      ensure();
      const filters = tileFilters(openNow);
      map.setFilter(CLUSTERS_LAYER, filters.clusters);
      map.setFilter(CLUSTER_COUNT_LAYER, filters.clusters);
      map.setLayoutProperty(CLUSTER_COUNT_LAYER, 'text-field', tileCount());
      map.setFilter(STATIONS_LAYER, filters.stations);
      map.setFilter(LABELS_LAYER, filters.stations);
    },
    /** The live values of station id (an API live object) as the feature state of its tile marker. */
    setLive(id, live) {
      ensure();
      map.setFeatureState({ source: STATIONS_SOURCE, sourceLayer: STATIONS_SOURCE_LAYER, id: Number(id) }, markerLive(live));
    },
    setSelected(id) {
      selectedId = id == null ? null : Number(id);
      ensure();
      map.setFilter(SELECTED_LAYER, selectedTileFilter());
      map.setFilter(OVERLAY_SELECTED_LAYER, selectedOverlayFilter());
    },
    setLang(lang) {
      currentLang = lang;
      ensure();
      map.setLayoutProperty(LABELS_LAYER, 'text-field', labelField(lang));
      map.setLayoutProperty(OVERLAY_LABELS_LAYER, 'text-field', labelField(lang));
      map.setLayoutProperty(LIVE_LABELS_LAYER, 'text-field', liveLabelField(lang));
    },
  };
}

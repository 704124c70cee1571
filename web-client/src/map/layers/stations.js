// Station markers: one clustered GeoJSON source and its layers, added once; later changes go
// through setData / setFilter / setLayoutProperty. Colours follow open_state so a courier can
// read the map at a glance: open green, closed grey, unknown amber. Live crowding is a
// data-driven ring (crowd, crowd_kind properties): a solid coloured ring and a bold label ("满")
// when live, no ring and a grey italic-looking "通常…" label when only typical.
import { markerLive } from '../../live/format.js';

export const STATIONS_SOURCE = 'sm-stations';
export const STATIONS_LAYER = 'sm-stations';
export const CLUSTERS_LAYER = 'sm-station-clusters';
export const CLUSTER_COUNT_LAYER = 'sm-station-cluster-count';
export const SELECTED_LAYER = 'sm-station-selected';
export const LABELS_LAYER = 'sm-station-labels';
export const LIVE_LABELS_LAYER = 'sm-station-live';

export const CROWD_COLORS = { empty: '#1f9d55', some_seats: '#d97706', full: '#dc2626' };
const CROWD_WORDS = {
  zh: { empty: '空', some_seats: '有座', full: '满', usually: '通常', seats: '座', charged: '电', faults: '故障' },
  en: { empty: 'empty', some_seats: 'seats', full: 'full', usually: 'usually ', seats: ' seats', charged: ' batt', faults: 'fault' },
};

export const OPEN_COLORS = { open: '#1f9d55', closed: '#8a9099', unknown: '#e3a008' };

const EMPTY = { type: 'FeatureCollection', features: [] };

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

function labelField(lang) {
  return lang === 'en' ? ['coalesce', ['get', 'name_en'], ['get', 'name']] : ['get', 'name'];
}

export function createStationsLayer(map, { textFont = ['sans-serif'], lang = 'zh' } = {}) {
  let data = EMPTY;
  let selectedId = null;
  let currentLang = lang;

  function ensure() {
    if (map.getSource(STATIONS_SOURCE)) return;
    map.addSource(STATIONS_SOURCE, {
      type: 'geojson',
      data,
      cluster: true,
      clusterRadius: 48,
      clusterMaxZoom: 14,
      clusterProperties: { open_count: ['+', ['case', ['==', ['get', 'open_state'], 'open'], 1, 0]] },
    });
    map.addLayer({
      id: CLUSTERS_LAYER,
      type: 'circle',
      source: STATIONS_SOURCE,
      filter: ['has', 'point_count'],
      paint: {
        // Green when at least one station inside is open now, grey otherwise.
        'circle-color': ['case', ['>', ['get', 'open_count'], 0], '#17734a', '#6b7280'],
        'circle-radius': ['step', ['get', 'point_count'], 16, 10, 20, 50, 25, 200, 30],
        'circle-stroke-width': 3,
        'circle-stroke-color': 'rgba(255,255,255,0.9)',
      },
    });
    map.addLayer({
      id: CLUSTER_COUNT_LAYER,
      type: 'symbol',
      source: STATIONS_SOURCE,
      filter: ['has', 'point_count'],
      layout: {
        'text-field': ['get', 'point_count_abbreviated'],
        'text-font': textFont,
        'text-size': 14,
        'text-allow-overlap': true,
        'text-ignore-placement': true,
      },
      paint: { 'text-color': '#ffffff' },
    });
    map.addLayer({
      id: STATIONS_LAYER,
      type: 'circle',
      source: STATIONS_SOURCE,
      filter: ['!', ['has', 'point_count']],
      paint: {
        'circle-color': ['match', ['get', 'open_state'], 'open', OPEN_COLORS.open, 'closed', OPEN_COLORS.closed, OPEN_COLORS.unknown],
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 10, 6, 15, 9, 18, 12],
        'circle-stroke-width': ['case', ['==', ['get', 'crowd_kind'], 'live'], 4, 2.5],
        'circle-stroke-color': CROWD_RING,
      },
    });
    map.addLayer({
      id: SELECTED_LAYER,
      type: 'circle',
      source: STATIONS_SOURCE,
      filter: selectedFilter(),
      paint: {
        'circle-color': 'rgba(0,0,0,0)',
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 10, 11, 15, 15, 18, 18],
        'circle-stroke-width': 3.5,
        'circle-stroke-color': '#111827',
      },
    });
    map.addLayer({
      id: LABELS_LAYER,
      type: 'symbol',
      source: STATIONS_SOURCE,
      minzoom: 14.5,
      filter: ['!', ['has', 'point_count']],
      layout: {
        'text-field': labelField(currentLang),
        'text-font': textFont,
        'text-size': 12,
        'text-anchor': 'top',
        'text-offset': [0, 1.1],
        'text-max-width': 9,
        'text-optional': true,
      },
      paint: { 'text-color': '#1f2937', 'text-halo-color': '#ffffff', 'text-halo-width': 1.6 },
    });
    map.addLayer({
      id: LIVE_LABELS_LAYER,
      type: 'symbol',
      source: STATIONS_SOURCE,
      minzoom: 13,
      filter: ['all', ['!', ['has', 'point_count']], HAS_LIVE],
      layout: {
        'text-field': liveLabelField(currentLang),
        'text-font': textFont,
        'text-size': ['case', ['==', ['get', 'crowd_kind'], 'live'], 13, 11],
        'text-anchor': 'bottom',
        'text-offset': [0, -1.1],
        'text-allow-overlap': true,
        'text-optional': true,
      },
      paint: {
        'text-color': ['case', ['==', ['get', 'crowd_kind'], 'live'], CROWD_RING, '#6b7280'],
        'text-halo-color': '#ffffff',
        'text-halo-width': ['case', ['==', ['get', 'crowd_kind'], 'live'], 2, 1.2],
      },
    });
  }

  function selectedFilter() {
    // -1 never matches: ids are positive integers.
    return ['all', ['!', ['has', 'point_count']], ['==', ['get', 'id'], selectedId ?? -1]];
  }

  return {
    ensure,
    /** Replaces the drawn stations with featureCollection (see toFeatureCollection). */
    setData(featureCollection) {
      data = featureCollection;
      ensure();
      map.getSource(STATIONS_SOURCE).setData(data);
    },
    setSelected(id) {
      selectedId = id == null ? null : Number(id);
      ensure();
      map.setFilter(SELECTED_LAYER, selectedFilter());
    },
    setLang(lang) {
      currentLang = lang;
      ensure();
      map.setLayoutProperty(LABELS_LAYER, 'text-field', labelField(lang));
      map.setLayoutProperty(LIVE_LABELS_LAYER, 'text-field', liveLabelField(lang));
    },
  };
}

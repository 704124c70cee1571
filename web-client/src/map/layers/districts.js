// District outlines from GET /districts?format=geojson, with their names, and the focused one
// (picked in the district table) drawn thicker over a light fill.

import { EMPTY, showData } from './geojson.js';

export const DISTRICTS_SOURCE = 'sm-districts';
export const DISTRICTS_FILL = 'sm-districts-fill';
export const DISTRICTS_LINE = 'sm-districts-line';
export const DISTRICTS_FOCUS = 'sm-districts-focus';
export const DISTRICTS_LABELS = 'sm-districts-label';
const LAYERS = [DISTRICTS_FILL, DISTRICTS_LINE, DISTRICTS_FOCUS, DISTRICTS_LABELS];

function nameField(lang) {
  return lang === 'en' ? ['coalesce', ['get', 'name_en'], ['get', 'name']] : ['get', 'name'];
}

/** [[w, s], [e, n]] of any GeoJSON geometry (walks nested coordinate arrays), or null. */
export function geometryBounds(geometry) {
  let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
  const walk = (c) => {
    if (!Array.isArray(c)) return;
    if (typeof c[0] === 'number') {
      if (c[0] < w) w = c[0];
      if (c[0] > e) e = c[0];
      if (c[1] < s) s = c[1];
      if (c[1] > n) n = c[1];
      return;
    }
    for (const child of c) walk(child);
  };
  if (geometry?.type === 'GeometryCollection') for (const g of geometry.geometries ?? []) walk(g.coordinates);
  else walk(geometry?.coordinates);
  return Number.isFinite(w) ? [[w, s], [e, n]] : null;
}

/** The district feature with id in a FeatureCollection (id in properties or on the feature). */
export function findDistrict(collection, id) {
  return (collection?.features ?? []).find((f) => Number(f.properties?.id ?? f.id) === Number(id)) ?? null;
}

export function createDistrictsLayer(map, { textFont = ['sans-serif'], lang = 'zh', beforeId } = {}) {
  let data = EMPTY;
  let focused = null;
  let visible = false;

  const focusFilter = () => ['==', ['to-number', ['get', 'id']], focused ?? -1];

  function ensure() {
    if (map.getSource(DISTRICTS_SOURCE)) return;
    map.addSource(DISTRICTS_SOURCE, { type: 'geojson', data });
    const before = beforeId && map.getLayer(beforeId) ? beforeId : undefined;
    const visibility = visible ? 'visible' : 'none';
    map.addLayer({
      id: DISTRICTS_FILL, type: 'fill', source: DISTRICTS_SOURCE, layout: { visibility },
      paint: { 'fill-color': '#1e3a8a', 'fill-opacity': ['case', ['==', ['to-number', ['get', 'id']], focused ?? -1], 0.08, 0] },
    }, before);
    map.addLayer({
      id: DISTRICTS_LINE, type: 'line', source: DISTRICTS_SOURCE, layout: { visibility, 'line-join': 'round' },
      paint: { 'line-color': '#334155', 'line-width': ['interpolate', ['linear'], ['zoom'], 9, 1, 14, 2], 'line-dasharray': [3, 1.5], 'line-opacity': 0.85 },
    }, before);
    map.addLayer({
      id: DISTRICTS_FOCUS, type: 'line', source: DISTRICTS_SOURCE, filter: focusFilter(), layout: { visibility, 'line-join': 'round' },
      paint: { 'line-color': '#1e3a8a', 'line-width': 3.5 },
    }, before);
    map.addLayer({
      id: DISTRICTS_LABELS, type: 'symbol', source: DISTRICTS_SOURCE, layout: {
        visibility, 'text-field': nameField(lang), 'text-font': textFont, 'text-size': 13, 'text-max-width': 8, 'text-optional': true,
      },
      paint: { 'text-color': '#1e293b', 'text-halo-color': 'rgba(255,255,255,0.9)', 'text-halo-width': 1.5 },
    });
  }

  return {
    ensure,
    setData(collection) {
      const prev = data;
      data = collection ?? EMPTY;
      showData(map, DISTRICTS_SOURCE, prev, data, ensure);
    },
    setFocused(id) {
      focused = id == null ? null : Number(id);
      ensure();
      map.setFilter(DISTRICTS_FOCUS, focusFilter());
      map.setPaintProperty(DISTRICTS_FILL, 'fill-opacity', ['case', ['==', ['to-number', ['get', 'id']], focused ?? -1], 0.08, 0]);
    },
    setLang(lang) {
      ensure();
      map.setLayoutProperty(DISTRICTS_LABELS, 'text-field', nameField(lang));
    },
    setVisible(show) {
      visible = Boolean(show);
      ensure();
      for (const id of LAYERS) map.setLayoutProperty(id, 'visibility', visible ? 'visible' : 'none');
    },
  };
}

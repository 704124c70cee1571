// A station's service circle: the 5/10/15-minute bands where a worker can reach it from, drawn
// under the station markers, inner bands darker. One GeoJSON source, one fill and one line layer.

import { EMPTY, showData } from './geojson.js';

export const SERVICE_AREA_SOURCE = 'sm-service-area';
export const SERVICE_AREA_FILL = 'sm-service-area-fill';
export const SERVICE_AREA_LINE = 'sm-service-area-line';

/** Fill colour by band minutes; a mode changes the hue (walk green, e-bike blue). */
export function bandPaint(mode) {
  const [inner, middle, outer] = mode === 'walk' ? ['#1b7f3b', '#46a35e', '#8fcf9c'] : ['#1d4ed8', '#4f7ee8', '#9db8f3'];
  return {
    fill: ['match', ['get', 'minutes'], 5, inner, 10, middle, outer],
    line: inner,
  };
}

/** Adds its source and layers on first use (below beforeId, when that layer exists), then only sets data. */
export function createServiceAreaLayer(map, { beforeId } = {}) {
  let data = EMPTY;
  let mode = 'ebike';

  function ensure() {
    if (map.getSource(SERVICE_AREA_SOURCE)) return;
    map.addSource(SERVICE_AREA_SOURCE, { type: 'geojson', data });
    const before = beforeId && map.getLayer(beforeId) ? beforeId : undefined;
    const paint = bandPaint(mode);
    // Outer bands first so inner ones paint on top.
    map.addLayer({
      id: SERVICE_AREA_FILL,
      type: 'fill',
      source: SERVICE_AREA_SOURCE,
      layout: { 'fill-sort-key': ['-', 0, ['get', 'minutes']] },
      paint: { 'fill-color': paint.fill, 'fill-opacity': 0.28 },
    }, before);
    map.addLayer({
      id: SERVICE_AREA_LINE,
      type: 'line',
      source: SERVICE_AREA_SOURCE,
      paint: { 'line-color': paint.line, 'line-width': ['match', ['get', 'minutes'], 15, 2, 1], 'line-opacity': 0.8 },
    }, before);
  }

  return {
    ensure,
    /** Draws a service-area FeatureCollection (or clears with null) in the colours of mode. */
    setData(collection, nextMode = 'ebike') {
      const prev = data;
      data = collection ?? EMPTY;
      mode = nextMode;
      showData(map, SERVICE_AREA_SOURCE, prev, data, ensure);
      const paint = bandPaint(mode);
      map.setPaintProperty(SERVICE_AREA_FILL, 'fill-color', paint.fill);
      map.setPaintProperty(SERVICE_AREA_LINE, 'line-color', paint.line);
    },
  };
}

/** [[w, s], [e, n]] of a FeatureCollection's polygons, or null when empty. */
export function collectionBounds(collection) {
  let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
  for (const f of collection?.features ?? []) {
    for (const polygon of f.geometry?.coordinates ?? []) {
      for (const [x, y] of polygon[0] ?? []) {
        if (x < w) w = x;
        if (x > e) e = x;
        if (y < s) s = y;
        if (y > n) n = y;
      }
    }
  }
  return Number.isFinite(w) ? [[w, s], [e, n]] : null;
}

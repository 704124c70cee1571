// A station's service circle: the 5/10/15-minute bands where a worker can reach it from, drawn
// under the station markers, inner bands darker. One GeoJSON source, one fill and one line layer.

export const SERVICE_AREA_SOURCE = 'service-area';
export const SERVICE_AREA_FILL = 'service-area-fill';
export const SERVICE_AREA_LINE = 'service-area-line';

/** Fill colour by band minutes; a mode changes the hue (walk green, e-bike blue). */
export function bandPaint(mode) {
  const [inner, middle, outer] = mode === 'walk' ? ['#1b7f3b', '#46a35e', '#8fcf9c'] : ['#1d4ed8', '#4f7ee8', '#9db8f3'];
  return {
    fill: ['match', ['get', 'minutes'], 5, inner, 10, middle, outer],
    line: inner,
  };
}

const EMPTY = { type: 'FeatureCollection', features: [] };

/** Adds the layers below beforeId (the station markers) and returns a small controller. */
export function createServiceAreaLayer(map, { beforeId } = {}) {
  map.addSource(SERVICE_AREA_SOURCE, { type: 'geojson', data: EMPTY });
  const before = beforeId && map.getLayer(beforeId) ? beforeId : undefined;
  // Outer bands first so inner ones paint on top.
  map.addLayer({
    id: SERVICE_AREA_FILL,
    type: 'fill',
    source: SERVICE_AREA_SOURCE,
    layout: { 'fill-sort-key': ['-', 0, ['get', 'minutes']] },
    paint: { 'fill-color': bandPaint('ebike').fill, 'fill-opacity': 0.28 },
  }, before);
  map.addLayer({
    id: SERVICE_AREA_LINE,
    type: 'line',
    source: SERVICE_AREA_SOURCE,
    paint: { 'line-color': bandPaint('ebike').line, 'line-width': ['match', ['get', 'minutes'], 15, 2, 1], 'line-opacity': 0.8 },
  }, before);
  return {
    /** Draws a service-area FeatureCollection (or clears with null). */
    setData(collection, mode = 'ebike') {
      const paint = bandPaint(mode);
      map.setPaintProperty(SERVICE_AREA_FILL, 'fill-color', paint.fill);
      map.setPaintProperty(SERVICE_AREA_LINE, 'line-color', paint.line);
      map.getSource(SERVICE_AREA_SOURCE)?.setData(collection ?? EMPTY);
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

// Demand on the map: every point of the demand layer (small, sized by weight; coloured by a
// covered property when the API sends one) and the worst-served points from the coverage answer,
// highlighted: red when not covered within the threshold, orange when covered but slow.

import { EMPTY, showData } from './geojson.js';

export const DEMAND_SOURCE = 'sm-demand-points';
export const DEMAND_LAYER = 'sm-demand-points';
export const WORST_SOURCE = 'sm-worst-points';
export const WORST_LAYER = 'sm-worst-points';

/** The coverage answer's worst list → point features with covered = minutes within threshold. */
export function worstFeatures(worst, minutes) {
  const features = [];
  for (const p of worst ?? []) {
    if (!Number.isFinite(p?.lon) || !Number.isFinite(p?.lat)) continue;
    const reachable = Number.isFinite(p.minutes);
    features.push({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [p.lon, p.lat] },
      properties: { id: p.id ?? null, label: p.label ?? '', weight: p.weight ?? 1, minutes: reachable ? p.minutes : -1, covered: reachable && p.minutes <= minutes },
    });
  }
  return { type: 'FeatureCollection', features };
}

export function createDemandLayers(map, { beforeId } = {}) {
  let points = EMPTY;
  let worst = EMPTY;
  let visible = false;

  function ensure() {
    if (map.getSource(DEMAND_SOURCE)) return;
    const before = beforeId && map.getLayer(beforeId) ? beforeId : undefined;
    const visibility = visible ? 'visible' : 'none';
    map.addSource(DEMAND_SOURCE, { type: 'geojson', data: points });
    map.addSource(WORST_SOURCE, { type: 'geojson', data: worst });
    map.addLayer({
      id: DEMAND_LAYER, type: 'circle', source: DEMAND_SOURCE, layout: { visibility },
      paint: {
        'circle-color': ['case', ['==', ['get', 'covered'], false], '#b91c1c', ['==', ['get', 'covered'], true], '#0f766e', '#475569'],
        'circle-opacity': 0.4,
        // Radius grows with the square root of the weight (area ∝ weight), capped.
        'circle-radius': ['interpolate', ['linear'], ['zoom'],
          10, ['min', 5, ['+', 1, ['*', 0.5, ['sqrt', ['max', 0, ['to-number', ['get', 'weight'], 1]]]]]],
          15, ['min', 10, ['+', 2, ['*', 1, ['sqrt', ['max', 0, ['to-number', ['get', 'weight'], 1]]]]]]],
      },
    }, before);
    map.addLayer({
      id: WORST_LAYER, type: 'circle', source: WORST_SOURCE, layout: { visibility },
      paint: {
        'circle-color': ['case', ['get', 'covered'], '#f97316', '#dc2626'],
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 10, 4, 15, 8],
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': 2,
      },
    }, before);
  }

  return {
    ensure,
    setPoints(collection) {
      const prev = points;
      points = collection ?? EMPTY;
      showData(map, DEMAND_SOURCE, prev, points, ensure);
    },
    setWorst(collection) {
      const prev = worst;
      worst = collection ?? EMPTY;
      showData(map, WORST_SOURCE, prev, worst, ensure);
    },
    setVisible(show) {
      visible = Boolean(show);
      ensure();
      for (const id of [DEMAND_LAYER, WORST_LAYER]) map.setLayoutProperty(id, 'visibility', visible ? 'visible' : 'none');
    },
  };
}

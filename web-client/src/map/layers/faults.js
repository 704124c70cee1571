// Open faults (GET /tickets?bbox=&format=geojson) as red warning dots for the planner: where
// stations have a confirmed, acknowledged or fixed-but-unverified fault. Drawn above the station
// markers, shown only in the planner view with its checkbox on.

import { EMPTY, showData } from './geojson.js';

export const FAULTS_SOURCE = 'sm-faults';
export const FAULTS_LAYER = 'sm-faults';
export const FAULTS_LABEL_LAYER = 'sm-faults-label';

/** Only point features with coordinates (a ticket's station position). */
export function faultFeatures(collection) {
  const features = (collection?.features ?? []).filter((f) => f?.geometry?.type === 'Point' && f.geometry.coordinates?.every?.(Number.isFinite));
  return { type: 'FeatureCollection', features };
}

export function createFaultsLayer(map, { textFont = ['sans-serif'] } = {}) {
  let data = EMPTY;
  let visible = false;

  function ensure() {
    if (map.getSource(FAULTS_SOURCE)) return;
    const visibility = visible ? 'visible' : 'none';
    map.addSource(FAULTS_SOURCE, { type: 'geojson', data });
    map.addLayer({
      id: FAULTS_LAYER, type: 'circle', source: FAULTS_SOURCE, layout: { visibility },
      paint: {
        'circle-color': ['match', ['get', 'state'], 'fixed', '#f59e0b', '#dc2626'],
        'circle-radius': 8,
        'circle-translate': [9, -9],
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': 2,
      },
    });
    map.addLayer({
      id: FAULTS_LABEL_LAYER, type: 'symbol', source: FAULTS_SOURCE, layout: {
        visibility, 'text-field': '!', 'text-font': textFont, 'text-size': 12, 'text-offset': [0.75, -0.75],
        'text-allow-overlap': true, 'text-ignore-placement': true,
      },
      paint: { 'text-color': '#ffffff' },
    });
  }

  return {
    ensure,
    setData(collection) {
      const prev = data;
      data = faultFeatures(collection);
      showData(map, FAULTS_SOURCE, prev, data, ensure);
    },
    setVisible(on) {
      visible = on;
      ensure();
      for (const id of [FAULTS_LAYER, FAULTS_LABEL_LAYER]) map.setLayoutProperty(id, 'visibility', on ? 'visible' : 'none');
    },
  };
}

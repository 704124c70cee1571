// "My position": the courier's located or hand-set point, drawn as a blue dot with a halo.

import { EMPTY, showData } from './geojson.js';

export const MY_POSITION_SOURCE = 'sm-my-position';
export const MY_POSITION_HALO = 'sm-my-position-halo';
export const MY_POSITION_DOT = 'sm-my-position';

export function positionFeature(position) {
  if (!position) return EMPTY;
  return {
    type: 'FeatureCollection',
    features: [{ type: 'Feature', geometry: { type: 'Point', coordinates: [position.lon, position.lat] }, properties: { source: position.source } }],
  };
}

export function createMyPositionLayer(map) {
  let data = EMPTY;
  let shown = null;

  function ensure() {
    if (map.getSource(MY_POSITION_SOURCE)) return;
    map.addSource(MY_POSITION_SOURCE, { type: 'geojson', data });
    map.addLayer({
      id: MY_POSITION_HALO,
      type: 'circle',
      source: MY_POSITION_SOURCE,
      paint: { 'circle-color': '#2563eb', 'circle-opacity': 0.16, 'circle-radius': 20 },
    });
    map.addLayer({
      id: MY_POSITION_DOT,
      type: 'circle',
      source: MY_POSITION_SOURCE,
      paint: {
        // A position set by hand is drawn hollow-ish so it reads as "chosen", not "measured".
        'circle-color': ['match', ['get', 'source'], 'manual', '#ffffff', '#2563eb'],
        'circle-radius': 8,
        'circle-stroke-width': ['match', ['get', 'source'], 'manual', 4, 3],
        'circle-stroke-color': ['match', ['get', 'source'], 'manual', '#2563eb', '#ffffff'],
      },
    });
  }

  return {
    ensure,
    setPosition(position) {
      // The same point handed over again (a new fix where I stand) draws nothing new.
      const same = position === shown || (position && shown && position.lon === shown.lon && position.lat === shown.lat && position.source === shown.source);
      if (same && map.getSource(MY_POSITION_SOURCE)) return;
      shown = position;
      const prev = data;
      data = positionFeature(position);
      showData(map, MY_POSITION_SOURCE, prev, data, ensure);
    },
  };
}

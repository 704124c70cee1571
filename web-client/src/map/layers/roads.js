// The project's own roads from the API's vector tiles (source-layer roads), drawn by the offline
// basemap style: part of the style itself, so they sit under every other layer and come back with
// the style after a swap.

export const ROADS_SOURCE = 'sm-roads';
export const ROAD_CASING_LAYER = 'sm-road-casing';
export const ROAD_LAYER = 'sm-road';
/** The layer name inside the API's road tiles. */
export const ROADS_SOURCE_LAYER = 'roads';

/** The vector source for the API's road tiles: tiles is the {z}/{x}/{y} template. */
export function roadsSource({ tiles, attribution }) {
  return { type: 'vector', tiles: [tiles], minzoom: 8, maxzoom: 16, attribution: attribution || undefined };
}

const MAJOR = ['motorway', 'motorway_link', 'trunk', 'trunk_link', 'primary', 'primary_link'];
const MIDDLE = ['secondary', 'secondary_link', 'tertiary', 'tertiary_link'];
const PATHS = ['footway', 'pedestrian', 'path', 'steps', 'cycleway', 'track'];

/** Road lines from the API's vector tiles (source-layer roads), wider and warmer for bigger roads. */
export function roadLayers() {
  const byClass = (major, middle, minor, path) => ['case',
    ['in', ['get', 'class'], ['literal', MAJOR]], major,
    ['in', ['get', 'class'], ['literal', MIDDLE]], middle,
    ['in', ['get', 'class'], ['literal', PATHS]], path,
    minor];
  // Zoom must be the outermost interpolation; the class picks the width at each stop.
  const width = (major, middle, minor, path) => ['interpolate', ['exponential', 1.6], ['zoom'],
    10, byClass(major * 0.4, middle * 0.4, minor * 0.4, path * 0.4),
    14, byClass(major * 1.6, middle * 1.6, minor * 1.6, path * 1.6),
    17, byClass(major * 5, middle * 5, minor * 5, path * 5)];
  return [
    {
      id: ROAD_CASING_LAYER, type: 'line', source: ROADS_SOURCE, 'source-layer': ROADS_SOURCE_LAYER,
      filter: ['in', ['get', 'class'], ['literal', [...MAJOR, ...MIDDLE]]],
      layout: { 'line-join': 'round', 'line-cap': 'round' },
      paint: { 'line-color': '#c9c3b5', 'line-width': width(4.2, 3.2, 2, 1) },
    },
    {
      id: ROAD_LAYER, type: 'line', source: ROADS_SOURCE, 'source-layer': ROADS_SOURCE_LAYER,
      layout: { 'line-join': 'round', 'line-cap': 'round' },
      paint: {
        'line-color': byClass('#f6c86a', '#fff3cf', '#ffffff', '#d8e3d0'),
        'line-width': width(3, 2.2, 1.4, 0.8),
        'line-dasharray': ['case', ['in', ['get', 'class'], ['literal', PATHS]], ['literal', [2, 1]], ['literal', [1, 0]]],
      },
    },
  ];
}

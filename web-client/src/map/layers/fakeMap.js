// A stand-in for a MapLibre map in unit tests: it keeps sources and layers in plain arrays in the
// order they were added (honouring beforeId) and records the calls the layer modules make, so a
// test can check what is drawn and validate the layers against the style spec.
import { validateStyleMin } from '@maplibre/maplibre-gl-style-spec';

export function fakeMap({ style = { version: 8, sources: {}, layers: [] } } = {}) {
  const sources = new Map();
  const layers = [];
  const find = (id) => layers.find((l) => l.id === id);
  const canvas = { style: {} };
  return {
    layers,
    canvas,
    getStyle: () => style,
    getCanvas: () => canvas,
    getSource: (id) => sources.get(id),
    getLayer: (id) => find(id),
    addSource(id, spec) {
      if (sources.has(id)) throw new Error(`source ${id} added twice`);
      sources.set(id, { spec, data: spec.data, tiles: spec.tiles, setData(d) { this.data = d; }, setTiles(t) { this.tiles = t; } });
    },
    addLayer(layer, before) {
      if (find(layer.id)) throw new Error(`layer ${layer.id} added twice`);
      if (before && !find(before)) throw new Error(`beforeId ${before} does not exist`);
      layer.before = before;
      const at = before ? layers.indexOf(find(before)) : layers.length;
      layers.splice(at, 0, layer);
    },
    setFilter: (id, filter) => { find(id).filter = filter; },
    setPaintProperty: (id, name, value) => { (find(id).paint ??= {})[name] = value; },
    setLayoutProperty: (id, name, value) => { (find(id).layout ??= {})[name] = value; },
  };
}

/** Checks the fake map's layers against the MapLibre style spec (the way the real map would reject them). */
export function validLayers(map) {
  const sources = {};
  for (const l of map.layers) {
    if (!sources[l.source]) sources[l.source] = l['source-layer'] ? { type: 'vector', tiles: ['http://x/{z}/{x}/{y}.mvt'] } : { type: 'geojson', data: { type: 'FeatureCollection', features: [] } };
  }
  const clean = map.layers.map(({ before, ...l }) => l);
  return validateStyleMin({ version: 8, glyphs: 'http://x/{fontstack}/{range}.pbf', sources, layers: clean });
}

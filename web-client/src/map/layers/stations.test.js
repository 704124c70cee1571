import { describe, expect, it } from 'vitest';
import {
  CLUSTERS_LAYER, LABELS_LAYER, LABELS_MINZOOM, OVERLAY_LABELS_LAYER, OVERLAY_LAYER, OVERLAY_SELECTED_LAYER, OVERLAY_SOURCE, SELECTED_LAYER, STATIONS_LAYER, STATIONS_SOURCE,
  createStationsLayer, toFeatureCollection,
} from './stations.js';
import { fakeMap as specMap, validLayers } from './fakeMap.js';

describe('toFeatureCollection', () => {
  it('flattens open_state and keeps lon, lat order from GeoJSON features', () => {
    const fc = toFeatureCollection([
      { type: 'Feature', id: 3, geometry: { type: 'Point', coordinates: [120.1, 30.2] }, properties: { id: 3, name: '甲', name_en: 'A', open_state: { state: 'open', next_change: null }, amenities: { toilet: 'yes' } } },
    ]);
    expect(fc.features).toEqual([
      { type: 'Feature', id: 3, geometry: { type: 'Point', coordinates: [120.1, 30.2] }, properties: { id: 3, name: '甲', name_en: 'A', open_state: 'open', crowd: '', crowd_kind: 'none', seats: -1, charged: -1, faults: 0 } },
    ]);
  });

  it('flattens live crowding into crowd and crowd_kind: live over typical, typical when nothing is fresh', () => {
    const at = '2026-12-01T05:00:00Z';
    const [live, typical, none] = toFeatureCollection([
      { id: 1, lon: 120, lat: 30, live: { crowding: { value: 'full', confidence: 0.6, as_of: at, source: 'crowd' }, typical: null, faults: [{ id: 9 }] } },
      { id: 2, lon: 120, lat: 30, live: { crowding: null, typical: { crowding: 'some_seats', score: 1.1, samples: 8, weekday: 'Tu', hour: 13 }, faults: [] } },
      { id: 3, lon: 120, lat: 30, live: { crowding: null, typical: null, faults: [] } },
    ]).features.map((f) => f.properties);
    expect([live.crowd, live.crowd_kind, live.faults]).toEqual(['full', 'live', 1]);
    expect([typical.crowd, typical.crowd_kind]).toEqual(['some_seats', 'typical']);
    expect([none.crowd, none.crowd_kind]).toEqual(['', 'none']);
  });

  it('accepts JSON items with lon/lat', () => {
    const fc = toFeatureCollection([{ id: 4, name: '乙', lon: 120.2, lat: 30.3, open_state: { state: 'closed' } }]);
    expect(fc.features[0].geometry.coordinates).toEqual([120.2, 30.3]);
    expect(fc.features[0].properties.open_state).toBe('closed');
  });

  it('marks a missing or odd open_state as unknown and skips stations with no coordinates', () => {
    const fc = toFeatureCollection([{ id: 5, name: 'x', lon: 120, lat: 30 }, { id: 6, name: 'y' }]);
    expect(fc.features).toHaveLength(1);
    expect(fc.features[0].properties.open_state).toBe('unknown');
  });
});

function fakeMap() {
  const sources = new Map();
  const layers = [];
  return {
    layers,
    getSource: (id) => sources.get(id),
    addSource: (id, spec) => sources.set(id, { spec, data: spec.data, setData(d) { this.data = d; } }),
    addLayer: (layer) => layers.push(layer),
    setFilter: (id, filter) => { layers.find((l) => l.id === id).filter = filter; },
    setLayoutProperty: (id, name, value) => { layers.find((l) => l.id === id).layout[name] = value; },
    states: [],
    setFeatureState(target, state) { this.states.push([target, state]); },
  };
}

describe('createStationsLayer', () => {
  it('adds its clustered source and layers once, then only sets data', () => {
    const map = fakeMap();
    const layer = createStationsLayer(map);
    layer.setData({ type: 'FeatureCollection', features: [] });
    const count = map.layers.length;
    layer.setData({ type: 'FeatureCollection', features: [{ id: 1 }] });
    layer.ensure();
    expect(map.layers.length).toBe(count);
    expect(map.getSource(OVERLAY_SOURCE).spec.cluster).toBe(true);
    expect(map.getSource(OVERLAY_SOURCE).data.features).toHaveLength(1);
    const overlay = map.layers.find((l) => l.id === OVERLAY_LAYER);
    expect(overlay.type).toBe('circle');
    expect(JSON.stringify(overlay.paint['circle-color'])).toContain('open_state');
  });

  it('draws the vector tiles: clusters by the cluster flag, stations without it, the ring from feature state', () => {
    const map = fakeMap();
    createStationsLayer(map, { origin: 'https://a.example' }).ensure();
    expect(map.getSource(STATIONS_SOURCE).spec).toEqual({ type: 'vector', tiles: ['https://a.example/api/v1/tiles/stations/{z}/{x}/{y}.mvt'], maxzoom: 16 });
    const clusters = map.layers.find((l) => l.id === CLUSTERS_LAYER);
    const stations = map.layers.find((l) => l.id === STATIONS_LAYER);
    expect([clusters['source-layer'], stations['source-layer']]).toEqual(['stations', 'stations']);
    expect(clusters.filter).toEqual(['==', ['get', 'cluster'], true]);
    expect(stations.filter).toEqual(['!', ['has', 'cluster']]);
    expect(JSON.stringify(stations.paint['circle-stroke-color'])).toContain('feature-state');
    expect(stations.layout.visibility).toBe('visible');
    expect(map.layers.find((l) => l.id === OVERLAY_LAYER).layout.visibility).toBe('none');
    const valid = specMap();
    createStationsLayer(valid).ensure();
    expect(validLayers(valid)).toEqual([]);
  });

  it('switches between the tiles and the overlay, and filters the tiles to open stations', () => {
    const map = fakeMap();
    const layer = createStationsLayer(map);
    layer.setMode('overlay');
    expect(map.layers.find((l) => l.id === STATIONS_LAYER).layout.visibility).toBe('none');
    expect(map.layers.find((l) => l.id === OVERLAY_LAYER).layout.visibility).toBe('visible');
    layer.setMode('tiles');
    expect(map.layers.find((l) => l.id === OVERLAY_LAYER).layout.visibility).toBe('none');
    layer.setOpenNow(true);
    expect(JSON.stringify(map.layers.find((l) => l.id === STATIONS_LAYER).filter)).toContain('"open"');
    expect(JSON.stringify(map.layers.find((l) => l.id === CLUSTERS_LAYER).filter)).toContain('open_count');
  });

  it('puts live values into the feature state of the tile marker', () => {
    const map = fakeMap();
    const layer = createStationsLayer(map);
    layer.setLive('7', { seq: 3, crowding: { value: 'full' }, faults: [] });
    expect(map.states).toEqual([[{ source: STATIONS_SOURCE, sourceLayer: 'stations', id: 7 }, { crowd: 'full', crowd_kind: 'live', seats: -1, charged: -1, faults: 0 }]]);
  });

  it('starts the name labels at a whole zoom, so tiles of the zoom below never lay them out', () => {
    const map = fakeMap();
    createStationsLayer(map).ensure();
    const labels = map.layers.filter((l) => l.type === 'symbol' && JSON.stringify(l.layout['text-field']).includes('name'));
    expect(labels.map((l) => l.id)).toEqual([LABELS_LAYER, OVERLAY_LABELS_LAYER]);
    // MapLibre lays out a symbol layer in every tile of zoom floor(minzoom) and above.
    for (const layer of labels) expect(layer.minzoom).toBe(LABELS_MINZOOM);
    expect(Number.isInteger(LABELS_MINZOOM)).toBe(true);
  });

  it('switches label language and the selection ring', () => {
    const map = fakeMap();
    const layer = createStationsLayer(map);
    layer.setLang('en');
    expect(JSON.stringify(map.layers.find((l) => l.id === LABELS_LAYER).layout['text-field'])).toContain('name_en');
    layer.setSelected(42);
    expect(map.layers.find((l) => l.id === SELECTED_LAYER).filter).toEqual(['all', ['!', ['has', 'cluster']], ['==', ['id'], 42]]);
    expect(JSON.stringify(map.layers.find((l) => l.id === OVERLAY_SELECTED_LAYER).filter)).toContain('42');
  });
});

describe('the live label on markers', () => {
  it('reads crowding, seats, batteries and faults, and marks a typical value as usual', async () => {
    const { expression } = await import('@maplibre/maplibre-gl-style-spec');
    const { HAS_LIVE, liveLabelField } = await import('./stations.js');
    const evaluate = (expr, properties, type = 'string') => {
      const compiled = expression.createExpression(expr, { type, 'property-type': 'data-driven', expression: { interpolated: false, parameters: ['zoom', 'feature'] } });
      expect(compiled.result, JSON.stringify(compiled.value)).toBe('success');
      return compiled.value.evaluate({ zoom: 15 }, { type: 'Point', properties });
    };
    const live = { crowd: 'full', crowd_kind: 'live', seats: 0, charged: 5, faults: 1 };
    expect(evaluate(liveLabelField('zh'), live)).toBe('满 0座 电5 故障');
    expect(evaluate(liveLabelField('en'), live)).toBe('full 0 seats 5 batt fault');
    expect(evaluate(liveLabelField('zh'), { crowd: 'some_seats', crowd_kind: 'typical', seats: -1, charged: -1, faults: 0 })).toBe('通常有座');
    expect(evaluate(HAS_LIVE, { crowd: '', crowd_kind: 'none', seats: -1, charged: -1, faults: 0 }, 'boolean')).toBe(false);
    expect(evaluate(HAS_LIVE, { crowd: '', crowd_kind: 'none', seats: 2, charged: -1, faults: 0 }, 'boolean')).toBe(true);
  });
});

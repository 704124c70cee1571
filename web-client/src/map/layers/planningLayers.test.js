import { describe, expect, it } from 'vitest';
import { createDemandLayers, worstFeatures } from './demand.js';
import { DISTRICTS_FOCUS, DISTRICTS_LABELS, createDistrictsLayer, findDistrict, geometryBounds } from './districts.js';
import { GAPS_LAYER, GAPS_SOURCE, UNREACHABLE_COLOR, createGapsLayer, gapClasses, gapColorExpression } from './gaps.js';
import { fakeMap, validLayers } from './fakeMap.js';
import { SUGGESTIONS_LAYER, SUGGESTIONS_SOURCE, createSuggestionsLayer, siteFeatures } from './suggestions.js';

describe('gap surface', () => {
  it('classes break at N/3, 2N/3, N, 1.5N and 2N; the first three are covered', () => {
    expect(gapClasses(15).map((c) => [c.from, c.to, c.covered])).toEqual([
      [0, 5, true], [5, 10, true], [10, 15, true], [15, 22.5, false], [22.5, 30, false], [30, null, false],
    ]);
  });

  it('colours unreachable (−1) apart and keeps exactly N minutes covered', () => {
    const expr = gapColorExpression(15);
    expect(expr[0]).toBe('case');
    expect(expr[2]).toBe(UNREACHABLE_COLOR);
    const step = expr[3];
    expect(step[0]).toBe('step');
    const thresholds = step.filter((_, i) => i >= 3 && i % 2 === 1);
    expect(thresholds[2]).toBeGreaterThan(15);
    expect(thresholds[2]).toBeLessThan(15.001);
  });

  it('adds its tile source once and swaps the tile URL and ramp on new parameters', () => {
    const map = fakeMap();
    const layer = createGapsLayer(map, { tiles: 'http://h/api/v1/coverage/gaps/tiles/{z}/{x}/{y}.mvt?mode=ebike&minutes=15', minutes: 15 });
    layer.ensure();
    layer.setParams({ tiles: 'http://h/api/v1/coverage/gaps/tiles/{z}/{x}/{y}.mvt?mode=walk&minutes=10', minutes: 10 });
    layer.setVisible(true);
    expect(map.layers.filter((l) => l.id === GAPS_LAYER)).toHaveLength(1);
    expect(map.getSource(GAPS_SOURCE).tiles).toEqual(['http://h/api/v1/coverage/gaps/tiles/{z}/{x}/{y}.mvt?mode=walk&minutes=10']);
    const fill = map.getLayer(GAPS_LAYER);
    expect(fill['source-layer']).toBe('gaps');
    expect(fill.layout.visibility).toBe('visible');
    expect(JSON.stringify(fill.paint['fill-color'])).toContain('20'); // 2N for N = 10
    expect(validLayers(map)).toEqual([]);
  });
});

describe('districts, demand and suggestion layers', () => {
  it('district layers are valid, hidden until shown, and focus one district', () => {
    const map = fakeMap();
    const layer = createDistrictsLayer(map);
    layer.setData({ type: 'FeatureCollection', features: [] });
    expect(map.layers.every((l) => l.layout.visibility === 'none')).toBe(true);
    layer.setVisible(true);
    layer.setFocused(7);
    expect(JSON.stringify(map.getLayer(DISTRICTS_FOCUS).filter)).toContain('7');
    layer.setLang('en');
    expect(JSON.stringify(map.getLayer(DISTRICTS_LABELS).layout['text-field'])).toContain('name_en');
    expect(validLayers(map)).toEqual([]);
  });

  it('bounds of polygons and multipolygons, and a district found by id', () => {
    expect(geometryBounds({ type: 'Polygon', coordinates: [[[120, 30], [120.2, 30], [120.2, 30.1], [120, 30]]] })).toEqual([[120, 30], [120.2, 30.1]]);
    expect(geometryBounds({ type: 'MultiPolygon', coordinates: [[[[120, 30], [121, 30], [120, 31], [120, 30]]], [[[119, 29], [119.5, 29], [119, 29.5], [119, 29]]]] })).toEqual([[119, 29], [121, 31]]);
    expect(geometryBounds(null)).toBeNull();
    const fc = { type: 'FeatureCollection', features: [{ type: 'Feature', properties: { id: 3 } }, { type: 'Feature', id: 4, properties: {} }] };
    expect(findDistrict(fc, 3).properties.id).toBe(3);
    expect(findDistrict(fc, '4').id).toBe(4);
    expect(findDistrict(fc, 5)).toBeNull();
  });

  it('worst points: unreachable and slower than N are not covered', () => {
    const fc = worstFeatures([
      { id: 1, lon: 120.1, lat: 30.2, weight: 5, minutes: null },
      { id: 2, lon: 120.2, lat: 30.3, weight: 2, minutes: 22.5 },
      { id: 3, lon: 120.3, lat: 30.3, weight: 2, minutes: 14 },
      { id: 4, weight: 2, minutes: 3 },
    ], 15);
    expect(fc.features.map((f) => [f.properties.id, f.properties.covered, f.properties.minutes])).toEqual([[1, false, -1], [2, false, 22.5], [3, true, 14]]);
  });

  it('demand and suggestion layers are valid style layers', () => {
    const map = fakeMap();
    const demand = createDemandLayers(map);
    demand.setPoints({ type: 'FeatureCollection', features: [] });
    demand.setVisible(true);
    const sites = createSuggestionsLayer(map);
    sites.setSites([{ rank: 1, lon: 120.1, lat: 30.2 }, { rank: 2, lon: 120.2, lat: 30.3 }], { stale: true });
    sites.setVisible(true);
    expect(map.getSource(SUGGESTIONS_SOURCE).data.features.map((f) => f.properties.rank)).toEqual([1, 2]);
    expect(map.getLayer(SUGGESTIONS_LAYER).paint['circle-opacity']).toBe(0.45);
    expect(siteFeatures([{ rank: 1 }]).features).toHaveLength(0);
    expect(validLayers(map)).toEqual([]);
  });
});

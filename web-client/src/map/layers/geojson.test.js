import { describe, expect, it } from 'vitest';
import { fakeMap } from './fakeMap.js';
import { EMPTY, sameData, showData } from './geojson.js';
import { MY_POSITION_SOURCE, createMyPositionLayer } from './myPosition.js';
import { SERVICE_AREA_SOURCE, createServiceAreaLayer } from './serviceArea.js';

const point = (lon) => ({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [lon, 30] } }] });

/** Counts the setData calls a source receives. */
function counted(map, id) {
  const source = map.getSource(id);
  const calls = [];
  const original = source.setData.bind(source);
  source.setData = (data) => {
    calls.push(data);
    original(data);
  };
  return calls;
}

describe('GeoJSON data, set only when it changes', () => {
  it('takes the same object, or two empty collections, as unchanged', () => {
    const a = point(120);
    expect(sameData(a, a)).toBe(true);
    expect(sameData(EMPTY, { type: 'FeatureCollection', features: [] })).toBe(true);
    expect(sameData(EMPTY, a)).toBe(false);
    expect(sameData(point(120), point(120))).toBe(false); // not compared deeply: a new answer is drawn
  });

  it('adds a missing source with the data, and sets data on an existing one only when it changed', () => {
    const map = fakeMap();
    const ensure = () => map.getSource('s') || map.addSource('s', { type: 'geojson', data: next });
    let next = point(120);
    showData(map, 's', EMPTY, next, ensure);
    expect(map.getSource('s').data).toBe(next);
    const calls = counted(map, 's');
    showData(map, 's', next, next, ensure);
    expect(calls).toHaveLength(0);
    const prev = next;
    next = point(121);
    showData(map, 's', prev, next, ensure);
    expect(calls).toEqual([next]);
  });

  it('hands a layer its empty data again without a round trip to the worker', () => {
    const map = fakeMap();
    const area = createServiceAreaLayer(map);
    area.ensure();
    const calls = counted(map, SERVICE_AREA_SOURCE);
    area.setData(null);
    area.setData({ type: 'FeatureCollection', features: [] });
    expect(calls).toHaveLength(0);
    area.setData(point(120));
    area.setData(null);
    expect(calls.map((d) => d.features.length)).toEqual([1, 0]);
  });

  it('draws my position again only when it moved', () => {
    const map = fakeMap();
    const me = createMyPositionLayer(map);
    me.ensure();
    const calls = counted(map, MY_POSITION_SOURCE);
    me.setPosition({ lon: 120.16, lat: 30.27, source: 'gps' });
    me.setPosition({ lon: 120.16, lat: 30.27, source: 'gps', accuracy: 12 });
    me.setPosition({ lon: 120.17, lat: 30.27, source: 'gps' });
    expect(calls.map((d) => d.features[0].geometry.coordinates[0])).toEqual([120.16, 120.17]);
  });
});

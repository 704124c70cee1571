import { describe, expect, it } from 'vitest';
import { CLUSTER_ZOOM_STEP, closestFeature, expandCluster, hitOf, tapIntent } from './taps.js';

const point = (coordinates, properties) => ({ geometry: { type: 'Point', coordinates }, properties });

describe('taps', () => {
  it('picks the feature drawn closest to the finger', () => {
    const project = ([x, y]) => ({ x, y });
    const features = [point([10, 10], { id: 1 }), point([3, 4], { id: 2 }), point([-6, 0], { id: 3 })];
    expect(closestFeature(features, project, { x: 0, y: 0 }).properties.id).toBe(2);
    expect(closestFeature([], project, { x: 0, y: 0 })).toBeNull();
  });

  it('a hit is a station, a cluster or the empty map', () => {
    expect(hitOf(point([120.1, 30.2], { id: '7' }), [0, 0])).toEqual({ kind: 'station', id: 7, lngLat: [120.1, 30.2] });
    expect(hitOf(point([120.1, 30.2], { cluster: true, cluster_id: 5 }), [0, 0])).toEqual({ kind: 'cluster', clusterId: 5, lngLat: [120.1, 30.2] });
    // A cluster of the vector tiles has no cluster_id: the tap zooms in around it.
    expect(hitOf(point([120.1, 30.2], { cluster: true, count: 12, open_count: 3 }), [0, 0])).toEqual({ kind: 'cluster', clusterId: null, lngLat: [120.1, 30.2] });
    expect(hitOf(null, [120.3, 30.4])).toEqual({ kind: 'empty', lngLat: [120.3, 30.4] });
  });

  it('what a tap does depends on the view and on picking', () => {
    const station = { kind: 'station', id: 7, lngLat: [120.1, 30.2] };
    const cluster = { kind: 'cluster', clusterId: 5, lngLat: [120.1, 30.2] };
    const empty = { kind: 'empty', lngLat: [120.3, 30.4] };
    expect(tapIntent(station, { view: 'courier', picking: false })).toEqual({ do: 'select', id: 7, lngLat: [120.1, 30.2] });
    expect(tapIntent(station, { view: 'planner', picking: false })).toEqual({ do: 'toggleRemoved', id: 7 });
    // While picking, wherever the finger lands becomes my position, even on a marker.
    expect(tapIntent(station, { view: 'courier', picking: true })).toEqual({ do: 'setPosition', lngLat: [120.1, 30.2] });
    expect(tapIntent(empty, { view: 'courier', picking: true })).toEqual({ do: 'setPosition', lngLat: [120.3, 30.4] });
    // The planner never sets a position.
    expect(tapIntent(empty, { view: 'planner', picking: true })).toBeNull();
    expect(tapIntent(cluster, { view: 'planner', picking: false })).toEqual({ do: 'expand', clusterId: 5, lngLat: [120.1, 30.2] });
    expect(tapIntent(cluster, { view: 'courier', picking: false })).toMatchObject({ do: 'expand' });
    expect(tapIntent(empty, { view: 'courier', picking: false })).toBeNull();
  });

  it('a tile cluster zooms in two levels around it; an overlay cluster as far as it splits', async () => {
    const eased = [];
    const map = { getZoom: () => 10.5, easeTo: (o) => eased.push(o), getSource: () => ({ getClusterExpansionZoom: async (id) => (id === 5 ? 14 : 0) }) };
    await expandCluster(map, null, [120.1, 30.2]);
    await expandCluster(map, 5, [120.2, 30.3]);
    expect(eased).toEqual([{ center: [120.1, 30.2], zoom: 10.5 + CLUSTER_ZOOM_STEP }, { center: [120.2, 30.3], zoom: 14.2 }]);
  });
});

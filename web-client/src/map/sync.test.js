import { describe, expect, it, vi } from 'vitest';
import { initialState } from '../state/appState.js';
import { fakeMap, validLayers } from './layers/fakeMap.js';
import { createLayers } from './layers/index.js';
import { OVERLAY_LAYER, OVERLAY_SOURCE, STATIONS_LAYER, STATIONS_SOURCE } from './layers/stations.js';
import { SLICES, gapTilesFor, needsList, shownStations, stationsMode, syncMap } from './sync.js';

const LAYER_NAMES = ['serviceArea', 'gaps', 'districts', 'demand', 'stations', 'whatIf', 'sites', 'faults', 'me'];

/** Layers that record every call as "layer.method", and a camera that does the same. */
function recorder() {
  const calls = [];
  const record = (name) => new Proxy({}, { get: (_, method) => (...args) => calls.push({ call: `${name}.${String(method)}`, args }) });
  const canvas = { style: {} };
  const context = { map: { getCanvas: () => canvas }, layers: Object.fromEntries(LAYER_NAMES.map((n) => [n, record(n)])), camera: record('camera'), origin: 'http://h' };
  return { calls, canvas, context, names: () => calls.map((c) => c.call) };
}

const station = (id, amenities = {}) => ({ type: 'Feature', id, geometry: { type: 'Point', coordinates: [120 + id / 100, 30.2] }, properties: { id, name: `S${id}`, amenities, open_state: { state: 'open' } } });
const districts = { type: 'FeatureCollection', features: [{ type: 'Feature', properties: { id: 1 }, geometry: { type: 'Polygon', coordinates: [[[120, 30], [120.2, 30], [120.2, 30.1], [120, 30]]] } }] };
const base = (patch = {}) => ({ ...initialState({ lang: 'zh' }), ...patch });

describe('map sync', () => {
  it('a new style runs every slice once; an unchanged state runs none', () => {
    const spies = SLICES.map((slice) => ({ ...slice, sync: vi.fn() }));
    const state = base();
    syncMap({}, state, null, spies);
    expect(spies.map((s) => s.sync.mock.calls.length)).toEqual(SLICES.map(() => 1));
    syncMap({}, { ...state }, state, spies);
    expect(spies.map((s) => s.sync.mock.calls.length)).toEqual(SLICES.map(() => 1));
    const r = recorder();
    syncMap(r.context, state, null);
    for (const call of ['stations.setData', 'stations.setSelected', 'stations.setLang', 'me.setPosition', 'serviceArea.setData', 'gaps.setParams', 'gaps.setVisible', 'districts.setData', 'districts.setFocused', 'demand.setPoints', 'demand.setWorst', 'sites.setSites', 'whatIf.setAdded', 'whatIf.setRemoved']) {
      expect(r.names()).toContain(call);
    }
  });

  it('after that, only the slices whose inputs changed', () => {
    const r = recorder();
    const before = base({ mapStations: [station(1)] });
    syncMap(r.context, { ...before, lang: 'en' }, before);
    expect(r.names()).toEqual(['stations.setLang', 'districts.setLang', 'whatIf.setLabels']);
    r.calls.length = 0;
    syncMap(r.context, { ...before, selectedId: 7 }, before);
    expect(r.calls).toEqual([{ call: 'stations.setSelected', args: [7] }]);
    r.calls.length = 0;
    syncMap(r.context, { ...before, nearest: { status: 'loading', items: [], error: null } }, before);
    expect(r.calls).toEqual([]);
  });

  it('what-if edits are read one level down: a new removed list does not move the added markers', () => {
    const r = recorder();
    const before = base();
    syncMap(r.context, { ...before, whatIf: { ...before.whatIf, removed: [3] } }, before);
    expect(r.calls).toEqual([{ call: 'whatIf.setRemoved', args: [[3]] }]);
  });

  it('the courier sees stations matching the filters, the planner sees all', () => {
    const mapStations = [station(1, { toilet: 'yes' }), station(2, { toilet: 'no' })];
    const filters = { amenities: ['toilet'], openNow: false };
    expect(shownStations({ mapStations, filters, view: 'courier' }).map((f) => f.id)).toEqual([1]);
    expect(shownStations({ mapStations, filters, view: 'planner' }).map((f) => f.id)).toEqual([1, 2]);
    const r = recorder();
    const before = base({ mapStations, filters });
    syncMap(r.context, { ...before, view: 'planner' }, before);
    const drawn = r.calls.find((c) => c.call === 'stations.setData').args[0];
    expect(drawn.features.map((f) => f.id)).toEqual([1, 2]);
    expect(r.calls.filter((c) => c.call.endsWith('.setVisible')).map((c) => [c.call, c.args[0]])).toEqual([
      ['districts.setVisible', true], ['demand.setVisible', true], ['sites.setVisible', true], ['whatIf.setVisible', true], ['gaps.setVisible', true], ['faults.setVisible', true],
    ]);
  });

  it('the gap surface follows its checkbox only in the planner, with tiles for the plan', () => {
    const r = recorder();
    const planner = base({ view: 'planner' });
    syncMap(r.context, { ...planner, showGaps: false }, planner);
    expect(r.calls).toEqual([{ call: 'gaps.setVisible', args: [false] }]);
    r.calls.length = 0;
    const plan = { ...planner.plan, mode: 'walk', minutes: 10, at: '2026-11-29T23:00:00+08:00' };
    syncMap(r.context, { ...planner, plan }, planner);
    const [{ args: [params] }] = r.calls.filter((c) => c.call === 'gaps.setParams');
    expect(params.minutes).toBe(10);
    expect(params.tiles).toBe(gapTilesFor('http://h', plan));
    expect(params.tiles).toMatch(/^http:\/\/h\/api\/v1\/coverage\/gaps\/tiles\/\{z\}\/\{x\}\/\{y\}\.mvt\?mode=walk&minutes=10&at=/);
  });

  it('the planning area is shown when the planner first has districts, not while a district is focused', () => {
    const r = recorder();
    const planner = base({ view: 'planner' });
    syncMap(r.context, { ...planner, districts: { status: 'ok', data: districts, error: null }, focusDistrict: 1 }, planner);
    expect(r.names()).not.toContain('camera.showPlanningAreaOnce');
    syncMap(r.context, { ...planner, districts: { status: 'ok', data: districts, error: null } }, planner);
    const call = r.calls.find((c) => c.call === 'camera.showPlanningAreaOnce');
    expect(call.args[0]).toEqual([[[120, 30], [120.2, 30.1]]]);
    r.calls.length = 0;
    syncMap(r.context, { ...base(), districts: { status: 'ok', data: districts, error: null } }, base());
    expect(r.names()).not.toContain('camera.showPlanningAreaOnce');
  });

  it('worst points use the answer\'s minutes, and picking shows a crosshair', () => {
    const r = recorder();
    const before = base();
    const coverage = { status: 'ok', error: null, data: { minutes: 10, worst: [{ id: 1, lon: 120.1, lat: 30.2, minutes: 12 }] } };
    syncMap(r.context, { ...before, coverage, picking: true }, before);
    const worst = r.calls.find((c) => c.call === 'demand.setWorst').args[0];
    expect(worst.features[0].properties.covered).toBe(false);
    expect(r.canvas.style.cursor).toBe('crosshair');
  });

  it('with the real layer modules on a fake map: valid layers, drawn bottom to top, data set', () => {
    const map = fakeMap();
    const whatIf = { ensure: vi.fn(), setLabels: vi.fn(), setVisible: vi.fn(), setAdded: vi.fn(), setRemoved: vi.fn() };
    const state = base({ view: 'planner', mapStations: [station(1), station(2)], districts: { status: 'ok', data: districts, error: null } });
    const layers = createLayers(map, { lang: state.lang, gapTiles: gapTilesFor('http://h', state.plan), minutes: 15, whatIf, origin: 'http://h' });
    const camera = { showPlanningAreaOnce: vi.fn() };
    syncMap({ map, layers, camera, origin: 'http://h' }, state, null);
    expect(map.layers.map((l) => l.id)).toEqual([
      'sm-service-area-fill', 'sm-service-area-line', 'sm-gaps-fill',
      'sm-districts-fill', 'sm-districts-line', 'sm-districts-focus', 'sm-districts-label',
      'sm-demand-points', 'sm-worst-points',
      'sm-station-clusters', 'sm-station-cluster-count', 'sm-stations', 'sm-station-selected', 'sm-station-labels',
      'sm-stations-list-clusters', 'sm-stations-list-cluster-count', 'sm-stations-list', 'sm-stations-list-selected', 'sm-stations-list-labels', 'sm-station-live',
      'sm-suggestions', 'sm-suggestions-rank', 'sm-faults', 'sm-faults-label', 'sm-my-position-halo', 'sm-my-position',
    ]);
    expect(map.layers.every((l) => l.id.startsWith('sm-'))).toBe(true);
    expect(validLayers(map)).toEqual([]);
    expect(map.getSource(OVERLAY_SOURCE).data.features.map((f) => f.id)).toEqual([1, 2]);
    expect(map.getSource(STATIONS_SOURCE).spec).toMatchObject({ type: 'vector', tiles: ['http://h/api/v1/tiles/stations/{z}/{x}/{y}.mvt'], maxzoom: 16 });
    // The planner draws the list: the overlay shows, the tiles hide.
    expect(map.getLayer(OVERLAY_LAYER).layout.visibility).toBe('visible');
    expect(map.getLayer(STATIONS_LAYER).layout.visibility).toBe('none');
    expect(whatIf.ensure).toHaveBeenCalledTimes(1);
    expect(camera.showPlanningAreaOnce).toHaveBeenCalledTimes(1);
    // A second style load makes fresh layers on a fresh map; nothing is added twice.
    const next = fakeMap();
    createLayers(next, { lang: 'en', gapTiles: gapTilesFor('http://h', state.plan), minutes: 15, whatIf, origin: 'http://h' });
    expect(next.layers).toHaveLength(map.layers.length);
  });
});

describe('tiles or a list', () => {
  const filters = initialState({ lang: 'zh' }).filters;
  it('the courier view draws the vector tiles; an "open at" instant, amenity or service filters and the planner draw a list', () => {
    expect(needsList({ filters, view: 'courier' })).toBe(false);
    expect(needsList({ filters: { ...filters, openNow: true }, view: 'courier' })).toBe(false);
    expect(needsList({ filters: { ...filters, at: '2026-12-02T09:00:00+08:00' }, view: 'courier' })).toBe(true);
    expect(needsList({ filters: { ...filters, amenities: ['toilet'] }, view: 'courier' })).toBe(true);
    expect(needsList({ filters: { ...filters, services: ['battery_swap'] }, view: 'courier' })).toBe(true);
    expect(needsList({ filters, view: 'planner' })).toBe(true);
  });

  it('the offline pack\'s stations (set while no list is loaded) are drawn in the overlay', () => {
    expect(stationsMode({ filters, view: 'courier', mapStations: [] })).toBe('tiles');
    expect(stationsMode({ filters, view: 'courier', mapStations: [station(1)] })).toBe('overlay');
    expect(stationsMode({ filters, view: 'planner', mapStations: [] })).toBe('overlay');
  });
});

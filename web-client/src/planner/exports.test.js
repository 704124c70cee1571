import { describe, expect, it, vi } from 'vitest';
import { initialState } from '../state/appState.js';
import { createExports, exportRequest, stamp } from './exports.js';
import { testContext } from './testing.js';

const base = initialState({ lang: 'zh', view: 'planner' });
const square = { type: 'Polygon', coordinates: [[[120, 30], [120.5, 30], [120.5, 30.5], [120, 30.5], [120, 30]]] };
const districts = { type: 'FeatureCollection', features: [{ type: 'Feature', properties: { id: 4 }, geometry: square }] };

describe('exportRequest', () => {
  it('names files after the plan', () => {
    expect(stamp({ mode: 'walk', minutes: 5, layer: 'riders' })).toBe('riders-walk-5min');
    expect(exportRequest('districts', 'geojson', base).name).toBe('coverage-districts-demo-demand-ebike-15min.geojson');
  });

  it('gaps of the focused district ask for that district with a cell sized to it', () => {
    const getViewBox = vi.fn();
    const req = exportRequest('gaps', 'geojson', { ...base, focusDistrict: 4, districts: { data: districts } }, { getViewBox });
    expect(getViewBox).not.toHaveBeenCalled();
    const q = new URL(req.url, 'http://x').searchParams;
    expect(q.get('district')).toBe('4');
    expect(q.has('bbox')).toBe(false);
    expect(Number(q.get('cell'))).toBeGreaterThan(250);
  });

  it('suggestions repeat the last suggestion\'s body as a POST', () => {
    const body = { mode: 'ebike', minutes: 15, layer: 'demo-demand', p: 7, candidates: { layer: 'x' } };
    const req = exportRequest('suggestions', 'csv', { ...base, suggestion: { ...base.suggestion, body } });
    expect(req).toEqual({ url: '/api/v1/planning/suggest?format=csv', init: { method: 'POST', body }, name: 'suggested-sites-demo-demand-ebike-15min-p7.csv' });
  });

  it('an unknown export is refused', () => {
    expect(() => exportRequest('stations', 'csv', base)).toThrow(RangeError);
  });
});

describe('exportFile', () => {
  it('an unknown export is reported in the state and nothing is fetched or saved', async () => {
    const ctx = testContext();
    const download = vi.fn();
    await createExports(ctx, { download }).exportFile('stations', 'csv');
    expect(ctx.fetchImpl).not.toHaveBeenCalled();
    expect(download).not.toHaveBeenCalled();
    expect(ctx.store.get().exporting).toMatchObject({ status: 'error', what: 'stations.csv' });
  });
});

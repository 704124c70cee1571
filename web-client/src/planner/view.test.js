import { describe, expect, it, vi } from 'vitest';
import { testContext } from './testing.js';
import { createView } from './view.js';

function setup(state) {
  const ctx = testContext(undefined, state);
  const reference = { loadLayers: vi.fn(), loadDistricts: vi.fn() };
  const coverage = { loadCoverage: vi.fn(), loadDemandPoints: vi.fn() };
  const location = { href: 'http://127.0.0.1:8080/?station=3' };
  const history = { state: null, replaceState: (_s, _t, url) => { location.href = `http://127.0.0.1:8080${url}`; } };
  const view = createView(ctx, { reference, coverage, page: { history, location } });
  return { ctx, view, reference, coverage, location };
}

describe('planner view', () => {
  it('entering asks for missing reference data and the plan\'s coverage; leaving restores the address', () => {
    const { ctx, view, reference, coverage, location } = setup({ view: 'courier', planLayers: { status: 'ok', data: [], error: null } });
    view.toggleView();
    expect(ctx.store.get().view).toBe('planner');
    expect(location.href).toBe('http://127.0.0.1:8080/?station=3&view=planner');
    expect(reference.loadLayers).not.toHaveBeenCalled();
    expect(reference.loadDistricts).toHaveBeenCalledTimes(1);
    expect(coverage.loadCoverage).toHaveBeenCalledTimes(1);
    expect(coverage.loadDemandPoints).toHaveBeenCalledTimes(1);
    view.toggleView();
    expect(ctx.store.get().view).toBe('courier');
    expect(location.href).toBe('http://127.0.0.1:8080/?station=3');
  });
});

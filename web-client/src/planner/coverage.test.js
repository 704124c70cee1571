import { describe, expect, it } from 'vitest';
import { createCoverage, hasDemandPoints, WORST_POINTS } from './coverage.js';
import { testContext } from './testing.js';

const points = { type: 'FeatureCollection', features: [] };

describe('coverage and demand points', () => {
  it('demand points are asked for again only for another layer or after a failure', () => {
    expect(hasDemandPoints({ layer: 'a', status: 'ok' }, 'a')).toBe(true);
    expect(hasDemandPoints({ layer: 'a', status: 'loading' }, 'a')).toBe(true);
    expect(hasDemandPoints({ layer: 'a', status: 'error' }, 'a')).toBe(false);
    expect(hasDemandPoints({ layer: 'a', status: 'ok' }, 'b')).toBe(false);
  });

  it('loads the plan layer\'s points once', async () => {
    const ctx = testContext(() => points);
    const coverage = createCoverage(ctx);
    await coverage.loadDemandPoints();
    await coverage.loadDemandPoints();
    expect(ctx.fetchImpl).toHaveBeenCalledTimes(1);
    expect(ctx.store.get().demandPoints).toMatchObject({ status: 'ok', layer: 'demo-demand', data: points });
  });

  it('a failed coverage keeps the last good numbers beside the error', async () => {
    const ctx = testContext(() => ({ coverage_pct: 70 }));
    const coverage = createCoverage(ctx);
    await coverage.loadCoverage();
    expect(ctx.fetchImpl.mock.calls[0][0]).toContain(`worst=${WORST_POINTS}`);
    ctx.fetchImpl.mockImplementation(async () => { throw new TypeError('offline'); });
    await coverage.loadCoverage();
    expect(ctx.store.get().coverage).toMatchObject({ status: 'error', data: { coverage_pct: 70 } });
  });
});

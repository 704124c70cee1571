import { describe, expect, it } from 'vitest';
import { EMPTY_FILTERS } from '../state/filters.js';
import { createNearest, isOffNetwork, nearestQuery, NEAREST_LIMIT } from './nearest.js';
import { json, routing, testContext } from './testing.js';

const position = { lon: 120.16, lat: 30.27 };

describe('nearest query', () => {
  it('ranks by time for the travel mode only with a road network', () => {
    const state = { position, filters: EMPTY_FILTERS, travelMode: 'walk' };
    expect(nearestQuery({ ...state, config: { routing } })).toMatchObject({ base: { lon: 120.16, lat: 30.27, limit: NEAREST_LIMIT }, mode: 'walk' });
    expect(nearestQuery({ ...state, config: { routing: null } }).mode).toBeUndefined();
    expect(nearestQuery({ ...state, config: null }).mode).toBeUndefined();
  });

  it('falls back to distance only for a 422 of a by-time request', () => {
    expect(isOffNetwork({ status: 422 }, 'walk')).toBe(true);
    expect(isOffNetwork({ status: 422 }, undefined)).toBe(false);
    expect(isOffNetwork({ status: 500 }, 'walk')).toBe(false);
  });
});

describe('nearest actions', () => {
  it('nothing is asked without a position', async () => {
    const ctx = testContext();
    await createNearest(ctx).loadNearest();
    expect(ctx.fetchImpl).not.toHaveBeenCalled();
  });

  it('a failure other than off-network is an error with an empty list', async () => {
    const ctx = testContext(() => json({ title: 'Oops', status: 500 }, 500, 'application/problem+json'), { position, config: { routing } });
    await createNearest(ctx).loadNearest();
    expect(ctx.fetchImpl).toHaveBeenCalledTimes(1);
    expect(ctx.store.get().nearest).toMatchObject({ status: 'error', items: [] });
  });

  it('filters change the request; clearing them goes back to every station', async () => {
    const ctx = testContext(() => ({ items: [] }), { position });
    const nearest = createNearest(ctx);
    nearest.toggleOpenNow();
    nearest.toggleAmenity('water');
    expect(ctx.store.get().filters).toMatchObject({ openNow: true, amenities: ['water'] });
    nearest.clearFilters();
    expect(ctx.store.get().filters).toBe(EMPTY_FILTERS);
    expect(ctx.fetchImpl).toHaveBeenCalledTimes(3);
  });
});

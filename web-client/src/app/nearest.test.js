import { describe, expect, it, vi } from 'vitest';
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

  it('"tonight 23:00" asks for stations open at 23:00 in Shanghai; back to now drops at= and keeps openNow', async () => {
    const ctx = testContext(() => ({ items: [] }), { position });
    const onAtChange = vi.fn();
    // 01:30 on Dec 2 in Shanghai (still Dec 1 in UTC).
    const nearest = createNearest(ctx, { onAtChange, now: () => new Date('2026-12-01T17:30:00Z') });
    nearest.setOpenAt('tonight');
    let url = new URL(ctx.fetchImpl.mock.calls.at(-1)[0], 'http://x');
    expect(url.searchParams.get('at')).toBe('2026-12-02T23:00:00+08:00');
    expect(url.searchParams.get('openNow')).toBe('true');
    expect(onAtChange).toHaveBeenLastCalledWith('2026-12-02T23:00:00+08:00');
    nearest.setOpenAt('morning');
    expect(ctx.store.get().filters).toMatchObject({ at: '2026-12-03T07:00:00+08:00', atChoice: 'morning', openNow: true });
    nearest.clearOpenAt();
    url = new URL(ctx.fetchImpl.mock.calls.at(-1)[0], 'http://x');
    expect(url.searchParams.has('at')).toBe(false);
    expect(url.searchParams.get('openNow')).toBe('true');
    expect(onAtChange).toHaveBeenLastCalledWith(null);
    nearest.toggleOpenNow();
    expect(ctx.store.get().filters.openNow).toBe(false);
  });

  it('a picked time is the wall time in Shanghai; the open-now chip returns to now', () => {
    const ctx = testContext(() => ({ items: [] }), { position });
    const nearest = createNearest(ctx);
    nearest.setOpenAt('custom', { wall: '2026-12-05T06:15' });
    expect(ctx.store.get().filters.at).toBe('2026-12-05T06:15:00+08:00');
    nearest.toggleOpenNow();
    expect(ctx.store.get().filters).toMatchObject({ at: null, openNow: true });
  });

  it('service filters reach the request', () => {
    const ctx = testContext(() => ({ items: [] }), { position });
    const nearest = createNearest(ctx);
    nearest.toggleService('free_clinic');
    nearest.setServiceWhen('now');
    const url = new URL(ctx.fetchImpl.mock.calls.at(-1)[0], 'http://x');
    expect(url.searchParams.get('service')).toBe('free_clinic');
    expect(url.searchParams.get('service_when')).toBe('now');
  });
});

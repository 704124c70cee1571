import { describe, expect, it, vi } from 'vitest';
import { createPosition, gpsPosition, locateError } from './position.js';
import { testContext } from './testing.js';

describe('position helpers', () => {
  it('names geolocation failures', () => {
    expect([1, 2, 3, 99].map((code) => locateError({ code }))).toEqual(['denied', 'unavailable', 'timeout', 'unavailable']);
    expect(locateError(undefined)).toBe('unavailable');
  });

  it('reads a GeolocationPosition', () => {
    expect(gpsPosition({ coords: { longitude: 120.1, latitude: 30.2, accuracy: 8 } })).toEqual({ lon: 120.1, lat: 30.2, accuracy: 8, source: 'gps' });
  });
});

describe('position actions', () => {
  it('a new position moves the map and reloads the list, unless a station is open', () => {
    const ctx = testContext();
    const fly = vi.fn();
    const loadNearest = vi.fn();
    ctx.events.on('flyTo', fly);
    const position = createPosition(ctx, { geolocation: null, loadNearest });
    position.setPosition({ lon: 120, lat: 30, source: 'manual' });
    expect(fly).toHaveBeenCalledWith([120, 30], 14.5);
    ctx.store.set({ selectedId: 4 });
    position.setPosition({ lon: 121, lat: 31, source: 'manual' });
    position.setPosition({ lon: 122, lat: 32, source: 'manual' }, { fly: false });
    expect(fly).toHaveBeenCalledTimes(1);
    expect(loadNearest).toHaveBeenCalledTimes(3);
  });

  it('without geolocation: unsupported, and picking on the map unless a position is known', () => {
    const ctx = testContext();
    const position = createPosition(ctx, { geolocation: undefined, loadNearest: vi.fn() });
    position.locate();
    expect(ctx.store.get()).toMatchObject({ locateStatus: 'failed', locateError: 'unsupported', picking: true });
    position.cancelPicking();
    ctx.store.set({ position: { lon: 120, lat: 30, source: 'gps' } });
    position.locate();
    expect(ctx.store.get().picking).toBe(false);
  });

  it('a manual position clears an earlier geolocation error; a GPS one keeps it', () => {
    const ctx = testContext(undefined, { locateError: 'timeout' });
    const position = createPosition(ctx, { geolocation: null, loadNearest: vi.fn() });
    position.setPosition({ lon: 120, lat: 30, source: 'gps' }, { fly: false });
    expect(ctx.store.get().locateError).toBe('timeout');
    position.setPosition({ lon: 120, lat: 30, source: 'manual' }, { fly: false });
    expect(ctx.store.get().locateError).toBeNull();
  });
});

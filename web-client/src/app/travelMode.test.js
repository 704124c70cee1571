import { describe, expect, it, vi } from 'vitest';
import { testContext } from './testing.js';
import { createTravelMode, loadTravelMode, MODE_STORAGE_KEY, saveTravelMode } from './travelMode.js';

describe('travel mode', () => {
  it('is read back from storage; unknown, missing or blocked storage means e-bike', () => {
    const storage = new Map();
    const fake = { getItem: (k) => storage.get(k) ?? null, setItem: (k, v) => storage.set(k, v) };
    saveTravelMode('walk', fake);
    expect(storage.get(MODE_STORAGE_KEY)).toBe('walk');
    expect(loadTravelMode(fake)).toBe('walk');
    storage.set(MODE_STORAGE_KEY, 'plane');
    expect(loadTravelMode(fake)).toBe('ebike');
    expect(loadTravelMode(null)).toBe('ebike');
    const blocked = { getItem: () => { throw new Error('denied'); }, setItem: () => { throw new Error('denied'); } };
    expect(loadTravelMode(blocked)).toBe('ebike');
    expect(() => saveTravelMode('walk', blocked)).not.toThrow();
    // Where the browser blocks storage, merely reading window.localStorage throws.
    vi.stubGlobal('localStorage', undefined);
    Object.defineProperty(globalThis, 'localStorage', { configurable: true, get() { throw new Error('SecurityError'); } });
    try {
      expect(() => saveTravelMode('walk')).not.toThrow();
    } finally {
      vi.unstubAllGlobals();
    }
    expect(() => globalThis.localStorage).not.toThrow();
  });

  it('a switch reloads the list, and the circle when a station is open; the same mode does nothing', () => {
    vi.stubGlobal('localStorage', undefined);
    try {
      const ctx = testContext();
      const loadNearest = vi.fn();
      const loadServiceArea = vi.fn();
      const { setTravelMode } = createTravelMode(ctx, { loadNearest, loadServiceArea });
      setTravelMode('ebike');
      setTravelMode('plane');
      expect(loadNearest).not.toHaveBeenCalled();
      setTravelMode('walk');
      expect(loadServiceArea).not.toHaveBeenCalled();
      ctx.store.set({ selectedId: 8 });
      setTravelMode('ebike');
      expect(loadNearest).toHaveBeenCalledTimes(2);
      expect(loadServiceArea).toHaveBeenCalledWith(8);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

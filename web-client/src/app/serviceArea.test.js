import { describe, expect, it, vi } from 'vitest';
import { createServiceArea, SERVICE_AREA_RETRY_MS } from './serviceArea.js';
import { routing, testContext } from './testing.js';

const ready = { type: 'FeatureCollection', state: 'ready', features: [] };

describe('service area', () => {
  it('an answer for a station no longer selected is dropped', async () => {
    const ctx = testContext(() => ready, { config: { routing }, selectedId: 5 });
    const area = createServiceArea(ctx);
    const pending = area.loadServiceArea(5);
    ctx.store.set({ selectedId: 6 });
    await pending;
    expect(ctx.store.get().serviceArea.status).toBe('loading');
  });

  it('same mode keeps the circle shown while the next loads; another mode does not', async () => {
    const ctx = testContext(() => ready, { config: { routing }, selectedId: 5 });
    const area = createServiceArea(ctx);
    await area.loadServiceArea(5);
    ctx.store.set({ selectedId: 6 });
    area.loadServiceArea(6);
    expect(ctx.store.get().serviceArea).toMatchObject({ status: 'loading', data: ready });
    ctx.store.set({ travelMode: 'walk' });
    area.loadServiceArea(6);
    expect(ctx.store.get().serviceArea).toMatchObject({ status: 'loading', data: null, mode: 'walk' });
  });

  it('cancel stops the retry of a pending circle', async () => {
    vi.useFakeTimers();
    try {
      const ctx = testContext(() => ({ state: 'pending', features: [] }), { config: { routing }, selectedId: 5 });
      const area = createServiceArea(ctx);
      await area.loadServiceArea(5);
      expect(ctx.store.get().serviceArea.status).toBe('pending');
      area.cancel();
      await vi.advanceTimersByTimeAsync(SERVICE_AREA_RETRY_MS * 2);
      expect(ctx.fetchImpl).toHaveBeenCalledTimes(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('the map is asked to show the circle only once it is there', async () => {
    const ctx = testContext(() => ready, { config: { routing }, selectedId: 5 });
    const show = vi.fn();
    ctx.events.on('showServiceArea', show);
    const area = createServiceArea(ctx);
    area.showServiceArea();
    expect(show).not.toHaveBeenCalled();
    await area.retryServiceArea();
    area.showServiceArea();
    expect(show).toHaveBeenCalledTimes(1);
  });
});

import { describe, expect, it, vi } from 'vitest';
import { flush, testContext } from './testing.js';
import { createWhatIf, hasEdits, toggled, whatIfBodyFor } from './whatIf.js';

const params = { mode: 'walk', minutes: 10, layer: 'demo-demand', at: null };

describe('what-if helpers', () => {
  it('labels added stations by key and sends the removed ids', () => {
    expect(whatIfBodyFor(params, { added: [{ key: 2, lon: 120.1, lat: 30.2 }], removed: [7] })).toMatchObject({
      mode: 'walk', minutes: 10, add: [{ lon: 120.1, lat: 30.2, label: '#2' }], remove: [7],
    });
  });

  it('toggles a removed id and knows when there are edits', () => {
    expect(toggled([1, 2], 2)).toEqual([1]);
    expect(toggled([1], 3)).toEqual([1, 3]);
    expect(hasEdits({ added: [], removed: [] })).toBe(false);
    expect(hasEdits({ added: [], removed: [3] })).toBe(true);
  });
});

describe('what-if actions', () => {
  it('keys count up; removing the last edit clears the scenario without a request', async () => {
    const ctx = testContext(() => ({ delta_pct: 1 }));
    const whatIf = createWhatIf(ctx);
    expect(whatIf.addStation([120.1, 30.2])).toBe(1);
    expect(whatIf.addStation([120.2, 30.2])).toBe(2);
    await flush();
    expect(ctx.fetchImpl).toHaveBeenCalledTimes(2);
    whatIf.removeAdded(1);
    whatIf.removeAdded(2);
    expect(ctx.fetchImpl).toHaveBeenCalledTimes(3);
    expect(ctx.store.get().whatIf).toMatchObject({ added: [], status: 'idle', data: null });
  });

  it('reset cancels a scheduled drag request', async () => {
    vi.useFakeTimers();
    try {
      const ctx = testContext(() => ({}));
      const whatIf = createWhatIf(ctx, { debounceMs: 100 });
      ctx.store.set({ whatIf: { ...ctx.store.get().whatIf, added: [{ key: 9, lon: 120, lat: 30 }] } });
      whatIf.moveStation(9, [120.1, 30], { final: false });
      expect(ctx.store.get().whatIf.status).toBe('pending');
      whatIf.resetWhatIf();
      await vi.advanceTimersByTimeAsync(200);
      expect(ctx.fetchImpl).not.toHaveBeenCalled();
      expect(ctx.store.get().whatIf).toMatchObject({ added: [], removed: [], status: 'idle' });
    } finally {
      vi.useRealTimers();
    }
  });
});

import { describe, expect, it, vi } from 'vitest';
import { createDistricts, nextDistrictSort } from './districts.js';
import { testContext } from './testing.js';

describe('district table', () => {
  it('the same column flips; a new one starts names A→Z, numbers largest first; unknown is refused', () => {
    expect(nextDistrictSort({ key: 'demand', dir: 'desc' }, 'demand')).toEqual({ key: 'demand', dir: 'asc' });
    expect(nextDistrictSort({ key: 'demand', dir: 'asc' }, 'demand')).toEqual({ key: 'demand', dir: 'desc' });
    expect(nextDistrictSort({ key: 'demand', dir: 'asc' }, 'name')).toEqual({ key: 'name', dir: 'asc' });
    expect(nextDistrictSort({ key: 'name', dir: 'asc' }, 'p95_minutes')).toEqual({ key: 'p95_minutes', dir: 'desc' });
    expect(nextDistrictSort({ key: 'name', dir: 'asc' }, 'bogus')).toBeNull();
  });

  it('focusing a district asks the map to show it; clearing the focus does not', () => {
    const ctx = testContext();
    const zoom = vi.fn();
    ctx.events.on('zoomToDistrict', zoom);
    const districts = createDistricts(ctx);
    districts.focusDistrict(4);
    districts.focusDistrict(null);
    expect(zoom.mock.calls).toEqual([[4]]);
    expect(ctx.store.get().focusDistrict).toBeNull();
    districts.toggleGaps();
    expect(ctx.store.get().showGaps).toBe(false);
  });
});

import { describe, expect, it, vi } from 'vitest';
import { createStation, sheetForStation } from './station.js';
import { testContext } from './testing.js';

function setup(answer) {
  const ctx = testContext(answer, { sheet: 'min' });
  const serviceArea = { loadServiceArea: vi.fn(), cancel: vi.fn() };
  const location = { href: 'http://127.0.0.1:8080/?view=planner' };
  const history = { state: null, replaceState: (_s, _t, url) => { location.href = `http://127.0.0.1:8080${url}`; } };
  const fly = vi.fn();
  ctx.events.on('flyTo', fly);
  return { ctx, serviceArea, location, fly, station: createStation(ctx, { serviceArea, page: { history, location } }) };
}

describe('open station', () => {
  it('a minimised sheet rises to peek; other sizes stay', () => {
    expect(['min', 'peek', 'full'].map(sheetForStation)).toEqual(['peek', 'peek', 'full']);
  });

  it('a known position flies at once; the sheet rises and the circle loads', async () => {
    const { ctx, station, serviceArea, fly, location } = setup(() => ({ id: 3, lon: 121, lat: 31 }));
    await station.selectStation(3, { lngLat: [120, 30] });
    expect(fly.mock.calls).toEqual([[[120, 30], null]]);
    expect(ctx.store.get()).toMatchObject({ selectedId: 3, sheet: 'peek', detail: { status: 'ok' } });
    expect(serviceArea.loadServiceArea).toHaveBeenCalledWith(3);
    expect(location.href).toBe('http://127.0.0.1:8080/?view=planner&station=3');
  });

  it('closing cancels the circle and clears the selection in one change', () => {
    const { ctx, station, serviceArea, location } = setup(() => ({}));
    station.selectStation(3, { fly: false });
    const seen = [];
    ctx.store.subscribe((s) => seen.push([s.selectedId, s.detail.status, s.serviceArea.status]));
    station.closeDetail();
    expect(serviceArea.cancel).toHaveBeenCalled();
    expect(seen).toEqual([[null, 'idle', 'idle']]);
    expect(location.href).toBe('http://127.0.0.1:8080/?view=planner');
  });

  it('a failed detail can be retried while the station is open', async () => {
    let fail = true;
    const { ctx, station } = setup(() => {
      if (fail) throw new TypeError('offline');
      return { id: 3 };
    });
    await station.selectStation(3, { fly: false });
    expect(ctx.store.get().detail.status).toBe('error');
    fail = false;
    await station.retryDetail();
    expect(ctx.store.get().detail).toMatchObject({ status: 'ok', station: { id: 3 } });
  });
});

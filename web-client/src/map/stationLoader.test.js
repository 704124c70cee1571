import { describe, expect, it, vi } from 'vitest';
import { json } from '../app/testing.js';
import { createStationLoader, mapQuery } from './stationLoader.js';

const map = {
  on: vi.fn(),
  getBounds: () => ({ getWest: () => 120.1, getSouth: () => 30.2, getEast: () => 120.2, getNorth: () => 30.3 }),
};
const feature = (id, state) => ({ type: 'Feature', id, geometry: { type: 'Point', coordinates: [120.15, 30.25] }, properties: { id, open_state: { state } } });

describe('map station loads', () => {
  it('carry the "open at" instant and the services; a new query loads the view again from scratch', async () => {
    const urls = [];
    const fetchImpl = vi.fn(async (url) => {
      urls.push(url);
      const at = new URL(url, 'http://x').searchParams.get('at');
      return json({ type: 'FeatureCollection', features: at ? [feature(2, 'open')] : [feature(1, 'open'), feature(2, 'closed')], has_more: false });
    });
    const onStations = vi.fn();
    const loader = createStationLoader(map, { onStations, fetchImpl });
    await loader.refresh();
    expect(onStations.mock.calls.at(-1)[0].map((f) => f.id)).toEqual([1, 2]);
    await loader.refresh(); // the same view and query: no request
    expect(urls).toHaveLength(1);

    await loader.setQuery(mapQuery({ at: '2026-12-02T23:00:00+08:00', services: [], serviceWhen: 'today' }));
    expect(new URL(urls.at(-1), 'http://x').searchParams.get('at')).toBe('2026-12-02T23:00:00+08:00');
    expect(urls.at(-1)).not.toContain('service');
    // Station 1 came from the "now" load only: it is gone, not kept with a state of another instant.
    expect(onStations.mock.calls.at(-1)[0].map((f) => [f.id, f.properties.open_state.state])).toEqual([[2, 'open']]);

    await loader.setQuery(mapQuery({ at: '2026-12-02T23:00:00+08:00', services: [], serviceWhen: 'now' }));
    expect(urls).toHaveLength(2); // serviceWhen without services changes nothing
    await loader.setQuery(mapQuery({ at: null, services: ['free_clinic'], serviceWhen: 'today' }));
    const last = new URL(urls.at(-1), 'http://x').searchParams;
    expect([last.get('at'), last.get('service'), last.get('service_when')]).toEqual([null, 'free_clinic', 'today']);
  });

  it('a view inside the box being loaded waits for that load instead of asking again', async () => {
    let release;
    const gate = new Promise((resolve) => { release = resolve; });
    const fetchImpl = vi.fn(async () => {
      await gate;
      return json({ type: 'FeatureCollection', features: [feature(1, 'open')], has_more: false });
    });
    const loader = createStationLoader(map, { onStations: vi.fn(), fetchImpl });
    const first = loader.refresh();
    const second = loader.refresh(); // e.g. the moveend of a resize while the first load is on its way
    release();
    await Promise.all([first, second]);
    expect(fetchImpl).toHaveBeenCalledTimes(1);
    await loader.reload();
    expect(fetchImpl).toHaveBeenCalledTimes(2);
  });

  it('loads nothing while off (the map draws the tiles) and forgets its stations when turned off', async () => {
    const fetchImpl = vi.fn(async () => json({ type: 'FeatureCollection', features: [feature(1, 'open')], has_more: false }));
    const onStations = vi.fn();
    const loader = createStationLoader(map, { onStations, fetchImpl });
    await loader.setActive(false);
    expect(onStations.mock.calls.at(-1)[0]).toEqual([]);
    await loader.refresh();
    await loader.setQuery(mapQuery({ at: '2026-12-02T23:00:00+08:00', services: [] }));
    expect(fetchImpl).not.toHaveBeenCalled();
    await loader.setActive(true);
    expect(fetchImpl).toHaveBeenCalledTimes(1);
    expect(new URL(fetchImpl.mock.calls[0][0], 'http://x').searchParams.get('at')).toBe('2026-12-02T23:00:00+08:00');
    expect(onStations.mock.calls.at(-1)[0].map((f) => f.id)).toEqual([1]);
  });
});

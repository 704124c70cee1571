import { describe, expect, it, vi } from 'vitest';
import { fetchJson } from '../api/client.js';
import { initialState } from '../state/appState.js';
import { createStore } from '../state/store.js';
import { startEarly } from './early.js';
import { createNearest } from './nearest.js';
import { flush, json, routing } from './testing.js';

const HERE = { coords: { longitude: 120.1612, latitude: 30.2741, accuracy: 12 } };
const geolocation = (pos = HERE) => ({ getCurrentPosition: vi.fn((ok, fail) => (pos ? ok(pos) : fail({ code: 1 }))) });

/** A fetch answering /config with config and anything else with an empty list, recording its URLs. */
function api(config = { routing }) {
  return vi.fn(async (url) => json(url.endsWith('/config') ? config : { items: [], by: 'time' }));
}

describe('startEarly', () => {
  it('asks for the config, the fix and then the nearest list the app asks for first, which takes that answer', async () => {
    const state = initialState({ lang: 'zh', travelMode: 'walk' });
    const fetchImpl = api();
    const { fix } = startEarly(state, { geolocation: geolocation(), fetchImpl });
    expect(await fix).toMatchObject({ lon: 120.1612, lat: 30.2741, source: 'gps' });
    await flush();
    const asked = fetchImpl.mock.calls.map(([url]) => url);
    expect(asked).toHaveLength(2);
    expect(asked[0]).toBe('/api/v1/config');
    expect(asked[1]).toMatch(/^\/api\/v1\/stations\/nearest\?.*by=time&mode=walk/);

    // The app, later: its config GET and its first nearest GET are answered without asking again.
    const later = api();
    expect(await fetchJson('/api/v1/config', { fetchImpl: later })).toEqual({ routing });
    const store = createStore({ ...state, config: { routing }, position: { lon: 120.1612, lat: 30.2741, accuracy: 12, source: 'gps' } });
    await createNearest({ store, fetchImpl: later }).loadNearest();
    expect(store.get().nearest).toMatchObject({ status: 'ok', url: asked[1], byTime: true });
    expect(later).not.toHaveBeenCalled();
  });

  it('ranks by distance when the API has no road network', async () => {
    const fetchImpl = api({ routing: null });
    await startEarly(initialState({ lang: 'zh' }), { geolocation: geolocation(), fetchImpl }).fix;
    await flush();
    const nearest = fetchImpl.mock.calls.map(([url]) => url).find((url) => url.includes('/nearest'));
    expect(nearest).not.toMatch(/by=time/);
    await fetchJson(nearest, { fetchImpl: api() }); // taken, so the next test starts clean
    await fetchJson('/api/v1/config', { fetchImpl: api() });
  });

  it('asks for no fix and no list in the planner, nor when the fix fails or the config does', async () => {
    for (const [state, geo, fetchImpl] of [
      [initialState({ lang: 'zh', view: 'planner' }), geolocation(), api()],
      [initialState({ lang: 'zh' }), geolocation(null), api()],
      [initialState({ lang: 'zh' }), geolocation(), vi.fn(async () => json({ title: 'Down' }, 503, 'application/problem+json'))],
      [initialState({ lang: 'zh' }), undefined, api()],
    ]) {
      const { fix } = startEarly(state, { geolocation: geo ?? null, fetchImpl });
      const position = await fix;
      await flush();
      if (state.view === 'planner' || !geo) expect(position).toBeNull();
      expect(fetchImpl.mock.calls.map(([url]) => url)).toEqual(['/api/v1/config']);
      await fetchJson('/api/v1/config', { fetchImpl: api() }).catch(() => {});
    }
  });
});

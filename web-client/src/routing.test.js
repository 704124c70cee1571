// @vitest-environment happy-dom
// Travel modes, travel-time ranking and service circles in the client.
import { describe, expect, it, vi } from 'vitest';
import { createApp, loadTravelMode, SERVICE_AREA_RETRY_MS } from './app.js';
import { nearestUrl, roadTilesUrl, serviceAreaUrl } from './api/requests.js';
import { basemapStyle } from './map/basemap.js';
import { ROAD_CASING_LAYER, ROAD_LAYER, ROADS_SOURCE } from './map/layers/roads.js';
import { bandPaint, collectionBounds } from './map/layers/serviceArea.js';
import { initialState } from './state/appState.js';
import { createStore } from './state/store.js';
import { formatMinutes } from './ui/format.js';

const routing = { graph_version: 3, region: 'Hangzhou (demo)', source: 'demo', attribution: null, modes: ['walk', 'ebike'], service_area_minutes: [5, 10, 15], bbox: [120, 30, 121, 31] };

function json(body, status = 200, type = 'application/json') {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': type } });
}

function setup(fetchImpl, { withRouting = true } = {}) {
  const store = createStore({ ...initialState({ lang: 'zh' }), config: { routing: withRouting ? routing : null } });
  const app = createApp(store, { fetchImpl, history: null, location: null });
  return { store, app };
}

const flush = () => new Promise((r) => setTimeout(r, 0));
const area = (mode) => ({ type: 'FeatureCollection', state: 'ready', features: [5, 10, 15].map((m) => ({ type: 'Feature', properties: { minutes: m, mode, area_km2: m / 2 }, geometry: { type: 'MultiPolygon', coordinates: [[[[120, 30], [120.1 * (1 + m / 1000), 30], [120, 30.1], [120, 30]]]] } })) });

describe('request builders', () => {
  it('nearest by travel time adds by=time and the mode; unknown modes are refused', () => {
    expect(nearestUrl({ lon: 120.16, lat: 30.27, mode: 'walk' })).toBe('/api/v1/stations/nearest?lon=120.16&lat=30.27&limit=20&crs=wgs84&by=time&mode=walk');
    expect(nearestUrl({ lon: 120.16, lat: 30.27 })).not.toContain('by=');
    expect(() => nearestUrl({ lon: 120.16, lat: 30.27, mode: 'plane' })).toThrow(RangeError);
  });

  it('service areas and road tiles', () => {
    expect(serviceAreaUrl(7, { mode: 'walk', minutes: [15, 5, 10] })).toBe('/api/v1/stations/7/service-area?mode=walk&minutes=5,10,15');
    expect(() => serviceAreaUrl(0)).toThrow(RangeError);
    expect(roadTilesUrl('http://127.0.0.1:8080', 3)).toBe('http://127.0.0.1:8080/api/v1/tiles/roads/{z}/{x}/{y}.mvt?v=3');
  });
});

describe('display helpers', () => {
  it('formats travel minutes in both languages, at least one minute', () => {
    expect(formatMinutes(420, 'zh')).toBe('约 7 分钟');
    expect(formatMinutes(20, 'en')).toBe('~1 min');
    expect(formatMinutes(Number.NaN, 'en')).toBe('');
  });

  it('band colours differ by mode and bounds cover every ring', () => {
    expect(bandPaint('walk').line).not.toBe(bandPaint('ebike').line);
    expect(collectionBounds(area('walk'))[0]).toEqual([120, 30]);
    expect(collectionBounds({ features: [] })).toBeNull();
  });

  it('the offline style draws roads only when the API has a road graph', () => {
    expect(basemapStyle({ kind: 'offline' }).layers.map((l) => l.id)).toEqual(['background']);
    const style = basemapStyle({ kind: 'offline' }, [], { roads: { tiles: 'http://x/{z}/{x}/{y}.mvt', attribution: '© OpenStreetMap contributors' } });
    expect(style.sources[ROADS_SOURCE]).toMatchObject({ type: 'vector', tiles: ['http://x/{z}/{x}/{y}.mvt'], attribution: '© OpenStreetMap contributors' });
    expect(style.layers.map((l) => l.id)).toEqual(['background', ROAD_CASING_LAYER, ROAD_LAYER]);
  });
});

describe('travel-time actions', () => {
  it('the nearest list is ranked by travel time for the chosen mode, and the choice is remembered', async () => {
    const fetchImpl = vi.fn(async () => json({ by: 'time', items: [{ id: 1, travel_seconds: 300 }] }));
    const { store, app } = setup(fetchImpl);
    app.setPosition({ lon: 120.16, lat: 30.27, source: 'gps' });
    await flush();
    expect(fetchImpl.mock.calls[0][0]).toContain('by=time&mode=ebike');
    expect(store.get().nearest).toMatchObject({ status: 'ok', byTime: true });
    app.setTravelMode('walk');
    await flush();
    expect(fetchImpl.mock.calls.at(-1)[0]).toContain('mode=walk');
    expect(loadTravelMode()).toBe('walk');
  });

  it('off the road network (422) the list falls back to straight-line distance and says so', async () => {
    const fetchImpl = vi.fn(async (url) => (url.includes('by=time')
      ? json({ status: 422, title: 'Outside the road network.', type: '/problems/outside-road-network' }, 422, 'application/problem+json')
      : json({ items: [{ id: 9 }] })));
    const { store, app } = setup(fetchImpl);
    app.setPosition({ lon: 121.5, lat: 31.0, source: 'manual' });
    await flush();
    await flush();
    expect(store.get().nearest).toMatchObject({ status: 'ok', byTime: false, offNetwork: true, items: [{ id: 9 }] });
  });

  it('without a road graph nothing asks for travel times or service areas', async () => {
    const fetchImpl = vi.fn(async () => json({ items: [] }));
    const { store, app } = setup(fetchImpl, { withRouting: false });
    app.setPosition({ lon: 120.16, lat: 30.27, source: 'gps' });
    await app.selectStation(5, { fly: false });
    expect(fetchImpl.mock.calls.map((c) => c[0]).some((u) => u.includes('by=time') || u.includes('service-area'))).toBe(false);
    expect(store.get().serviceArea.status).toBe('idle');
  });

  it('selecting a station loads its service circle, polls while pending, and closing clears it', async () => {
    vi.useFakeTimers();
    try {
      let pending = true;
      const fetchImpl = vi.fn(async (url) => {
        if (url.includes('service-area')) return json(pending ? { state: 'pending', features: [] } : area('ebike'), 200, 'application/geo+json');
        return json({ id: 5, lon: 120.1, lat: 30.2 });
      });
      const { store, app } = setup(fetchImpl);
      await app.selectStation(5, { fly: false });
      await vi.advanceTimersByTimeAsync(0);
      expect(store.get().serviceArea.status).toBe('pending');
      pending = false;
      await vi.advanceTimersByTimeAsync(SERVICE_AREA_RETRY_MS + 10);
      expect(store.get().serviceArea).toMatchObject({ status: 'ok', mode: 'ebike' });
      expect(store.get().serviceArea.data.features).toHaveLength(3);
      app.closeDetail();
      expect(store.get().serviceArea.status).toBe('idle');
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('the road style', () => {
  it('passes MapLibre style validation (zoom interpolation outermost)', async () => {
    const { validateStyleMin } = await import('@maplibre/maplibre-gl-style-spec');
    const style = basemapStyle({ kind: 'offline' }, [], { roads: { tiles: 'http://x/{z}/{x}/{y}.mvt' } });
    expect(validateStyleMin(style)).toEqual([]);
  });
});

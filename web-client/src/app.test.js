import { describe, expect, it, vi } from 'vitest';
import { createApp } from './app.js';
import { initialState } from './state/appState.js';
import { createStore } from './state/store.js';

function json(body, status = 200, type = 'application/json') {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': type } });
}

/** A fetch whose answers the test releases by hand, in any order. */
function manualFetch() {
  const calls = [];
  const fetchImpl = (url, { signal }) => new Promise((resolve, reject) => {
    signal?.addEventListener('abort', () => reject(signal.reason));
    calls.push({ url, resolve });
  });
  return { calls, fetchImpl };
}

function setup({ fetchImpl, geolocation } = {}) {
  const store = createStore(initialState({ lang: 'zh' }));
  const location = { href: 'http://127.0.0.1:8080/' };
  const history = { state: null, replaceState: vi.fn((_s, _t, url) => { location.href = `http://127.0.0.1:8080${url}`; }) };
  const app = createApp(store, { fetchImpl, geolocation, history, location });
  return { store, app, history, location };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('app actions', () => {
  it('a located position loads the nearest stations for it', async () => {
    const fetchImpl = vi.fn(async () => json({ origin: {}, items: [{ id: 1 }, { id: 2 }] }));
    const geolocation = { getCurrentPosition: (ok) => ok({ coords: { longitude: 120.16, latitude: 30.27, accuracy: 12 } }) };
    const { store, app } = setup({ fetchImpl, geolocation });
    app.locate();
    await flush();
    expect(store.get().position).toMatchObject({ lon: 120.16, lat: 30.27, source: 'gps' });
    expect(fetchImpl.mock.calls[0][0]).toBe('/api/v1/stations/nearest?lon=120.16&lat=30.27&limit=20&crs=wgs84');
    expect(store.get().nearest).toMatchObject({ status: 'ok', items: [{ id: 1 }, { id: 2 }] });
  });

  it('a refused location turns on picking on the map', () => {
    const geolocation = { getCurrentPosition: (_ok, fail) => fail({ code: 1 }) };
    const { store, app } = setup({ fetchImpl: vi.fn(), geolocation });
    app.locate();
    expect(store.get()).toMatchObject({ locateStatus: 'failed', locateError: 'denied', picking: true });
  });

  it('a position tapped on the map ends picking and is marked manual', async () => {
    const fetchImpl = vi.fn(async () => json({ items: [] }));
    const { store, app } = setup({ fetchImpl });
    app.startPicking();
    app.setPosition({ lon: 120.2, lat: 30.3, source: 'manual' });
    expect(store.get().picking).toBe(false);
    expect(store.get().position.source).toBe('manual');
  });

  it('a filter change re-requests, and the older slower answer is dropped', async () => {
    const { calls, fetchImpl } = manualFetch();
    const { store, app } = setup({ fetchImpl });
    app.setPosition({ lon: 120.16, lat: 30.27, source: 'gps' });
    app.toggleAmenity('toilet');
    expect(calls).toHaveLength(2);
    expect(calls[1].url).toContain('amenities=toilet');
    calls[1].resolve(json({ items: [{ id: 'new' }] }));
    calls[0].resolve(json({ items: [{ id: 'stale' }] }));
    await flush();
    expect(store.get().nearest.items).toEqual([{ id: 'new' }]);
  });

  it('an API problem reaches the state as an error with its detail', async () => {
    const fetchImpl = async () => json({ title: 'Bad Request', status: 400, detail: 'lat must be between -90 and 90' }, 400, 'application/problem+json');
    const { store, app } = setup({ fetchImpl });
    app.setPosition({ lon: 120.16, lat: 30.27, source: 'gps' });
    await flush();
    expect(store.get().nearest.status).toBe('error');
    expect(store.get().nearest.error.detail).toBe('lat must be between -90 and 90');
  });

  it('selecting a station writes ?station= and loads its detail; closing removes it', async () => {
    const fetchImpl = vi.fn(async () => json({ id: 7, name: '站', lon: 120.1, lat: 30.2 }));
    const { store, app, location } = setup({ fetchImpl });
    const fly = vi.fn();
    app.onFlyTo(fly);
    await app.selectStation(7);
    expect(location.href).toBe('http://127.0.0.1:8080/?station=7');
    expect(fetchImpl.mock.calls[0][0]).toBe('/api/v1/stations/7');
    expect(store.get().detail).toMatchObject({ status: 'ok', station: { id: 7 } });
    expect(fly).toHaveBeenCalledWith([120.1, 30.2], 16);
    app.closeDetail();
    expect(location.href).toBe('http://127.0.0.1:8080/');
    expect(store.get().selectedId).toBeNull();
  });

  it('a station selected while another is loading wins', async () => {
    const { calls, fetchImpl } = manualFetch();
    const { store, app } = setup({ fetchImpl });
    const first = app.selectStation(1, { lngLat: [120, 30] });
    const second = app.selectStation(2, { lngLat: [120, 30] });
    calls[1].resolve(json({ id: 2 }));
    await second;
    await first;
    expect(store.get().detail.station).toEqual({ id: 2 });
  });

  it('the language choice is remembered', async () => {
    const setItem = vi.fn();
    vi.stubGlobal('localStorage', { getItem: () => null, setItem });
    const { store, app } = setup({ fetchImpl: vi.fn() });
    await app.setLang('en');
    expect(store.get().lang).toBe('en');
    expect(setItem).toHaveBeenCalledWith('stationmap.lang', 'en');
    vi.unstubAllGlobals();
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { createStore } from '../state/store.js';
import { OFFLINE_IDLE } from './state.js';
import { createLazyOffline } from './lazy.js';
import { FROM_CACHE_MESSAGE } from './swRoutes.js';

function memoryStorage() {
  const items = new Map();
  return { getItem: (k) => items.get(k) ?? null, setItem: (k, v) => items.set(k, String(v)), removeItem: (k) => items.delete(k) };
}

function setup({ online = true } = {}) {
  const store = createStore({ offline: { ...OFFLINE_IDLE } });
  const controller = { queue: vi.fn(async (entry) => ({ queued: entry })), flush: vi.fn(async () => 'flushed'), stations: vi.fn(async () => []), station: vi.fn(async () => null), refresh: vi.fn() };
  const start = vi.fn(() => controller);
  const boot = vi.fn(async () => start);
  const listeners = [];
  const serviceWorker = { addEventListener: (type, fn) => listeners.push(fn) };
  const offline = createLazyOffline(store, { device: 'd' }, { boot, onLine: () => online, serviceWorker });
  return { store, offline, boot, start, controller, listeners };
}

describe('the offline chunk, loaded on demand', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('is not needed at start on a phone with no pack, no queued write and a network', () => {
    vi.stubGlobal('localStorage', memoryStorage());
    const { offline, boot } = setup();
    expect(offline.neededAtStart()).toBe(false);
    expect(boot).not.toHaveBeenCalled();
  });

  it('is needed at start offline, or once a pack or a queued write was kept', () => {
    const storage = memoryStorage();
    vi.stubGlobal('localStorage', storage);
    expect(setup({ online: false }).offline.neededAtStart()).toBe(true);
    const { store, offline } = setup();
    store.set({ offline: { ...store.get().offline, pack: { stations: 3 } } });
    expect(offline.neededAtStart()).toBe(true);
    store.set({ offline: { ...store.get().offline, pack: null } });
    expect(offline.neededAtStart()).toBe(false);
    store.set({ offline: { ...store.get().offline, queued: 2 } });
    expect(setup().offline.neededAtStart()).toBe(true);
  });

  it('loads once, and a write queued before it is there reaches the controller', async () => {
    vi.stubGlobal('localStorage', memoryStorage());
    const { offline, boot, start, controller, store } = setup();
    const [a, b] = await Promise.all([offline.queue({ url: '/x' }), offline.flush()]);
    expect(a).toEqual({ queued: { url: '/x' } });
    expect(b).toBe('flushed');
    await offline.load();
    expect(boot).toHaveBeenCalledTimes(1);
    expect(start).toHaveBeenCalledWith(store, { device: 'd' });
    expect(controller.queue).toHaveBeenCalledTimes(1);
  });

  it('opening the panel shows it at once and loads the chunk', async () => {
    vi.stubGlobal('localStorage', memoryStorage());
    const { offline, boot, store } = setup();
    offline.openPanel();
    expect(store.get().offline.panel).toBe(true);
    await offline.load();
    expect(boot).toHaveBeenCalledTimes(1);
  });

  it('hears the service worker say an answer came from its cache, chunk or not', () => {
    vi.stubGlobal('localStorage', memoryStorage());
    const { store, listeners, boot } = setup();
    listeners.forEach((fn) => fn({ data: { type: FROM_CACHE_MESSAGE, url: '/api/v1/stations/nearest?x=1', date: 'Tue, 01 Dec 2026 06:02:00 GMT' } }));
    expect(store.get().offline.asOf['/api/v1/stations/nearest?x=1']).toBe('2026-12-01T06:02:00.000Z');
    expect(boot).not.toHaveBeenCalled();
  });
});

import { describe, expect, it, vi } from 'vitest';
import { createStore } from '../state/store.js';
import { basemapErrorOutcome, isProjectSource, watchBasemapErrors } from './basemapErrors.js';
import { ROADS_SOURCE } from './layers/roads.js';
import { STATIONS_SOURCE } from './layers/stations.js';

const style = { kind: 'style', url: 'http://127.0.0.1:9/style.json' };
const raster = { kind: 'raster', url: 'http://127.0.0.1:9/{z}/{x}/{y}.png' };

describe('basemap errors', () => {
  it('the project\'s own sources are never basemap failures', () => {
    expect(isProjectSource(STATIONS_SOURCE)).toBe(true);
    expect(isProjectSource(ROADS_SOURCE)).toBe(true);
    expect(isProjectSource('openmaptiles')).toBe(false);
    expect(basemapErrorOutcome({ sourceId: STATIONS_SOURCE }, { basemap: raster, styleLoaded: true })).toBe('ignore');
  });

  it('a style that never loaded falls back; a failing tile source is reported; offline ignores all', () => {
    expect(basemapErrorOutcome({ error: new Error('fetch failed') }, { basemap: style, styleLoaded: false })).toBe('fallback');
    expect(basemapErrorOutcome({ sourceId: 'openmaptiles' }, { basemap: style, styleLoaded: true })).toBe('failed');
    expect(basemapErrorOutcome({ sourceId: 'basemap' }, { basemap: raster, styleLoaded: true })).toBe('failed');
    expect(basemapErrorOutcome({ error: new Error('x') }, { basemap: raster, styleLoaded: true })).toBe('ignore');
    expect(basemapErrorOutcome({ sourceId: 'basemap' }, { basemap: { kind: 'offline' }, styleLoaded: false })).toBe('ignore');
  });

  it('on fallback the map gets the offline style and the notice is raised', () => {
    const handlers = {};
    const map = { on: (event, fn) => { handlers[event] = fn; }, setStyle: vi.fn() };
    const store = createStore({ basemapFailed: false });
    watchBasemapErrors(map, { basemap: style, store, styleLoaded: () => false });
    handlers.error({ error: new Error('404') });
    expect(store.get().basemapFailed).toBe(true);
    expect(map.setStyle).toHaveBeenCalledWith(expect.objectContaining({ version: 8, name: 'StationMap offline' }));
  });
});

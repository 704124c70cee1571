import { describe, expect, test } from 'vitest';
import { createLazyPlanner } from './plannerLazy.js';
import { createStore } from './state/store.js';

function fakeChunk(log) {
  return {
    createPlanner: (store) => {
      log.push('created');
      const handlers = {};
      return {
        enter: () => { log.push('enter'); store.set({ view: 'planner' }); },
        leave: () => log.push('leave'),
        toggleView: () => log.push('toggle'),
        loadFaults: (box) => log.push(`faults ${box}`),
        moveStation: (key) => log.push(`move ${key}`),
        toggleRemoved: (id) => log.push(`removed ${id}`),
        onZoomToDistrict: (fn) => { handlers.zoom = fn; },
        onShowSites: (fn) => { handlers.sites = fn; },
        fire: (name, value) => handlers[name](value),
      };
    },
  };
}

describe('the planner loaded on first use', () => {
  test('nothing is loaded until a planner method is called', async () => {
    let loads = 0;
    const lazy = createLazyPlanner(createStore({ view: 'courier' }), { load: async () => { loads += 1; return fakeChunk([]); } });
    lazy.onZoomToDistrict(() => {});
    expect(loads).toBe(0);
    expect(lazy.loaded).toBe(null);
  });

  test('the first call loads the chunk once, mounts it, then goes through; later calls go straight through', async () => {
    const log = [];
    let loads = 0;
    const store = createStore({ view: 'courier' });
    const lazy = createLazyPlanner(store, {
      load: async () => { loads += 1; return fakeChunk(log); },
      onLoad: () => log.push('mounted'),
    });
    await Promise.all([lazy.enter(), lazy.loadFaults('box')]);
    expect(loads).toBe(1);
    expect(log).toEqual(['created', 'mounted', 'enter', 'faults box']);
    expect(store.get().view).toBe('planner');
    lazy.toggleRemoved(7);
    expect(log.at(-1)).toBe('removed 7');
  });

  test('event handlers registered before loading reach the real planner', async () => {
    const seen = [];
    const lazy = createLazyPlanner(createStore({}), { load: async () => fakeChunk([]) });
    lazy.onZoomToDistrict((id) => seen.push(`zoom ${id}`));
    lazy.onShowSites((sites) => seen.push(`sites ${sites.length}`));
    await lazy.load();
    lazy.loaded.fire('zoom', 3);
    lazy.loaded.fire('sites', [1, 2]);
    expect(seen).toEqual(['zoom 3', 'sites 2']);
  });

  test('a failed download is reported and retried on the next call', async () => {
    const errors = [];
    let attempt = 0;
    const log = [];
    const lazy = createLazyPlanner(createStore({}), {
      load: async () => {
        attempt += 1;
        if (attempt === 1) throw new Error('offline');
        return fakeChunk(log);
      },
      onError: (err) => errors.push(err.message),
    });
    await lazy.enter();
    expect(errors).toEqual(['offline']);
    expect(lazy.loaded).toBe(null);
    await lazy.enter();
    expect(log).toEqual(['created', 'enter']);
  });
});

// The planner's actions against a fake fetch: which requests go out, in which order, and what
// the state holds when answers arrive late, out of order or as problems.
import { describe, expect, it, vi } from 'vitest';
import { WORST_POINTS, createPlanner } from './planner.js';
import { initialState } from './state/appState.js';
import { viewFromSearch } from './state/plannerState.js';
import { createStore } from './state/store.js';

function json(body, status = 200, type = 'application/json') {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': type } });
}

/** A fetch whose answers the test releases by hand, in any order. */
function manualFetch() {
  const calls = [];
  const fetchImpl = (url, init = {}) => new Promise((resolve, reject) => {
    init.signal?.addEventListener('abort', () => reject(init.signal.reason));
    calls.push({ url, init, body: init.body ? JSON.parse(init.body) : undefined, resolve, aborted: () => init.signal?.aborted === true });
  });
  return { calls, fetchImpl };
}

function setup(fetchImpl, options = {}) {
  const store = createStore(initialState({ lang: 'zh', view: 'planner' }));
  const location = { href: 'http://127.0.0.1:8080/' };
  const history = { state: null, replaceState: vi.fn((_s, _t, url) => { location.href = `http://127.0.0.1:8080${url}`; }) };
  const download = vi.fn();
  const planner = createPlanner(store, { fetchImpl, history, location, download, now: () => new Date('2026-11-29T05:10:00Z'), ...options });
  return { store, planner, location, download };
}

const flush = () => new Promise((r) => setTimeout(r, 0));
const coverage = (pct) => ({ coverage_pct: pct, total_demand: 100, covered_demand: pct, districts: [], worst: [] });

describe('planner view', () => {
  it('?view=planner opens the planner; anything else is the courier view', () => {
    expect(viewFromSearch('?view=planner')).toBe('planner');
    expect(viewFromSearch('?station=3')).toBe('courier');
    expect(viewFromSearch('')).toBe('courier');
    expect(initialState({ lang: 'zh' }).view).toBe('courier');
  });

  it('entering loads layers, districts, coverage and the demand points, and writes ?view=planner', async () => {
    const fetchImpl = vi.fn(async (url) => json(url.includes('/coverage') ? coverage(80) : url.includes('/layers') && !url.includes('points') ? { items: [] } : { type: 'FeatureCollection', features: [] }));
    const { store, planner, location } = setup(fetchImpl);
    planner.enter();
    await flush();
    const urls = fetchImpl.mock.calls.map((c) => c[0]);
    expect(urls).toEqual([
      '/api/v1/planning/layers',
      '/api/v1/districts?format=geojson',
      `/api/v1/coverage?mode=ebike&minutes=15&layer=demo-demand&worst=${WORST_POINTS}`,
      '/api/v1/planning/layers/demo-demand/points?format=geojson',
    ]);
    expect(location.href).toBe('http://127.0.0.1:8080/?view=planner');
    expect(store.get().coverage).toMatchObject({ status: 'ok', data: { coverage_pct: 80 } });
    planner.leave();
    expect(location.href).toBe('http://127.0.0.1:8080/');
    expect(store.get().view).toBe('courier');
  });

  it('a demand layer missing from the API is replaced by the first one it has', async () => {
    const fetchImpl = vi.fn(async (url) => json(url === '/api/v1/planning/layers'
      ? { items: [{ name: 'riders', kind: 'demand' }, { name: 'sites', kind: 'candidate' }] }
      : url.includes('/coverage') ? coverage(50) : { type: 'FeatureCollection', features: [] }));
    const { store, planner } = setup(fetchImpl);
    await planner.loadLayers();
    expect(store.get().plan.layer).toBe('riders');
    expect(store.get().suggestForm.candidateLayer).toBe('sites');
    expect(fetchImpl.mock.calls.map((c) => c[0])).toContain(`/api/v1/coverage?mode=ebike&minutes=15&layer=riders&worst=${WORST_POINTS}`);
  });

  it('changing mode twice quickly keeps only the newer coverage', async () => {
    const { calls, fetchImpl } = manualFetch();
    const { store, planner } = setup(fetchImpl);
    planner.setPlan({ mode: 'walk' });
    planner.setPlan({ minutes: 10 });
    const cov = calls.filter((c) => c.url.startsWith('/api/v1/coverage'));
    expect(cov).toHaveLength(2);
    expect(cov[0].aborted()).toBe(true);
    expect(cov[1].url).toContain('mode=walk&minutes=10');
    cov[1].resolve(json(coverage(61)));
    cov[0].resolve(json(coverage(99)));
    await flush();
    expect(store.get().coverage.data.coverage_pct).toBe(61);
  });

  it('"open at 23:00" sends that hour today in Shanghai time', () => {
    const { calls, fetchImpl } = manualFetch();
    const { store, planner } = setup(fetchImpl);
    planner.setPlan({ openAt: '23' });
    expect(store.get().plan.at).toBe('2026-11-29T23:00:00+08:00');
    expect(new URL(calls[0].url, 'http://x').searchParams.get('at')).toBe('2026-11-29T23:00:00+08:00');
    planner.setPlan({ openAt: 'all' });
    expect(calls[1].url).not.toContain('at=');
  });

  it('an API problem reaches the coverage state with its words', async () => {
    const fetchImpl = async () => json({ title: 'Bad Request', status: 400, detail: 'unknown layer: nope', errors: { layer: ['unknown'] } }, 400, 'application/problem+json');
    const { store, planner } = setup(fetchImpl);
    await planner.loadCoverage();
    expect(store.get().coverage.status).toBe('error');
    expect(store.get().coverage.error.detail).toBe('unknown layer: nope');
  });

  it('district sort toggles direction on the same column and starts names A→Z', () => {
    const { store, planner } = setup(vi.fn());
    expect(store.get().districtSort).toEqual({ key: 'demand', dir: 'desc' });
    planner.sortDistricts('demand');
    expect(store.get().districtSort).toEqual({ key: 'demand', dir: 'asc' });
    planner.sortDistricts('name');
    expect(store.get().districtSort).toEqual({ key: 'name', dir: 'asc' });
    planner.sortDistricts('coverage_pct');
    expect(store.get().districtSort).toEqual({ key: 'coverage_pct', dir: 'desc' });
    planner.sortDistricts('bogus');
    expect(store.get().districtSort.key).toBe('coverage_pct');
  });

  it('suggest posts p, the plan and the candidate layer, and announces the sites', async () => {
    const answer = { sites: [{ rank: 1, lon: 120.1, lat: 30.2 }], curve: [{ stations: 0, coverage_pct: 70 }, { stations: 1, coverage_pct: 75 }] };
    const fetchImpl = vi.fn(async () => json(answer));
    const { store, planner } = setup(fetchImpl);
    const shown = vi.fn();
    planner.onShowSites(shown);
    planner.setSuggestForm({ p: 5 });
    await planner.runSuggest();
    const [url, init] = fetchImpl.mock.calls[0];
    expect(url).toBe('/api/v1/planning/suggest');
    expect(init.method).toBe('POST');
    expect(JSON.parse(init.body)).toEqual({ mode: 'ebike', minutes: 15, layer: 'demo-demand', p: 5, candidates: { layer: 'demo-candidates' }, exact: 'auto' });
    expect(store.get().suggestion).toMatchObject({ status: 'ok', data: answer, stale: false });
    expect(shown).toHaveBeenCalledWith(answer.sites);
  });

  it('a grid suggestion over the focused district sends the spacing and the district', async () => {
    const fetchImpl = vi.fn(async () => json({ sites: [], curve: [] }));
    const { planner } = setup(fetchImpl);
    planner.focusDistrict(4);
    planner.setSuggestForm({ source: 'grid', spacing: 800, p: 3 });
    await planner.runSuggest();
    expect(JSON.parse(fetchImpl.mock.calls[0][1].body).candidates).toEqual({ grid: { spacing_m: 800, district: 4 } });
  });

  it('an invalid p is refused before any request and said in the state', async () => {
    const fetchImpl = vi.fn();
    const { store, planner } = setup(fetchImpl);
    planner.setSuggestForm({ p: 80 });
    await planner.runSuggest();
    expect(fetchImpl).not.toHaveBeenCalled();
    expect(store.get().suggestion.status).toBe('invalid');
    expect(store.get().suggestion.error).toBeInstanceOf(RangeError);
  });

  it('a suggestion goes stale when the plan changes after it ran', async () => {
    const fetchImpl = vi.fn(async (url) => json(url.includes('suggest') ? { sites: [], curve: [] } : coverage(70)));
    const { store, planner } = setup(fetchImpl);
    await planner.runSuggest();
    planner.setPlan({ minutes: 10 });
    expect(store.get().suggestion.stale).toBe(true);
  });

  it('dragging a hypothetical station sends one request after it rests, and only the last answer counts', async () => {
    vi.useFakeTimers();
    try {
      const { calls, fetchImpl } = manualFetch();
      const { store, planner } = setup(fetchImpl, { debounceMs: 250 });
      const key = planner.addStation([120.1, 30.2]);
      expect(calls).toHaveLength(1);
      expect(calls[0].body).toMatchObject({ add: [{ lon: 120.1, lat: 30.2, label: `#${key}` }], remove: [] });
      planner.moveStation(key, [120.11, 30.2], { final: false });
      planner.moveStation(key, [120.12, 30.2], { final: false });
      planner.moveStation(key, [120.13, 30.2], { final: false });
      expect(calls[0].aborted()).toBe(true);
      expect(calls).toHaveLength(1); // still dragging: nothing sent yet
      expect(store.get().whatIf.status).toBe('pending');
      await vi.advanceTimersByTimeAsync(260);
      expect(calls).toHaveLength(2);
      expect(calls[1].body.add[0].lon).toBe(120.13);
      planner.moveStation(key, [120.2, 30.25]); // dropped: at once
      expect(calls).toHaveLength(3);
      expect(calls[1].aborted()).toBe(true);
      const answer = (pct) => json({ baseline: { coverage_pct: 70 }, scenario: { coverage_pct: pct }, delta_pct: pct - 70, delta_covered: 1, added: [] });
      calls[2].resolve(answer(74));
      calls[1].resolve(answer(71));
      await vi.advanceTimersByTimeAsync(0);
      expect(store.get().whatIf).toMatchObject({ status: 'ok', data: { scenario: { coverage_pct: 74 } } });
    } finally {
      vi.useRealTimers();
    }
  });

  it('removing an existing station is a what-if too; putting it back with nothing else clears the scenario', async () => {
    const fetchImpl = vi.fn(async () => json({ baseline: { coverage_pct: 70 }, scenario: { coverage_pct: 66 }, delta_pct: -4, delta_covered: -4, added: [] }));
    const { store, planner } = setup(fetchImpl);
    planner.toggleRemoved(12);
    await flush();
    expect(JSON.parse(fetchImpl.mock.calls[0][1].body)).toMatchObject({ add: [], remove: [12] });
    expect(store.get().whatIf.data.delta_pct).toBe(-4);
    planner.toggleRemoved(12);
    expect(fetchImpl).toHaveBeenCalledTimes(1);
    expect(store.get().whatIf).toMatchObject({ removed: [], status: 'idle', data: null });
  });

  it('exports fetch the file and hand it to the download with a stamped name', async () => {
    const fetchImpl = vi.fn(async () => new Response('id,name\n1,上城区\n', { headers: { 'content-type': 'text/csv' } }));
    const { planner, download } = setup(fetchImpl);
    await planner.exportFile('districts', 'csv');
    expect(fetchImpl.mock.calls[0][0]).toBe('/api/v1/coverage?mode=ebike&minutes=15&layer=demo-demand&format=csv');
    expect(download.mock.calls[0][1]).toBe('coverage-districts-demo-demand-ebike-15min.csv');
    expect(await download.mock.calls[0][0].text()).toContain('上城区');

    await planner.exportFile('gaps', 'geojson', { getViewBox: () => [120.1, 30.2, 120.3, 30.4] });
    expect(fetchImpl.mock.calls[1][0]).toBe('/api/v1/coverage/gaps?mode=ebike&minutes=15&bbox=120.1,30.2,120.3,30.4&cell=250');

    await planner.exportFile('suggestions', 'geojson');
    expect(fetchImpl.mock.calls[2][0]).toBe('/api/v1/planning/suggest?format=geojson');
    expect(fetchImpl.mock.calls[2][1].method).toBe('POST');
    expect(download.mock.calls[2][1]).toBe('suggested-sites-demo-demand-ebike-15min-p5.geojson');
  });

  it('a failed export is reported, not downloaded', async () => {
    const fetchImpl = async () => json({ title: 'Service Unavailable', status: 503, detail: 'no road graph is loaded' }, 503, 'application/problem+json');
    const { store, planner, download } = setup(fetchImpl);
    await planner.exportFile('districts', 'geojson');
    expect(download).not.toHaveBeenCalled();
    expect(store.get().exporting).toMatchObject({ status: 'error', what: 'districts.geojson' });
    expect(store.get().exporting.error.detail).toBe('no road graph is loaded');
  });
});

describe('stations needed for a target', () => {
  it('cover posts the target % with the plan and the candidate source, and goes stale with the plan', async () => {
    const answer = { stations_needed: 4, reachable: true, max_pct: 97.5, sites: [], curve: [], exact: { status: 'optimal', stations_needed: 4 } };
    const fetchImpl = vi.fn(async (url) => json(url.includes('/planning/cover') ? answer : coverage(70)));
    const { store, planner } = setup(fetchImpl);
    planner.setSuggestForm({ target: 85 });
    await planner.runCover();
    const [url, init] = fetchImpl.mock.calls[0];
    expect(url).toBe('/api/v1/planning/cover');
    expect(JSON.parse(init.body)).toEqual({ mode: 'ebike', minutes: 15, layer: 'demo-demand', target_pct: 85, candidates: { layer: 'demo-candidates' }, exact: 'auto' });
    expect(store.get().cover).toMatchObject({ status: 'ok', data: { stations_needed: 4 } });
    planner.setPlan({ mode: 'walk' });
    expect(store.get().cover.stale).toBe(true);
  });

  it('a target out of range is refused before any request', async () => {
    const fetchImpl = vi.fn();
    const { store, planner } = setup(fetchImpl);
    planner.setSuggestForm({ target: 120 });
    await planner.runCover();
    expect(fetchImpl).not.toHaveBeenCalled();
    expect(store.get().cover.status).toBe('invalid');
  });
});

// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api/client.js';
import { initialState } from '../../state/appState.js';
import { createStore } from '../../state/store.js';
import { mountTopbar } from '../topbar.js';
import { coverWords } from './cover.js';
import { SECTIONS, mountPlanner, needsDraw } from './panel.js';
import { gapWords } from './suggest.js';

const coverage = {
  mode: 'ebike', minutes: 15, layer: 'demo-demand', at: null, graph_version: 3, data_time: '2026-11-29T04:00:00Z',
  stations_considered: 281, total_demand: 1000, covered_demand: 804.5, coverage_pct: 80.45, points: 300, covered_points: 240,
  off_network_demand: 0, mean_minutes: 7.9, p95_minutes: 21.3,
  districts: [
    { id: 1, name: '上城区', name_en: 'Shangcheng', demand: 600, covered: 540, coverage_pct: 90, mean_minutes: 6, p95_minutes: 12 },
    { id: 2, name: '西湖区', name_en: 'Xihu', demand: 400, covered: 264.5, coverage_pct: 66.1, mean_minutes: 10, p95_minutes: 30 },
  ],
  worst: [],
};

function setup(patch = {}, lang = 'en') {
  const store = createStore({ ...initialState({ lang, view: 'planner' }), coverage: { status: 'ok', data: coverage, error: null }, ...patch });
  const planner = new Proxy({}, { get: (target, key) => (target[key] ??= vi.fn()) });
  const el = document.createElement('section');
  document.body.replaceChildren(el);
  mountPlanner(el, { store, planner, getCenter: () => [120.16, 30.27], getViewBox: () => [120, 30, 121, 31] });
  return { store, planner, el };
}

describe('planner panel', () => {
  it('shows the coverage headline with the totals and the district table', () => {
    const { el } = setup();
    expect(el.querySelector('[data-testid="coverage-pct"]').textContent).toBe('80.5%');
    expect(el.querySelector('.plan-big-caption').textContent).toBe('of demand within 15 min by E-bike');
    expect(el.textContent).toContain('805 of 1,000');
    expect(el.querySelectorAll('[data-testid="district-table"] tbody tr')).toHaveLength(2);
  });

  it('the night scenario says which instant counts and how many stations are closed then', () => {
    const night = { ...coverage, at: '2026-11-29T23:00:00+08:00', stations_considered: 106, stations_closed_at: 185 };
    const { el } = setup({ coverage: { status: 'ok', data: night, error: null } });
    expect(el.textContent).toContain('Only stations open at 2026-11-29 23:00');
    expect(el.textContent).toContain('Closed at that time185');
  });

  it('changing a setting calls the planner; the selects offer "open at" hours', () => {
    const { el, planner } = setup();
    el.querySelector('[data-testid="plan-mode"] [data-value="walk"]').click();
    expect(planner.setPlan).toHaveBeenCalledWith({ mode: 'walk' });
    el.querySelector('[data-testid="plan-minutes"] [data-value="10"]').click();
    expect(planner.setPlan).toHaveBeenCalledWith({ minutes: 10 });
    const openAt = el.querySelector('[data-testid="plan-open-at"]');
    expect([...openAt.options].map((o) => o.value).slice(0, 3)).toEqual(['all', 'now', '0']);
    expect(openAt.options).toHaveLength(26);
    openAt.value = '23';
    openAt.dispatchEvent(new Event('change'));
    expect(planner.setPlan).toHaveBeenCalledWith({ openAt: '23' });
  });

  it('arrow keys move the choice inside a segmented control', () => {
    const { el, planner } = setup();
    el.querySelector('[data-testid="plan-minutes"]').dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowLeft', bubbles: true }));
    expect(planner.setPlan).toHaveBeenCalledWith({ minutes: 10 });
  });

  it('a coverage problem is shown in words with a retry', () => {
    const error = new ApiError({ kind: 'http', status: 400, title: 'Bad Request', detail: 'unknown demand layer: nope' });
    const { el, planner } = setup({ coverage: { status: 'error', data: null, error } });
    const box = el.querySelector('[data-testid="coverage-error"]');
    expect(box.textContent).toContain('unknown demand layer: nope');
    box.querySelector('button').click();
    expect(planner.loadCoverage).toHaveBeenCalled();
  });

  it('the suggest form submits p from its input, and the result shows sites, curve and the gap in words', () => {
    const suggestion = {
      status: 'ok', stale: false, error: null,
      data: {
        sites: [1, 2, 3].map((rank) => ({ rank, lon: 120 + rank / 100, lat: 30.2, label: null, newly_covered: 50 / rank, cumulative_pct: 80 + rank })),
        curve: [0, 1, 2, 3].map((n) => ({ stations: n, coverage_pct: 80.45 + n })),
        exact: { status: 'optimal', coverage_pct: 83.9, gap_pct: 0.45, sites: [1, 2, 3] },
        candidates_considered: 312, seconds: 0.4,
      },
    };
    const { el, planner } = setup({ suggestion });
    el.querySelector('[data-testid="suggest-p"]').value = '7';
    el.querySelector('.suggest-form').dispatchEvent(new Event('submit', { cancelable: true }));
    expect(planner.setSuggestForm).toHaveBeenCalledWith(expect.objectContaining({ p: 7 }));
    expect(planner.runSuggest).toHaveBeenCalled();
    expect(el.querySelectorAll('[data-testid="suggested-sites"] li')).toHaveLength(3);
    expect(el.querySelector('[data-testid="curve-chart"] [data-testid="curve-greedy"]').getAttribute('d')).toMatch(/^M/);
    expect(el.querySelector('[data-testid="exact-gap"]').textContent).toBe('Exact solution (optimal): 83.9%, 0.45 percentage points above greedy.');
  });

  it('a skipped exact solver is said so', () => {
    const suggestion = { status: 'ok', stale: true, error: null, data: { sites: [], curve: [{ stations: 0, coverage_pct: 80 }], exact: { status: 'skipped' } } };
    const { el } = setup({ suggestion }, 'zh');
    expect(el.querySelector('[data-testid="exact-gap"]').textContent).toContain('未做精确求解');
    expect(el.querySelector('.suggest-result').classList.contains('stale')).toBe(true);
  });

  it('says how many new stations reach the target, and when it cannot be reached', () => {
    const reached = { status: 'ok', stale: false, error: null, data: { parameters: { target_pct: 90 }, baseline: { coverage_pct: 72.2 }, stations_needed: 4, reachable: true, max_pct: 97.1, exact: { status: 'optimal', stations_needed: 4 } } };
    const { el, planner } = setup({ cover: reached });
    expect(el.querySelector('[data-testid="cover-result"]').textContent).toBe('To reach 90%: 4 new stations (greedy). Exact solver: 4 (optimal).');
    el.querySelector('[data-testid="cover-target"]').value = '95';
    el.querySelector('.cover-form').dispatchEvent(new Event('submit', { cancelable: true }));
    expect(planner.setSuggestForm).toHaveBeenCalledWith({ target: 95 });
    expect(planner.runCover).toHaveBeenCalled();
    const unreachable = { status: 'ok', stale: false, error: null, data: { parameters: { target_pct: 99 }, stations_needed: null, reachable: false, max_pct: 97.1, exact: { status: 'skipped' } } };
    const { el: zh } = setup({ cover: unreachable }, 'zh');
    expect(zh.querySelector('[data-testid="cover-result"]').textContent).toBe('这些候选点无法达到 99%：最多 97.1%。');
  });

  it('what-if shows baseline → scenario and the signed delta; the add button uses the map centre', () => {
    const whatIf = {
      added: [{ key: 1, lon: 120.1, lat: 30.2 }], removed: [7], status: 'ok', error: null,
      data: { baseline: { coverage_pct: 80.45 }, scenario: { coverage_pct: 82.1 }, delta_pct: 1.66, delta_covered: 16.6, added: [{ lon: 120.1, lat: 30.2, snap_distance_m: 18, newly_covered: 16.5 }] },
    };
    const { el, planner } = setup({ whatIf });
    const result = el.querySelector('[data-testid="whatif-result"]');
    expect(result.textContent).toContain('80.5% → 82.1%');
    expect(el.querySelector('[data-testid="whatif-delta"]').textContent).toBe('+1.7 points · +17 demand');
    expect(result.dataset.scenarioPct).toBe('82.1');
    expect(el.querySelector('.plan-whatif [data-station-id="7"]').textContent).toContain('Station 7');
    el.querySelector('[data-testid="whatif-add"]').click();
    expect(planner.addStation).toHaveBeenCalledWith([120.16, 30.27]);
  });

  it('exports call the planner with the format; suggestions wait for a suggestion; a failure is said', () => {
    const error = new ApiError({ kind: 'network' });
    const { el, planner } = setup({ exporting: { status: 'error', what: 'gaps.geojson', error } });
    el.querySelector('[data-export="districts.csv"]').click();
    expect(planner.exportFile).toHaveBeenCalledWith('districts', 'csv', expect.objectContaining({ getViewBox: expect.any(Function) }));
    expect(el.querySelector('[data-export="suggestions.csv"]').disabled).toBe(true);
    expect(el.querySelector('[data-testid="export-error"]').textContent).toContain('Cannot reach the server');
  });

  it('keeps focus on the control that had it when its section redraws', () => {
    const { el, store } = setup();
    el.querySelector('[data-sort="coverage_pct"]').focus();
    store.set({ districtSort: { key: 'coverage_pct', dir: 'desc' } });
    expect(document.activeElement.dataset.sort).toBe('coverage_pct');
  });
});

describe('planner sections', () => {
  it('each section redraws only when a key it reads changes; the others keep their DOM', () => {
    const { el, store } = setup();
    const headline = el.querySelector('[data-testid="coverage-headline"]');
    const table = el.querySelector('[data-testid="district-table"]');
    store.set({ suggestForm: { ...store.get().suggestForm, p: 9 } });
    expect(el.querySelector('[data-testid="coverage-headline"]')).toBe(headline);
    expect(el.querySelector('[data-testid="district-table"]')).toBe(table);
    expect(el.querySelector('[data-testid="suggest-p"]').value).toBe('9');
    store.set({ lang: 'zh' });
    expect(el.querySelector('[data-testid="coverage-headline"]')).not.toBe(headline);
    expect(el.querySelector('.plan-title').textContent).toBe('覆盖规划');
  });

  it('a hidden planner does no work, and opening it draws everything', () => {
    const { el, store } = setup({ view: 'courier' });
    const headline = el.querySelector('[data-testid="coverage-headline"]');
    store.set({ coverage: { status: 'ok', data: { ...coverage, coverage_pct: 50 }, error: null } });
    expect(el.querySelector('[data-testid="coverage-pct"]').textContent).toBe('80.5%');
    store.set({ view: 'planner' });
    expect(el.querySelector('[data-testid="coverage-headline"]')).not.toBe(headline);
    expect(el.querySelector('[data-testid="coverage-pct"]').textContent).toBe('50.0%');
  });

  it('every section reads lang and only keys of the state', () => {
    const keys = new Set(Object.keys(initialState({ lang: 'en' })));
    for (const section of SECTIONS) {
      expect(section.reads).toContain('lang');
      for (const key of section.reads) expect(keys.has(key), key).toBe(true);
    }
    const s = initialState({ lang: 'en' });
    expect(needsDraw(SECTIONS[0], s, null)).toBe(true);
    expect(needsDraw(SECTIONS[0], { ...s, cover: {} }, s)).toBe(false);
  });

  it('the exact gap and the cover count in words', () => {
    const t = (key, params) => `${key}${params ? JSON.stringify(params) : ''}`;
    expect(gapWords({ exact: { status: 'optimal', coverage_pct: 90, gap_pct: 0.001 } }, 'en', t)).toBe('plan.gapZero{"pct":"90.0"}');
    expect(gapWords({ exact: { status: 'timeout', seconds: 30 } }, 'en', t)).toBe('plan.gapSkipped');
    expect(gapWords({}, 'en', t)).toBe('plan.gapNone');
    expect(coverWords({ reachable: true, stations_needed: 0, baseline: { coverage_pct: 91 }, max_pct: 99 }, 90, 'en', t)).toBe('plan.coverAlready{"pct":"91.0","target":"90"}');
    expect(coverWords({ reachable: true, stations_needed: null, parameters: { max_sites: 200 }, max_pct: 99 }, 90.5, 'en', t)).toBe('plan.coverTooMany{"n":"200"}');
  });
});

describe('view switch', () => {
  it('the top bar toggles the planner and says whether it is on', () => {
    const store = createStore(initialState({ lang: 'zh', view: 'courier' }));
    const planner = { toggleView: vi.fn() };
    const el = document.createElement('header');
    mountTopbar(el, { store, actions: { setLang: vi.fn() }, planner });
    const button = el.querySelector('[data-testid="view-toggle"]');
    expect(button.getAttribute('aria-pressed')).toBe('false');
    expect(button.textContent).toBe('规划');
    button.click();
    expect(planner.toggleView).toHaveBeenCalled();
    store.set({ view: 'planner' });
    expect(el.querySelector('[data-testid="view-toggle"]').getAttribute('aria-pressed')).toBe('true');
  });
});

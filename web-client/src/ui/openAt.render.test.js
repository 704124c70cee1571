// @vitest-environment happy-dom
// The "open at" time and the services as the courier sees them: the filter bar's choices, the
// list and cards saying what time they are about, the sheet's week and services.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { initialState } from '../state/appState.js';
import { EMPTY_FILTERS } from '../state/filters.js';
import { presetAt } from '../state/openAt.js';
import { createStore } from '../state/store.js';
import { renderDetail } from './detail.js';
import { mountFilters } from './filters.js';
import { renderList } from './list.js';

const tonight = presetAt('tonight'); // today 23:00 in Shanghai, whatever today is
const station = {
  id: 5, name: '文三路暖心驿站', lon: 120.13, lat: 30.28, tier: 'standard', time_zone: 'Asia/Shanghai', status: 'open',
  amenities: {}, access: [], opening_hours: 'Mo-Fr 08:00-12:00,13:00-17:30; PH off',
  open_state: { state: 'open', next_change: null, comment: null, at: tonight },
  hours_week: [
    { date: tonight.slice(0, 10), weekday: 'Tu', today: true, status: 'open', comment: null, holiday: null,
      ranges: [{ from: '08:00', to: '12:00', status: 'open', comment: null }, { from: '13:00', to: '17:30', status: 'open', comment: null }] },
  ],
  services: [{ kind: 'free_clinic', description: '量血压', hours: 'Tu 14:00-16:00',
    open_state: { state: 'closed', next_change: null, comment: null }, next: { from: '2030-01-01T14:00:00+08:00', to: '2030-01-01T16:00:00+08:00' } }],
};
const withAt = { ...EMPTY_FILTERS, openNow: true, at: tonight, atChoice: 'tonight' };
const actions = () => new Proxy({}, { get: (target, key) => (target[key] ??= vi.fn()) });

afterEach(() => { document.body.replaceChildren(); });

describe('with an "open at" time', () => {
  it('the list says which time it is about, each card too, with a way back to now', () => {
    const a = actions();
    const state = { ...initialState({ lang: 'zh' }), filters: withAt, position: { lon: 120, lat: 30, source: 'gps' }, nearest: { status: 'ok', items: [station], error: null } };
    const el = renderList(state, a);
    expect(el.querySelector('[data-testid="list-at"]').textContent).toContain('按 23:00 是否营业筛选');
    expect(el.querySelector('[data-station-id] .badge').textContent).toBe('23:00 营业中');
    el.querySelector('[data-testid="at-clear"]').click();
    expect(a.clearOpenAt).toHaveBeenCalled();
    const en = renderList({ ...state, lang: 'en' }, a);
    expect(en.querySelector('[data-station-id] .badge').textContent).toBe('Open at 23:00');
  });

  it('the sheet shows the instant\'s state on the evaluated day, the lunch break as two spans, and the services', () => {
    const state = { ...initialState({ lang: 'zh' }), filters: withAt, selectedId: 5, detail: { status: 'ok', station, error: null } };
    const el = renderDetail(state, actions());
    expect(el.querySelector('[data-testid="detail-at"]').textContent).toContain('23:00');
    const today = el.querySelector('.hours-row.today');
    expect([...today.querySelectorAll('[data-span]')].map((s) => s.textContent)).toEqual(['08:00–12:00', '13:00–17:30']);
    expect(today.querySelector('[data-testid="hours-at"]').textContent).toBe('23:00 营业中');
    const clinic = el.querySelector('[data-service="free_clinic"]');
    expect(clinic.textContent).toContain('义诊');
    expect(clinic.querySelector('[data-testid="service-next"]').textContent).toMatch(/^下次: 1月1日 周二 14:00–16:00$/);
    expect(clinic.textContent).toContain('量血压');
  });

  it('a station without services has no services section', () => {
    const state = { ...initialState({ lang: 'zh' }), selectedId: 5, detail: { status: 'ok', station: { ...station, services: [] }, error: null } };
    expect(renderDetail(state, actions()).querySelector('[data-testid="services"]')).toBeNull();
  });
});

describe('filter bar', () => {
  function mount(filters = EMPTY_FILTERS) {
    const store = createStore({ ...initialState({ lang: 'zh' }), filters, config: { amenities: ['toilet'] } });
    const el = document.createElement('nav');
    document.body.append(el);
    const a = actions();
    mountFilters(el, { store, actions: a });
    return { el, store, a };
  }

  it('"open at…" opens its four choices; a preset is applied and the panel closes', () => {
    const { el, a } = mount();
    el.querySelector('[data-filter="open_at"]').click();
    expect([...el.querySelectorAll('[data-at-choice]')].map((b) => b.textContent)).toEqual(['现在', '今晚 23:00', '明早 07:00', '选择时间…']);
    el.querySelector('[data-at-choice="tonight"]').click();
    expect(a.setOpenAt).toHaveBeenCalledWith('tonight');
    expect(el.querySelector('[data-panel]')).toBeNull();
  });

  it('"pick a time" shows a date-time input whose value is applied as a Shanghai wall time', () => {
    const { el, a } = mount();
    el.querySelector('[data-filter="open_at"]').click();
    el.querySelector('[data-at-choice="custom"]').click();
    const input = el.querySelector('[data-testid="at-input"]');
    expect(input.type).toBe('datetime-local');
    input.value = '2026-12-05T06:15';
    input.dispatchEvent(new Event('input'));
    el.querySelector('[data-testid="at-apply"]').click();
    expect(a.setOpenAt).toHaveBeenCalledWith('custom', { wall: '2026-12-05T06:15' });
  });

  it('a set time shows on its chip, and the open-now chip is then not pressed', () => {
    const { el } = mount(withAt);
    expect(el.querySelector('[data-filter="open_at"]').textContent).toBe('23:00 营业');
    expect(el.querySelector('[data-filter="open_at"]').getAttribute('aria-pressed')).toBe('true');
    expect(el.querySelector('[data-filter="open_now"]').getAttribute('aria-pressed')).toBe('false');
  });

  it('services: kinds toggle, today or now, the count on the chip', () => {
    const { el, a, store } = mount();
    el.querySelector('[data-filter="services"]').click();
    expect(el.querySelectorAll('[data-service-kind]')).toHaveLength(6);
    el.querySelector('[data-service-kind="free_clinic"]').click();
    expect(a.toggleService).toHaveBeenCalledWith('free_clinic');
    el.querySelector('[data-service-when="now"]').click();
    expect(a.setServiceWhen).toHaveBeenCalledWith('now');
    store.set({ filters: { ...EMPTY_FILTERS, services: ['free_clinic'] } });
    expect(el.querySelector('[data-filter="services"]').textContent).toBe('服务 · 1');
    expect(el.querySelector('[data-service-kind="free_clinic"]').getAttribute('aria-pressed')).toBe('true');
  });
});

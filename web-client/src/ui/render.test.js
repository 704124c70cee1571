// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/client.js';
import { initialState } from '../state/appState.js';
import { renderDetail } from './detail.js';
import { renderList } from './list.js';

const station = {
  id: 12,
  name: '文三路暖心驿站',
  name_en: 'Wensan Road Warm Station',
  address: '文三路 100 号',
  district: '西湖区',
  lon: 120.13,
  lat: 30.28,
  tier: 'standard',
  operator: '西湖区总工会',
  phone: '0571-8888 1234',
  opening_hours: 'Mo-Su 08:00-20:00',
  time_zone: 'Asia/Shanghai',
  status: 'open',
  status_reason: null,
  capacity: 12,
  amenities: { drinking_water: 'yes', microwave: 'no', toilet: 'unknown' },
  access: ['all_outdoor_workers', 'qr_door'],
  verified_at: null,
  is_demo: true,
  open_state: { state: 'open', next_change: null },
  navigation: { amap: 'https://uri.amap.com/navigation?to=1', baidu: 'https://api.map.baidu.com/direction?x=1', apple: 'https://maps.apple.com/?daddr=1' },
  hours_week: [
    { date: '2026-11-22', weekday: 'Su', today: true, status: 'open', ranges: [{ from: '08:00', to: '20:00' }], comment: null },
    { date: '2026-11-23', weekday: 'Mo', today: false, status: 'open', ranges: [{ from: '08:00', to: '20:00' }], comment: null },
  ],
};

const actions = new Proxy({}, { get: () => vi.fn() });

function detailState(lang = 'zh') {
  return {
    ...initialState({ lang }),
    config: { amenities: ['drinking_water', 'microwave', 'toilet'] },
    selectedId: 12,
    detail: { status: 'ok', station, error: null },
    position: { lon: 120.16, lat: 30.27, source: 'gps' },
  };
}

describe('station detail', () => {
  it('shows unknown amenities as unknown, not as no', () => {
    const el = renderDetail(detailState('zh'), actions);
    const toilet = el.querySelector('[data-amenity="toilet"]');
    expect(toilet.dataset.state).toBe('unknown');
    expect(toilet.textContent).toContain('未知');
    expect(el.querySelector('[data-amenity="microwave"]').textContent).toContain('无');
    expect(el.querySelector('[data-amenity="drinking_water"]').textContent).toContain('有');
  });

  it('highlights today in the hours', () => {
    const el = renderDetail(detailState('en'), actions);
    const today = el.querySelectorAll('.hours-row.today');
    expect(today).toHaveLength(1);
    expect(today[0].getAttribute('aria-current')).toBe('date');
    expect(today[0].textContent).toContain('Today');
    expect(today[0].textContent).toContain('08:00–20:00');
  });

  it('links the phone with tel: and offers the three navigation apps from the API', () => {
    const el = renderDetail(detailState('zh'), actions);
    expect(el.querySelector('a.phone-link').getAttribute('href')).toBe('tel:057188881234');
    const nav = [...el.querySelectorAll('[data-nav]')].map((a) => [a.dataset.nav, a.getAttribute('href')]);
    expect(nav).toEqual([['amap', station.navigation.amap], ['baidu', station.navigation.baidu], ['apple', station.navigation.apple]]);
  });

  it('shows capacity, access rules, address and "not verified"', () => {
    const text = renderDetail(detailState('en'), actions).textContent;
    expect(text).toContain('about 12 people');
    expect(text).toContain('QR-code door');
    expect(text).toContain('文三路 100 号');
    expect(text).toContain('Not verified yet');
  });

  it('uses the English name in English and keeps the Chinese one as subtitle', () => {
    const el = renderDetail(detailState('en'), actions);
    expect(el.querySelector('.detail-title').textContent).toBe('Wensan Road Warm Station');
    expect(el.querySelector('.detail-subtitle').textContent).toBe('文三路暖心驿站');
  });

  it('shows the API problem detail when the station cannot be loaded', () => {
    const state = { ...detailState('zh'), detail: { status: 'error', station: null, error: new ApiError({ kind: 'http', status: 404, title: 'Not Found', detail: 'Station 99 does not exist.' }) } };
    const el = renderDetail(state, actions);
    expect(el.querySelector('[data-testid="detail-error"]').textContent).toContain('Station 99 does not exist.');
  });

  it('API text is inserted as text, never as HTML', () => {
    const state = detailState('zh');
    state.detail = { status: 'ok', station: { ...station, name: '<img src=x onerror=alert(1)>' }, error: null };
    const el = renderDetail(state, actions);
    expect(el.querySelector('img')).toBeNull();
  });
});

describe('nearest list', () => {
  const items = [
    { ...station, id: 1, distance_m: 354 },
    { ...station, id: 2, name: '二号站', distance_m: 1234, open_state: { state: 'unknown', next_change: null } },
  ];

  it('lists stations in the order given, with distance and badge', () => {
    const state = { ...initialState({ lang: 'zh' }), position: { lon: 120, lat: 30, source: 'gps' }, nearest: { status: 'ok', items, error: null } };
    const el = renderList(state, actions);
    const rows = [...el.querySelectorAll('[data-station-id]')];
    expect(rows.map((r) => r.dataset.stationId)).toEqual(['1', '2']);
    expect(rows[0].querySelector('.item-distance').textContent).toBe('350 米');
    expect(rows[1].querySelector('.item-distance').textContent).toBe('1.2 公里');
    expect(rows[1].querySelector('[data-open-state]').dataset.openState).toBe('unknown');
  });

  it('shows a network failure in words with a retry button', () => {
    const state = { ...initialState({ lang: 'en' }), position: { lon: 120, lat: 30, source: 'gps' }, nearest: { status: 'error', items: [], error: new ApiError({ kind: 'network' }) } };
    const el = renderList(state, actions);
    expect(el.querySelector('[data-testid="list-error"]').textContent).toContain('Cannot reach the server');
    expect(el.querySelector('[data-testid="list-retry"]')).not.toBeNull();
  });

  it('offers locate-again and pick-on-map when locating failed', () => {
    const state = { ...initialState({ lang: 'zh' }), locateStatus: 'failed', locateError: 'denied' };
    const el = renderList(state, actions);
    expect(el.querySelector('[data-testid="locate-failed"]').textContent).toContain('定位权限被拒绝');
  });
});

// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/client.js';
import { IDLE_LIVE_ACTION } from '../live/actions.js';
import { initialState } from '../state/appState.js';
import { renderList } from './list.js';
import { liveBadges, liveSection } from './live.js';

const minutesAgo = (n) => new Date(Date.now() - n * 60000).toISOString();
const typical = { crowding: 'full', score: 1.8, samples: 12, weekday: 'Tu', hour: 12 };
const station = (live) => ({
  id: 7, name: '武林驿站', lon: 120.16, lat: 30.27, tier: 'standard', status: 'open', distance_m: 200,
  open_state: { state: 'open' }, amenities: { microwave: 'yes', drinking_water: 'yes', toilet: 'no' }, live,
});

function detailState(live, liveAction = IDLE_LIVE_ACTION, lang = 'zh') {
  return { ...initialState({ lang }), selectedId: 7, detail: { status: 'ok', station: station(live), error: null }, liveAction, config: { amenities: ['drinking_water', 'microwave', 'toilet'] } };
}

describe('live badges', () => {
  it('a live value is solid with its age and source; a typical one is marked usual', () => {
    const live = liveBadges({ crowding: { value: 'some_seats', confidence: 0.6, as_of: minutesAgo(3), source: 'staff' }, faults: [] }, 'zh');
    const badge = live.querySelector('[data-live="crowding"]');
    expect(badge.dataset.kind).toBe('live');
    expect(badge.className).toContain('live-live');
    expect(badge.textContent).toBe('有座 · 3 分钟前 · 工作人员');

    const usual = liveBadges({ crowding: null, typical, faults: [] }, 'en').querySelector('[data-live="crowding"]');
    expect(usual.dataset.kind).toBe('typical');
    expect(usual.className).toContain('live-typical');
    expect(usual.textContent).toBe('Usually full');
    expect(usual.title).toContain('not live');
  });

  it('the list shows compact badges: no age words, still marked typical', () => {
    const state = { ...initialState({ lang: 'zh' }), position: { lon: 120.16, lat: 30.27, source: 'gps' }, nearest: { status: 'ok', items: [station({ crowding: null, typical, faults: [{ id: 1 }] })], error: null } };
    const el = renderList(state, new Proxy({}, { get: () => vi.fn() }));
    const badges = [...el.querySelectorAll('[data-testid="station-list"] .live-badge')].map((b) => [b.dataset.live, b.dataset.kind, b.textContent]);
    expect(badges).toEqual([['crowding', 'typical', '通常满'], ['faults', 'live', '1 项故障']]);
  });
});

describe('the sheet live section', () => {
  it('says when nothing is known, and offers both taps', () => {
    const el = liveSection(detailState({ crowding: null, typical: null, faults: [], amenities: {}, seq: 0 }), {});
    expect(el.textContent).toContain('暂无实时信息');
    expect(el.querySelector('[data-testid="checkin-open"]').textContent).toBe('我到了');
    expect(el.querySelector('[data-testid="report-open"]').textContent).toBe('报告问题');
  });

  it('a typical value carries the note that it is not live', () => {
    const el = liveSection(detailState({ crowding: null, typical, faults: [], amenities: {}, seq: 3 }), {});
    expect(el.querySelector('.live-typical-note').textContent).toBe('这是通常情况，不是实时信息');
    expect(el.dataset.seq).toBe('3');
  });

  it('the check-in panel offers the three crowding choices and sends the one tapped', () => {
    const checkIn = vi.fn();
    const el = liveSection(detailState({ faults: [] }, { ...IDLE_LIVE_ACTION, stationId: 7, mode: 'checkin' }), { checkIn });
    const choices = [...el.querySelectorAll('[data-crowding]')];
    expect(choices.map((c) => c.textContent)).toEqual(['空', '有座', '满']);
    choices[2].click();
    expect(checkIn).toHaveBeenCalledWith('full');
  });

  it('the report panel lists the station’s amenities and the station, then that amenity’s states', () => {
    const chooseAmenity = vi.fn();
    const report = vi.fn();
    const list = liveSection(detailState({ faults: [] }, { ...IDLE_LIVE_ACTION, stationId: 7, mode: 'report' }), { chooseAmenity });
    expect([...list.querySelectorAll('[data-amenity]')].map((b) => b.dataset.amenity)).toEqual(['drinking_water', 'microwave', 'station']);
    const water = liveSection(detailState({ faults: [] }, { ...IDLE_LIVE_ACTION, stationId: 7, mode: 'report', amenity: 'drinking_water' }), { report });
    const states = [...water.querySelectorAll('[data-state]')];
    expect(states.map((b) => b.dataset.state)).toEqual(['working', 'broken', 'empty']);
    states[2].click();
    expect(report).toHaveBeenCalledWith('drinking_water', 'empty');
  });

  it('shows a 422 too-far in words and a success with its ticket', () => {
    const tooFar = new ApiError({ kind: 'http', status: 422, type: '/problems/too-far', detail: '4980 m from the station' });
    const failed = liveSection(detailState({ faults: [] }, { ...IDLE_LIVE_ACTION, stationId: 7, mode: 'checkin', status: 'error', error: tooFar }, 'en'), {});
    expect(failed.querySelector('[data-testid="live-error"]').textContent).toBe('You are too far from the station: check-ins and reports must be within 300 m of it. Server: 4980 m from the station');
    const done = liveSection(detailState({ faults: [] }, { ...IDLE_LIVE_ACTION, stationId: 7, mode: 'report', status: 'ok', done: { kind: 'report', ticket: { id: 41, state: 'reported' } } }), {});
    expect(done.querySelector('[data-testid="live-done"]').textContent).toBe('谢谢！已记录为故障单 #41（待确认）。');
    expect(done.querySelector('[data-testid="report-panel"]')).toBeNull();
  });

  it('lists amenity states with their source and the open faults', () => {
    const el = liveSection(detailState({
      crowding: null, typical: null, seq: 9,
      amenities: { microwave: { value: 'broken', confidence: 0.8, as_of: minutesAgo(10), source: 'crowd', ticket_id: 5, ticket_state: 'confirmed' } },
      faults: [{ id: 5, amenity: 'microwave', problem: 'broken', state: 'confirmed' }, { id: 6, amenity: 'station', problem: 'closed_now', state: 'acknowledged' }],
    }), {});
    expect(el.querySelector('[data-amenity="microwave"]').textContent).toBe(' 微波炉: 故障 · 10 分钟前 · 骑手已确认');
    expect(el.querySelector('[data-ticket="6"]').textContent).toBe(' 驿站本身：暂停开放（处理中）');
  });
});

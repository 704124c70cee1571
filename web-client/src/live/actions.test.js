import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client.js';
import { createStore } from '../state/store.js';
import { IDLE_LIVE_ACTION, createLive, currentPosition, geoError, liveErrorText, reportStates, reportableAmenities } from './actions.js';

describe('reportStates', () => {
  it('follows the contract: equipment works or not, water may be empty, the station may be closed, misplaced or gone', () => {
    expect(reportStates('microwave')).toEqual(['working', 'broken']);
    expect(reportStates('drinking_water')).toEqual(['working', 'broken', 'empty']);
    expect(reportStates('station')).toEqual(['operating', 'closed_now', 'wrong_location', 'gone']);
  });

  it('offers the amenities the station has, then the station itself', () => {
    expect(reportableAmenities({ amenities: { toilet: 'yes', microwave: 'no', drinking_water: 'yes' } }, ['drinking_water', 'microwave', 'toilet']))
      .toEqual(['drinking_water', 'toilet', 'station']);
  });
});

describe('liveErrorText', () => {
  it('says why the position is missing', () => {
    expect(liveErrorText(geoError('denied'), 'zh')).toContain('没有定位权限');
    expect(liveErrorText(geoError('unsupported'), 'en')).toContain('cannot tell your position');
  });

  it('explains a 422 too-far in the language chosen and keeps the server’s words', () => {
    const err = new ApiError({ kind: 'http', status: 422, type: '/problems/too-far', detail: 'The position is 5012 m from station 7; at most 300 m.' });
    expect(liveErrorText(err, 'zh')).toBe('你离驿站太远：签到和报告需要在驿站 300 米以内。 服务器说明：The position is 5012 m from station 7; at most 300 m.');
    expect(liveErrorText(err, 'en')).toMatch(/^You are too far from the station/);
  });

  it('gives the wait of a 429 and names a blocked device', () => {
    expect(liveErrorText(new ApiError({ kind: 'http', status: 429, type: '/problems/rate-limited', retryAfter: 30 }), 'en')).toBe('Too many submissions; please try again in 30 s.');
    expect(liveErrorText(new ApiError({ kind: 'http', status: 403, type: '/problems/device-blocked' }), 'zh')).toBe('这台设备已被停止提交。');
  });
});

describe('currentPosition', () => {
  it('turns a refused permission into a geo error', async () => {
    const geolocation = { getCurrentPosition: (_ok, fail) => fail({ code: 1 }) };
    await expect(currentPosition(geolocation)).rejects.toMatchObject({ geo: 'denied' });
    await expect(currentPosition(undefined)).rejects.toMatchObject({ geo: 'unsupported' });
  });
});

describe('createLive', () => {
  it('without a position it says so and sends nothing', async () => {
    const store = createStore({ selectedId: 4, liveAction: IDLE_LIVE_ACTION, nearest: { items: [] }, detail: { station: { id: 4 } }, mapStations: [] });
    const device = { withToken: () => { throw new Error('no write expected'); } };
    const live = createLive({ store }, { geolocation: { getCurrentPosition: (_ok, fail) => fail({ code: 1 }) }, device });
    live.openCheckin();
    expect(store.get().liveAction).toMatchObject({ stationId: 4, mode: 'checkin' });
    await live.checkIn('full');
    expect(store.get().liveAction.status).toBe('error');
    expect(store.get().liveAction.error.geo).toBe('denied');
  });
});

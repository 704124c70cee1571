import { describe, expect, it } from 'vitest';
import { createStore } from '../state/store.js';
import { applyLiveEvent, isNewer, liveStatePatch, parseLiveEvent } from './apply.js';

const live = (seq, crowding = 'full') => ({ crowding: { value: crowding, confidence: 0.6, as_of: '2026-12-01T05:00:00Z', source: 'crowd' }, faults: [], seq });
const feature = (id, l) => ({ type: 'Feature', id, geometry: { type: 'Point', coordinates: [120, 30] }, properties: { id, name: `s${id}`, live: l } });

function state() {
  return {
    nearest: { status: 'ok', items: [{ id: 1, live: live(5, 'empty') }, { id: 2, live: live(7, 'empty') }], error: null },
    detail: { status: 'ok', station: { id: 1, live: live(5, 'empty') }, error: null },
    mapStations: [feature(1, live(5, 'empty')), feature(2, live(7, 'empty')), feature(3, null)],
  };
}

describe('parseLiveEvent', () => {
  it('reads the stream event data', () => {
    expect(parseLiveEvent('{"station_id":4,"seq":12,"live":{"seq":12}}')).toEqual({ station_id: 4, seq: 12, live: { seq: 12 } });
  });

  it('drops what is not a live event', () => {
    expect(parseLiveEvent('not json')).toBeNull();
    expect(parseLiveEvent('{"station_id":"x","live":{}}')).toBeNull();
    expect(parseLiveEvent('{"station_id":4}')).toBeNull();
  });
});

describe('liveStatePatch', () => {
  it('updates the station in the list, the open sheet and the map, and nothing else', () => {
    const s = state();
    const patch = liveStatePatch(s, 1, live(9));
    expect(patch.nearest.items[0].live.seq).toBe(9);
    expect(patch.nearest.items[1]).toBe(s.nearest.items[1]);
    expect(patch.detail.station.live.crowding.value).toBe('full');
    expect(patch.mapStations[0].properties.live.seq).toBe(9);
    expect(patch.mapStations[1]).toBe(s.mapStations[1]);
    expect(patch.mapStations[0].properties.name).toBe('s1');
  });

  it('ignores an older or equal change (a late answer, a replayed event)', () => {
    const s = state();
    expect(liveStatePatch(s, 1, live(4))).toBeNull();
    expect(liveStatePatch(s, 1, live(5))).toBeNull();
  });

  it('touches only the map for a station that is not listed or open, and sets live where none was', () => {
    const patch = liveStatePatch(state(), 3, live(2));
    expect(Object.keys(patch)).toEqual(['mapStations']);
    expect(patch.mapStations[2].properties.live.seq).toBe(2);
  });

  it('is null for a station shown nowhere', () => {
    expect(liveStatePatch(state(), 99, live(1))).toBeNull();
  });
});

describe('applyLiveEvent', () => {
  it('sets the store once per change and reports whether anything changed', () => {
    const store = createStore(state());
    let calls = 0;
    store.subscribe(() => { calls += 1; });
    expect(applyLiveEvent(store, parseLiveEvent(JSON.stringify({ station_id: 2, seq: 8, live: live(8) })))).toBe(true);
    expect(store.get().nearest.items[1].live.crowding.value).toBe('full');
    expect(applyLiveEvent(store, parseLiveEvent(JSON.stringify({ station_id: 2, seq: 8, live: live(8) })))).toBe(false);
    expect(calls).toBe(1);
  });
});

describe('isNewer', () => {
  it('accepts anything over nothing and a higher seq over a lower one', () => {
    expect(isNewer(live(1), null)).toBe(true);
    expect(isNewer(live(2), live(1))).toBe(true);
    expect(isNewer(live(1), live(2))).toBe(false);
  });
});

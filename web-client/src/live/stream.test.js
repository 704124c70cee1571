import { describe, expect, it, vi } from 'vitest';
import { createStore } from '../state/store.js';
import { createLiveStream, needsReopen, streamBox } from './stream.js';

/** Records what the stream module asks of EventSource and lets a test fire its events. */
class RecordingEventSource {
  static all = [];
  constructor(url) {
    this.url = url;
    this.readyState = 0;
    this.listeners = {};
    this.closed = false;
    RecordingEventSource.all.push(this);
  }
  addEventListener(name, fn) { (this.listeners[name] ??= []).push(fn); }
  close() { this.closed = true; this.readyState = 2; }
  fire(name, event = {}) { for (const fn of this.listeners[name] ?? []) fn(event); }
}

const view = [120.1, 30.2, 120.2, 30.3];
const live = (seq) => ({ crowding: { value: 'full', confidence: 0.6, as_of: '2026-12-01T05:00:00Z', source: 'crowd' }, faults: [], seq });

describe('needsReopen', () => {
  it('keeps the stream while the view stays in its box, reopens when it leaves or zooms far in', () => {
    const box = streamBox(view);
    expect(needsReopen(null, view)).toBe(true);
    expect(needsReopen(box, view)).toBe(false);
    expect(needsReopen(box, [120.12, 30.22, 120.22, 30.32])).toBe(false);
    expect(needsReopen(box, [120.3, 30.2, 120.4, 30.3])).toBe(true);
    expect(needsReopen(box, [120.15, 30.25, 120.16, 30.26])).toBe(true);
  });
});

describe('createLiveStream', () => {
  it('opens on the padded view, applies live events and asks for what it missed when reopened elsewhere', () => {
    RecordingEventSource.all = [];
    const store = createStore({ nearest: { items: [{ id: 5, live: live(1) }] }, detail: { station: null }, mapStations: [], liveStream: 'idle' });
    const seen = [];
    const stream = createLiveStream({ store, EventSourceImpl: RecordingEventSource, onEvent: (e) => seen.push(e.station_id) });
    stream.follow(view);
    const first = RecordingEventSource.all[0];
    expect(first.url).toBe('/api/v1/live/stream?bbox=120.05,30.15,120.25,30.35');
    expect(store.get().liveStream).toBe('connecting');
    first.fire('open');
    expect(store.get().liveStream).toBe('open');

    first.fire('live', { data: JSON.stringify({ station_id: 5, seq: 42, live: live(42) }), lastEventId: '42' });
    expect(store.get().nearest.items[0].live.seq).toBe(42);
    expect(seen).toEqual([5]);

    stream.follow(view); // same view: same stream
    expect(RecordingEventSource.all).toHaveLength(1);
    stream.follow([121, 31, 121.1, 31.1]);
    expect(first.closed).toBe(true);
    expect(RecordingEventSource.all[1].url).toContain('last_event_id=42');

    // Events of the closed stream no longer count.
    first.fire('live', { data: JSON.stringify({ station_id: 5, seq: 50, live: live(50) }), lastEventId: '50' });
    expect(store.get().nearest.items[0].live.seq).toBe(42);
  });

  it('says when it is reconnecting and calls onReset on a reset event', () => {
    RecordingEventSource.all = [];
    const store = createStore({ nearest: { items: [] }, detail: {}, mapStations: [], liveStream: 'idle' });
    let resets = 0;
    const stream = createLiveStream({ store, EventSourceImpl: RecordingEventSource, onReset: () => { resets += 1; } });
    stream.follow(view);
    const es = RecordingEventSource.all[0];
    es.readyState = 0;
    es.fire('error');
    expect(store.get().liveStream).toBe('reconnecting');
    es.fire('reset');
    expect(resets).toBe(1);
  });

  it('opens again later when the server refused the stream (EventSource gives up on an HTTP error)', () => {
    vi.useFakeTimers();
    try {
      RecordingEventSource.all = [];
      const store = createStore({ nearest: { items: [] }, detail: {}, mapStations: [], liveStream: 'idle' });
      const stream = createLiveStream({ store, EventSourceImpl: RecordingEventSource, reopenMs: 5000 });
      stream.follow(view);
      const es = RecordingEventSource.all[0];
      es.fire('live', { data: JSON.stringify({ station_id: 1, seq: 77, live: live(77) }), lastEventId: '77' });
      es.readyState = 2;
      es.fire('error');
      expect(store.get().liveStream).toBe('closed');
      vi.advanceTimersByTime(4999);
      expect(RecordingEventSource.all).toHaveLength(1);
      vi.advanceTimersByTime(1);
      expect(RecordingEventSource.all).toHaveLength(2);
      expect(RecordingEventSource.all[1].url).toContain('last_event_id=77');
      stream.close();
      expect(RecordingEventSource.all[1].closed).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});

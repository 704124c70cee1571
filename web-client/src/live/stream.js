// Live changes without a reload: one EventSource on /live/stream for the map's view (plus a
// margin), reopened only when the map moves out of that box (or zooms far into it), each `live`
// event applied to the list, the sheet and the map. EventSource reconnects by itself after a
// drop and sends Last-Event-ID, so the server replays what changed meanwhile; a stream reopened
// for a new box asks for the same with last_event_id. An `event: reset` (the seq is older than
// the server keeps) means: reload what is shown.
import { liveStreamUrl } from '../api/liveRequests.js';
import { containsBox, padBox } from '../map/viewport.js';
import { applyLiveEvent, parseLiveEvent } from './apply.js';

/** The box a stream is opened for: the view with half its size again on every side. */
export function streamBox(view) {
  return padBox(view, 0.5);
}

const area = ([w, s, e, n]) => Math.max(0, e - w) * Math.max(0, n - s);

/** True when a stream open for box no longer fits view: view left it, or zoomed in to under 1/16 of it. */
export function needsReopen(box, view) {
  if (!box) return true;
  if (!containsBox(box, view)) return true;
  return area(view) > 0 && area(view) * 16 < area(box);
}

/**
 * store: the app's store (liveStream: idle|connecting|open|reconnecting is kept in it);
 * onEvent(event) after an event is applied (the map loader keeps its copy in step);
 * onReset() when the server says to reload.
 */
export function createLiveStream({ store, EventSourceImpl = globalThis.EventSource, onEvent, onReset, reopenMs = 10000 } = {}) {
  let source = null;
  let box = null;
  let lastSeq = 0;
  let timer = null;

  function open(view) {
    source?.close();
    clearTimeout(timer);
    box = streamBox(view);
    connect();
  }

  function connect() {
    if (!EventSourceImpl) return;
    store.set({ liveStream: 'connecting' });
    const es = new EventSourceImpl(liveStreamUrl(box, { lastEventId: lastSeq }));
    source = es;
    es.addEventListener('open', () => source === es && store.set({ liveStream: 'open' }));
    es.addEventListener('error', () => {
      if (source !== es) return;
      // CLOSED: the server answered with an error (a restart's 503, a 404); EventSource gives up
      // there, so try again later with what was seen so far.
      if (es.readyState === 2) {
        store.set({ liveStream: 'closed' });
        clearTimeout(timer);
        timer = setTimeout(() => source === es && connect(), reopenMs);
      } else {
        store.set({ liveStream: 'reconnecting' });
      }
    });
    es.addEventListener('live', (e) => {
      if (source !== es) return;
      const event = parseLiveEvent(e.data);
      if (!event) return;
      const seq = Number(e.lastEventId) || event.seq;
      if (Number.isFinite(seq) && seq > lastSeq) lastSeq = seq;
      applyLiveEvent(store, event);
      onEvent?.(event);
    });
    es.addEventListener('reset', () => source === es && onReset?.());
  }

  return {
    /** Opens (or reopens) the stream when view [w, s, e, n] needs it. */
    follow(view) {
      if (needsReopen(box, view)) open(view);
    },
    close() {
      clearTimeout(timer);
      source?.close();
      source = null;
      box = null;
      store.set({ liveStream: 'idle' });
    },
    get box() {
      return box;
    },
    get lastSeq() {
      return lastSeq;
    },
  };
}

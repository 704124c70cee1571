// Shared by the app modules' unit tests: a courier-view store and the context the modules are
// built with, with a fetch that records what it is asked and answers JSON.
import { vi } from 'vitest';
import { createEvents } from '../state/events.js';
import { initialState } from '../state/appState.js';
import { createStore } from '../state/store.js';

export function json(body, status = 200, type = 'application/json') {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': type } });
}

/** A context over a fresh store; answer(url) gives each response (a body, or a Response). */
export function testContext(answer = () => ({}), state = {}) {
  const store = createStore({ ...initialState({ lang: 'zh' }), ...state });
  const fetchImpl = vi.fn(async (url) => {
    const body = answer(url);
    return body instanceof Response ? body : json(body);
  });
  return { store, fetchImpl, events: createEvents() };
}

export const routing = { modes: ['walk', 'ebike'], service_area_minutes: [5, 10, 15] };
export const flush = () => new Promise((r) => setTimeout(r, 0));

// Shared by the planner modules' unit tests: a store in the planner view and the context the
// modules are built with, with a fetch that records what it is asked and answers JSON.
import { vi } from 'vitest';
import { createEvents } from '../state/events.js';
import { initialState } from '../state/appState.js';
import { createStore } from '../state/store.js';
import { plannerContext } from './context.js';

export function json(body, status = 200, type = 'application/json') {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': type } });
}

/** A context over a fresh planner-view store; answer(url, init) gives each response's body. */
export function testContext(answer = () => ({}), state = {}) {
  const store = createStore({ ...initialState({ lang: 'zh', view: 'planner' }), ...state });
  const fetchImpl = vi.fn(async (url, init) => json(answer(url, init)));
  return plannerContext(store, { fetchImpl, events: createEvents() });
}

export const flush = () => new Promise((r) => setTimeout(r, 0));

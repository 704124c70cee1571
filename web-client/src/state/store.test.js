import { describe, expect, it, vi } from 'vitest';
import { createStore, watch } from './store.js';

describe('store', () => {
  it('returns the initial state', () => {
    expect(createStore({ a: 1 }).get()).toEqual({ a: 1 });
  });

  it('merges a patch and notifies subscribers with new and previous state', () => {
    const store = createStore({ a: 1, b: 2 });
    const fn = vi.fn();
    store.subscribe(fn);
    store.set({ a: 3 });
    expect(store.get()).toEqual({ a: 3, b: 2 });
    expect(fn).toHaveBeenCalledTimes(1);
    expect(fn.mock.calls[0][0]).toEqual({ a: 3, b: 2 });
    expect(fn.mock.calls[0][1]).toEqual({ a: 1, b: 2 });
  });

  it('accepts an updater function', () => {
    const store = createStore({ n: 1 });
    store.set((s) => ({ n: s.n + 1 }));
    expect(store.get().n).toBe(2);
  });

  it('does not notify when nothing changed', () => {
    const store = createStore({ a: 1 });
    const fn = vi.fn();
    store.subscribe(fn);
    store.set({ a: 1 });
    store.set(null);
    expect(fn).not.toHaveBeenCalled();
  });

  it('stops notifying after unsubscribe', () => {
    const store = createStore({ a: 1 });
    const fn = vi.fn();
    const off = store.subscribe(fn);
    off();
    store.set({ a: 2 });
    expect(fn).not.toHaveBeenCalled();
  });

  it('never mutates the state a subscriber was given', () => {
    const store = createStore({ a: 1 });
    const first = store.get();
    store.set({ a: 2 });
    expect(first.a).toBe(1);
    expect(Object.isFrozen(store.get())).toBe(true);
  });

  it('watch fires only when the selected part changes', () => {
    const store = createStore({ lang: 'zh', other: 0, ids: [1, 2] });
    const onLang = vi.fn();
    const onIds = vi.fn();
    watch(store, (s) => s.lang, onLang);
    watch(store, (s) => s.ids, onIds);
    store.set({ other: 1 });
    store.set({ ids: [1, 2] });
    expect(onLang).not.toHaveBeenCalled();
    expect(onIds).not.toHaveBeenCalled();
    store.set({ lang: 'en' });
    expect(onLang).toHaveBeenCalledWith('en', 'zh', expect.objectContaining({ lang: 'en' }));
  });
});

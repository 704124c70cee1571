// One small store: the whole app state in one plain object, replaced (never mutated) on set,
// with subscribers told the new and the previous state so they can skip work that didn't change.

export function createStore(initial) {
  let state = Object.freeze({ ...initial });
  const listeners = new Set();

  return {
    get: () => state,
    /** Shallow-merges patch (or fn(state) → patch) into the state and notifies once. */
    set(patch) {
      const next = typeof patch === 'function' ? patch(state) : patch;
      if (!next) return;
      let changed = false;
      for (const key of Object.keys(next)) {
        if (!Object.is(state[key], next[key])) {
          changed = true;
          break;
        }
      }
      if (!changed) return;
      const prev = state;
      state = Object.freeze({ ...state, ...next });
      for (const listener of [...listeners]) listener(state, prev);
    },
    /** Calls fn(state, prev) after every change; returns the unsubscribe function. */
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };
}

/**
 * Subscribes fn to the part of the state picked by select; fn runs only when that part changes
 * (compared with Object.is, or element-wise for arrays).
 */
export function watch(store, select, fn) {
  let last = select(store.get());
  return store.subscribe((state) => {
    const value = select(state);
    if (sameValue(value, last)) return;
    const previous = last;
    last = value;
    fn(value, previous, state);
  });
}

function sameValue(a, b) {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
  return false;
}

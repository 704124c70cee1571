// Named events from the actions to whoever draws them (the map): the actions decide that the map
// should move, the map decides how. Listeners run in the order they were added.

export function createEvents() {
  const listeners = new Map();
  return {
    on(name, fn) {
      if (!listeners.has(name)) listeners.set(name, []);
      listeners.get(name).push(fn);
    },
    emit(name, ...args) {
      for (const fn of listeners.get(name) ?? []) fn(...args);
    },
  };
}

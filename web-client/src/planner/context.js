// What every planner action module is given: the store, the fetch to use, and two helpers for the
// shapes the planner's state has (one object per API answer, and the plan's shared parameters).

/** The parameters every planner request shares, from state.plan. */
export function planParams({ mode, minutes, layer, at }) {
  return { mode, minutes, layer, at };
}

export function plannerContext(store, { fetchImpl, events }) {
  return {
    store,
    fetchImpl,
    events,
    /** Merges value into the state's object at key (one API answer's slot). */
    patch: (key, value) => store.set({ [key]: { ...store.get()[key], ...value } }),
    params: () => planParams(store.get().plan),
  };
}

// The planner as the courier view sees it: an object with the planner's methods that loads the
// planner's code (plannerChunk.js: its actions and its panel, ~70 KB before compression) only
// when one is first called, i.e. when the planner opens (the view switch, ?view=planner) — a
// courier's first visit on slow 4G never downloads it. Event subscriptions made before then
// (the camera's onZoomToDistrict, onShowSites) are handed to the real planner once it exists.
// onLoad(planner, chunk) runs once, before the first call goes through (main.js mounts the
// panel there).

/** The planner methods the courier-side code may call before the planner has loaded. */
export const FORWARDED = ['enter', 'leave', 'toggleView', 'loadFaults', 'moveStation', 'toggleRemoved'];
export const EVENTS = ['onZoomToDistrict', 'onShowSites'];

export function createLazyPlanner(store, { load = () => import('./plannerChunk.js'), onLoad, onError } = {}) {
  let real = null;
  let loading = null;
  const subscriptions = [];

  function ensure() {
    loading ??= load().then((chunk) => {
      real = chunk.createPlanner(store);
      for (const [event, fn] of subscriptions) real[event](fn);
      onLoad?.(real, chunk);
      return real;
    }, (err) => {
      // A failed download (offline, a new release) may be retried on the next call.
      loading = null;
      onError?.(err);
      throw err;
    });
    return loading;
  }

  const lazy = {
    /** The loaded planner, or null. */
    get loaded() {
      return real;
    },
    load: ensure,
  };
  for (const name of FORWARDED) {
    lazy[name] = (...args) => (real ? real[name](...args) : ensure().then((p) => p[name](...args), () => undefined));
  }
  for (const event of EVENTS) {
    lazy[event] = (fn) => {
      if (real) return real[event](fn);
      subscriptions.push([event, fn]);
      return undefined;
    };
  }
  return lazy;
}

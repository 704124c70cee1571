// The courier view's first requests, started before the rest of the bundle has been evaluated
// (src/first.js runs this as the bundle's first module body, ahead of MapLibre's): GET /config
// (answered by the page's preload), the GPS fix and, as soon as both are in, the nearest list for
// the first view. The list's URL is the one the app itself asks for first (nearestQuery of the
// same initial state and position), so the app's own GET takes this answer (api/client.js
// prefetch) instead of starting the request only after start-up: on a slow phone that start-up
// is most of a second, on a first visit it includes the bundle's download.
import { prefetch } from '../api/client.js';
import { configUrl, nearestUrl } from '../api/requests.js';
import { nearestQuery } from './nearest.js';
import { GEO_OPTIONS, gpsPosition } from './position.js';

/** The config's JSON from a Response, or null when it failed (the app reports that itself). */
async function configFrom(response) {
  if (!response?.ok) return null;
  try {
    return await response.json();
  } catch {
    return null;
  }
}

/**
 * state: the app's initial state. Returns {fix}: a promise of my GPS position (null when there is
 * none, or in the planner, which never asks for one). The config is always prefetched.
 */
export function startEarly(state, { geolocation = globalThis.navigator?.geolocation, fetchImpl = globalThis.fetch } = {}) {
  // Cloned in the first reaction to the answer, before the app's own GET can read its body.
  const config = prefetch(configUrl(), { fetchImpl }).then((response) => configFrom(response.clone()), () => null);
  const fix = state.view === 'courier' && geolocation
    ? new Promise((resolve) => {
      try {
        geolocation.getCurrentPosition((pos) => resolve(gpsPosition(pos)), () => resolve(null), GEO_OPTIONS);
      } catch {
        resolve(null);
      }
    })
    : Promise.resolve(null);
  Promise.all([config, fix]).then(([loaded, position]) => {
    if (!loaded || !position) return;
    const { base, mode } = nearestQuery({ ...state, config: loaded, position });
    prefetch(nearestUrl({ ...base, mode }), { fetchImpl });
  }).catch(() => {}); // an odd position (nearestUrl's RangeError): the app asks, and says why
  return { fix };
}

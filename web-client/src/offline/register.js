// Registers the service worker once the map has drawn for the first time, so installing it (the
// precache of the shell) never competes with the first paint for the courier's bandwidth. Where
// there is no service worker (WeChat on iOS, a blocked context) nothing happens: the pack and the
// outbox work without one.
export const SW_URL = '/sw.js';

export function registerServiceWorker({ serviceWorker = globalThis.navigator?.serviceWorker } = {}) {
  if (!serviceWorker?.register) return Promise.resolve(null);
  return serviceWorker.register(SW_URL, { scope: '/' }).catch(() => null);
}

// A basemap that fails (no tile server reachable, a style URL that 404s) must never hide the
// stations: say so, and if the style itself could not load, fall back to the offline style.
// Errors of the project's own sources (ids prefixed sm-) are not basemap failures.
import { basemapStyle } from './basemap.js';

export const PROJECT_PREFIX = 'sm-';

export function isProjectSource(sourceId) {
  return typeof sourceId === 'string' && sourceId.startsWith(PROJECT_PREFIX);
}

/** What a map error event means for the basemap: 'ignore', 'failed' (say so) or 'fallback' (also swap to offline). */
export function basemapErrorOutcome(event, { basemap, styleLoaded }) {
  if (basemap.kind === 'offline' || isProjectSource(event?.sourceId)) return 'ignore';
  if (!styleLoaded && basemap.kind === 'style') return 'fallback';
  return event?.sourceId ? 'failed' : 'ignore';
}

export function watchBasemapErrors(map, { basemap, store, styleLoaded }) {
  map.on('error', (event) => {
    const outcome = basemapErrorOutcome(event, { basemap, styleLoaded: styleLoaded() });
    if (outcome === 'ignore') return;
    store.set({ basemapFailed: true });
    if (outcome === 'fallback') map.setStyle(basemapStyle({ kind: 'offline' }));
  });
}

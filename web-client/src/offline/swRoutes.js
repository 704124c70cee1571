// What the service worker caches, as pure tests on a URL and request (unit-tested without a worker).
import { PACK_TILE_PATHS } from './tiles.js';

export const API_CACHE = 'stationmap-api';
export const TILE_CACHE = 'stationmap-tiles';
export const ASSET_CACHE = 'stationmap-assets';
/** The service worker's message to the page when an API answer came from its cache: {type, url, date}. */
export const FROM_CACHE_MESSAGE = 'from-cache';

/**
 * A same-origin GET under /api/v1/ that is not a tile (tiles have their own cache) and carries no
 * API key (an operator's answers are not kept for whoever uses the phone next).
 */
export function isApiRead(url, request, origin) {
  return request.method === 'GET' && url.origin === origin && url.pathname.startsWith('/api/v1/') && !url.pathname.startsWith('/api/v1/tiles/')
    && !request.headers?.get?.('x-api-key');
}

/** The live stream (SSE): never cached. */
export function isStream(url, request) {
  return /\/live\/stream/.test(url.pathname) || /text\/event-stream/.test(request.headers?.get?.('accept') ?? '');
}

/** Road and station tiles (the basemap and the stations of the area). */
export function isPackTile(url, origin) {
  return url.origin === origin && PACK_TILE_PATHS.test(url.pathname);
}

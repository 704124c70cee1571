// The service worker (Workbox through vite-plugin-pwa, injectManifest): the app shell precached
// (the planner's and the operator page's chunks are left to the assets route, so they cost nothing
// until opened); API reads stale-while-revalidate, the page told when an answer came from the
// cache and how old it is; road and station tiles cache-first from the offline pack and then a
// bounded runtime cache; the outbox sent on Background Sync.
import { clientsClaim } from 'workbox-core';
import { ExpirationPlugin } from 'workbox-expiration';
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { CacheFirst, StaleWhileRevalidate } from 'workbox-strategies';
import { openOfflineDb } from './offline/db.js';
import { flushOutbox, OUTBOX_SYNC_TAG } from './offline/outbox.js';
import { PACK_TILE_CACHE } from './offline/pack.js';
import { API_CACHE, ASSET_CACHE, FROM_CACHE_MESSAGE, isApiRead, isPackTile, isStream, TILE_CACHE } from './offline/swRoutes.js';

self.skipWaiting();
clientsClaim();
cleanupOutdatedCaches();
precacheAndRoute(self.__WB_MANIFEST);

// Pages are the precached index.html (the client routes itself); the operator page and the API's
// own pages (/api, /swagger, /healthz) are left to the network.
registerRoute(new NavigationRoute(createHandlerBoundToURL('/index.html'), {
  denylist: [/^\/api\//, /^\/swagger/, /^\/healthz/, /^\/readyz/, /^\/operator/],
}));

// Hashed assets not in the precache (the planner's chunk): immutable, so the first copy is kept.
registerRoute(({ url, request }) => url.origin === self.location.origin && url.pathname.startsWith('/assets/') && request.method === 'GET',
  new CacheFirst({ cacheName: ASSET_CACHE, plugins: [new ExpirationPlugin({ maxEntries: 60, purgeOnQuotaError: true })] }));

// Tiles: the pack's copy first (kept until the pack is replaced), then a runtime copy of the area
// the courier uses (bounded: 800 tiles, a week), then the network.
const tileStrategy = new CacheFirst({
  cacheName: TILE_CACHE,
  plugins: [new ExpirationPlugin({ maxEntries: 800, maxAgeSeconds: 7 * 24 * 3600, purgeOnQuotaError: true })],
});
registerRoute(({ url, request }) => request.method === 'GET' && isPackTile(url, self.location.origin), async (options) => {
  const packed = await caches.match(options.request, { cacheName: PACK_TILE_CACHE });
  return packed ?? tileStrategy.handle(options);
});

/** Tells the page that an answer came from the cache, with the cached copy's time (offline/asOf.js shows it). */
const tellFromCache = {
  cachedResponseWillBeUsed: async ({ cachedResponse, request, event }) => {
    if (cachedResponse && event?.clientId) {
      const client = await self.clients.get(event.clientId);
      const url = new URL(request.url);
      client?.postMessage({ type: FROM_CACHE_MESSAGE, url: url.pathname + url.search, date: cachedResponse.headers.get('date') });
    }
    return cachedResponse;
  },
};

// API reads: the cached answer at once when there is one, the network's in the cache for next
// time. The live stream (Server-Sent Events) never goes through a cache.
registerRoute(({ url, request }) => isApiRead(url, request, self.location.origin) && !isStream(url, request),
  new StaleWhileRevalidate({
    cacheName: API_CACHE,
    plugins: [new ExpirationPlugin({ maxEntries: 300, maxAgeSeconds: 7 * 24 * 3600, purgeOnQuotaError: true }), tellFromCache],
  }));

// Background Sync: the outbox is sent when the browser sees the connection back, even with no page
// open. Writes without a device token (a phone that had none when offline) wait for the page.
self.addEventListener('sync', (event) => {
  if (event.tag !== OUTBOX_SYNC_TAG) return;
  event.waitUntil((async () => {
    const db = await openOfflineDb();
    try {
      const result = await flushOutbox(db, { fetchImpl: (url, init) => fetch(url, init), onSent: (entry, answer) => notify({ type: 'outbox-sent', key: entry.key, entry, body: answer.body }) });
      notify({ type: 'outbox-flushed', ...result });
      if (result?.left) throw new Error('outbox not empty'); // the browser tries the sync again later
    } finally {
      db.close();
    }
  })());
});

async function notify(message) {
  for (const client of await self.clients.matchAll({ type: 'window' })) client.postMessage(message);
}

// Offline in real Chromium against the real API: the web manifest and the service worker are
// valid (Chromium fetches and parses the manifest, the worker controls the page after a reload);
// a downloaded pack gives, offline after a reload, the map, its stations and an offline nearest
// list; a check-in made offline waits in the outbox as "queued" and reaches the server exactly
// once when the connection returns. The same pack and outbox without a service worker (WeChat on
// iOS has none), where a reload offline cannot work, so the page goes offline in place.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BASE, HERE, IDS, PHONE, api, launch, listedIds, openPage, requireApi, shot, waitForMapIdle, waitForMapReady } from './helpers.mjs';

const T = { timeout: 180_000 };
let browser;

before(async () => {
  await requireApi();
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

/** Check-ins counted by the server for station id (usage statistics: visits). */
async function visits(id) {
  const body = await api('/api/v1/stats/usage?group_by=station');
  return body.rows.find((r) => Number(r.key) === id)?.visits ?? 0;
}

async function downloadPack(page) {
  // The area a courier would take: a district around them (the map zoomed out to 13).
  await page.evaluate(() => window.__map.jumpTo({ zoom: 13 }));
  await waitForMapIdle(page);
  await page.click('[data-testid="offline-open"]');
  await page.click('[data-testid="offline-plan-visible"]');
  const plan = await page.waitForSelector('[data-testid="offline-plan"]', { timeout: 60000 });
  const estimate = { bytes: Number(await plan.getAttribute('data-bytes')), stations: Number(await plan.getAttribute('data-stations')) };
  const started = Date.now();
  await page.click('[data-testid="offline-download"]');
  const pack = await page.waitForSelector('[data-testid="offline-pack"]', { timeout: 120000 });
  const stations = Number(await pack.getAttribute('data-stations'));
  const record = await page.evaluate(() => window.__offlineState?.());
  console.log(`pack: estimate ${estimate.stations} stations, ${(estimate.bytes / 1e3).toFixed(0)} KB; downloaded ${stations} stations, ${record?.tiles} tiles, ${(record?.bytes / 1e3).toFixed(0)} KB in ${Date.now() - started} ms`);
  return { estimate, stations, record };
}

/**
 * An open-now station near the centre, the nth (the two tests use different ones, so each
 * device's check-in is its first there). The phone stands at it from the start: check-ins are
 * taken within 300 m, and a position fix may be reused for a minute (maximumAge), so it never moves.
 */
async function stationToStandAt(nth) {
  const body = await api(`/api/v1/stations/nearest?lon=${HERE.longitude}&lat=${HERE.latitude}&limit=20&openNow=true`);
  const station = body.items.filter((s) => s.status === 'open')[nth];
  assert.ok(station, `no open station #${nth} near the centre`);
  return station;
}

/** The open-now filter: a request the worker has never seen, so offline only the pack can answer it. */
async function toggleOpenNow(page) {
  await page.click('[data-filter="open_now"]');
}

async function checkInQueued(page) {
  await page.click('[data-testid="checkin-open"]');
  await page.click('[data-testid="checkin-panel"] [data-crowding="some_seats"]');
  await page.waitForSelector('[data-testid="live-queued"]', { timeout: 30000 });
  await page.waitForSelector('[data-testid="offline-open"] .fab-count', { timeout: 10000 });
}

/** Waits for the outbox to be empty again; a write the server refused on arrival fails the test with its reason. */
async function outboxSent(page) {
  await page.waitForFunction(() => !document.querySelector('[data-testid="offline-open"] .fab-count'), null, { timeout: 60000 });
  const refused = await page.$$eval('[data-testid="outbox-refused"]', (els) => els.map((e) => e.textContent));
  assert.deepEqual(refused, [], 'the server refused a queued write');
}

/** Waits for the offline estimate in the list; says what the list shows instead when it does not come. */
async function offlineEstimate(page) {
  try {
    await page.waitForSelector('[data-testid="offline-estimate"]', { timeout: 30000 });
  } catch (err) {
    const header = await page.$eval('.list-header', (el) => el.textContent).catch(() => '(no list)');
    const position = await page.evaluate(() => window.__store?.get().position ?? null);
    throw new Error(`no offline estimate; the list says "${header}", position ${JSON.stringify(position)}: ${err.message}`);
  }
}

async function waitVisits(id, expected) {
  for (let i = 0; i < 40 && (await visits(id)) < expected; i++) await new Promise((r) => setTimeout(r, 250));
  await new Promise((r) => setTimeout(r, 1500));
  return visits(id);
}

describe('installable PWA, offline pack and outbox', () => {
  test('manifest and service worker valid; offline reload shows the map, stations and an offline nearest list; a queued check-in arrives once', T, async () => {
    const station = await stationToStandAt(2);
    const { context, page, errors } = await openPage(browser, '/', { geolocation: false, beforeGoto: async (p) => {
      await p.context().grantPermissions(['geolocation'], { origin: BASE });
      await p.context().setGeolocation({ longitude: station.lon, latitude: station.lat, accuracy: 10 });
    } });
    try {
      // The manifest, as Chromium fetched and parsed it.
      const cdp = await context.newCDPSession(page);
      const manifest = await cdp.send('Page.getAppManifest');
      assert.deepEqual(manifest.errors, [], `manifest errors: ${JSON.stringify(manifest.errors)}`);
      const parsed = JSON.parse(manifest.data);
      assert.match(parsed.name, /StationMap/);
      assert.match(parsed.name, /驿站地图/);
      assert.equal(parsed.display, 'standalone');
      assert.ok(parsed.icons.some((i) => i.purpose === 'maskable' && i.sizes === '512x512'), 'a 512 maskable icon');
      for (const icon of parsed.icons) {
        const r = await fetch(new URL(icon.src, BASE));
        assert.equal(r.status, 200, icon.src);
        assert.equal(r.headers.get('content-type'), 'image/png');
      }
      const head = await fetch(`${BASE}/manifest.webmanifest`);
      assert.equal(head.headers.get('content-type'), 'application/manifest+json');
      assert.equal((await fetch(`${BASE}/sw.js`)).headers.get('cache-control'), 'no-cache');

      // The worker registers after the first idle and becomes ready.
      const scope = await page.evaluate(() => navigator.serviceWorker.ready.then((r) => r.scope));
      assert.equal(scope, `${BASE}/`);
      await page.waitForSelector('[data-testid="station-list"] [data-station-id]', { timeout: 30000 });
      const online = await listedIds(page);

      const { estimate, stations } = await downloadPack(page);
      assert.ok(estimate.stations > 0 && estimate.bytes > 0, JSON.stringify(estimate));
      assert.equal(stations, estimate.stations, 'the estimate counted the stations the pack holds');
      await shot(page, 'offline-pack-downloaded');

      // After a reload the worker controls the page.
      await page.reload();
      await waitForMapReady(page);
      assert.equal(await page.evaluate(() => Boolean(navigator.serviceWorker.controller)), true, 'the service worker controls the page after reload');

      await context.setOffline(true);
      await page.reload();
      await waitForMapReady(page);
      await page.waitForSelector('[data-testid="station-list"] [data-station-id]', { timeout: 30000 });
      const offlineIds = await listedIds(page);
      assert.ok(offlineIds.length >= 3, `offline list: ${offlineIds}`);
      // Either the worker's cached answer (said with its time) or the pack's estimate (said so).
      const note = await page.$eval('.list-header', (el) => el.querySelector('[data-testid="offline-estimate"], [data-testid="as-of"]')?.textContent ?? '');
      assert.match(note, /离线估算|数据时间/, `the list says where it comes from: "${note}"`);
      // The pack's station tiles (through the worker), or the pack's stations in the overlay.
      const drawn = await page.waitForFunction((ids) => window.__map.querySourceFeatures(ids.stationsSource, { sourceLayer: ids.stationsSourceLayer }).length
        + window.__map.querySourceFeatures(ids.overlaySource).length, IDS, { timeout: 20000 });
      assert.ok((await drawn.jsonValue()) >= 3, 'the map draws stations offline');
      await shot(page, 'offline-reload');

      // The offline estimate itself: only the pack can answer a request the worker never saw.
      await toggleOpenNow(page);
      await offlineEstimate(page);
      const estimateIds = await listedIds(page);
      assert.ok(estimateIds.length >= 3, `offline estimate: ${estimateIds}`);
      assert.equal(estimateIds[0], station.id, 'the station I stand at comes first');
      await shot(page, 'offline-estimate');
      assert.ok(online.length >= 3);

      // A check-in offline: queued, then sent exactly once when the connection returns.
      const before = await visits(station.id);
      await page.click(`[data-testid="station-list"] [data-station-id="${station.id}"]`);
      await page.waitForSelector('[data-testid="live-section"]', { timeout: 30000 });
      await checkInQueued(page);
      await shot(page, 'offline-queued');
      assert.equal(await visits(station.id), before, 'nothing reached the server while offline');
      await context.setOffline(false);
      await outboxSent(page);
      assert.equal(await waitVisits(station.id, before + 1), before + 1, 'the queued check-in arrived exactly once');
      assert.deepEqual(errors.filter((e) => !/Failed to load resource|net::ERR_INTERNET_DISCONNECTED|Failed to fetch/.test(e)), []);
    } finally {
      await context.close();
    }
  });

  test('without a service worker the pack and the outbox still work in the page', T, async () => {
    const station = await stationToStandAt(4);
    const context = await browser.newContext({
      viewport: PHONE, deviceScaleFactor: 1, hasTouch: true, isMobile: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai',
      serviceWorkers: 'block', geolocation: { longitude: station.lon, latitude: station.lat, accuracy: 10 }, permissions: ['geolocation'],
    });
    const page = await context.newPage();
    try {
      await page.goto(`${BASE}/`);
      await waitForMapReady(page);
      await page.waitForSelector('[data-testid="station-list"] [data-station-id]', { timeout: 30000 });
      assert.equal(await page.evaluate(() => navigator.serviceWorker?.controller ?? null), null);
      await downloadPack(page);
      await page.click('[data-testid="offline-panel"] .offline-head button');

      await context.setOffline(true);
      // No worker, no network: station tiles the browser has not cached (a view away from the
      // pack) fail, and from then on the map draws the pack's stations in the GeoJSON overlay.
      const centre = await page.evaluate(() => window.__map.getCenter().toArray());
      await page.evaluate(([lon, lat]) => window.__map.jumpTo({ center: [lon + 0.3, lat], zoom: 15 }), centre);
      await page.evaluate((c) => window.__map.jumpTo({ center: c, zoom: 15 }), centre);
      const overlay = await page.waitForFunction((ids) => window.__map.getLayoutProperty(ids.overlay, 'visibility') === 'visible'
        && window.__map.querySourceFeatures(ids.overlaySource).length, IDS, { timeout: 20000 });
      assert.ok((await overlay.jsonValue()) >= 1, 'the pack\'s stations are drawn offline without a worker');
      assert.equal(await page.evaluate((id) => window.__map.getLayoutProperty(id, 'visibility'), IDS.stations), 'none');
      await toggleOpenNow(page);
      await offlineEstimate(page);
      const ids = await listedIds(page);
      assert.ok(ids.length >= 3, `offline estimate without a worker: ${ids}`);
      assert.equal(ids[0], station.id);
      const before = await visits(station.id);
      const keys = [];
      page.on('request', (r) => {
        if (r.method() === 'POST' && r.url().includes('/checkins')) keys.push(r.headers()['idempotency-key']);
      });
      await page.click(`[data-testid="station-list"] [data-station-id="${station.id}"]`);
      await page.waitForSelector('[data-testid="live-section"]', { timeout: 30000 });
      await checkInQueued(page);
      await shot(page, 'offline-no-sw-queued');
      await context.setOffline(false);
      await page.evaluate(() => window.dispatchEvent(new Event('online')));
      await outboxSent(page);
      assert.equal(await waitVisits(station.id, before + 1), before + 1, 'the queued check-in arrived exactly once');
      assert.ok(keys.length >= 1 && keys.every((k) => k === keys[0] && /^[0-9a-f-]{36}$/.test(k)), `one Idempotency-Key for every try: ${keys}`);
    } finally {
      await context.close();
    }
  });
});

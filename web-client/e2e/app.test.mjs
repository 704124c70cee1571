// Browser tests against the real API with its demo data (~300 stations around central Hangzhou).
// Each test opens its own phone-sized page; screenshots go to web-client/test-results/.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  BASE, HERE, IDS, PHONE, api, assertNoErrors, launch, listedIds, openPage, requireApi, shot, waitForMapIdle,
} from './helpers.mjs';

/** The list's own request: by travel time (e-bike, the default mode) when the API has a road graph. */
const nearestPath = (extra = '') => `/api/v1/stations/nearest?lon=${HERE.longitude}&lat=${HERE.latitude}&limit=20${extra}&crs=wgs84${config.routing ? '&by=time&mode=ebike' : ''}`;
const T = { timeout: 90_000 };

let browser;
let config;

before(async () => {
  config = await requireApi();
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

async function waitForList(page) {
  await page.waitForSelector('[data-testid="station-list"] [data-station-id]', { timeout: 30000 });
  await page.waitForFunction(() => document.querySelector('[data-testid="station-list"]')?.getAttribute('aria-busy') === 'false');
}

/** A station marker (not a cluster) drawn where nothing covers the map, far enough from others to tap unambiguously. */
async function tappableStation(page) {
  return page.evaluate((ids) => {
    const map = window.__map;
    const features = map.queryRenderedFeatures({ layers: [ids.stations] });
    const points = features.map((f) => ({ id: f.properties.id, p: map.project(f.geometry.coordinates) }));
    for (const { id, p } of points) {
      const el = document.elementFromPoint(p.x, p.y);
      if (!el?.classList.contains('maplibregl-canvas')) continue;
      const crowded = points.some((o) => o.id !== id && Math.hypot(o.p.x - p.x, o.p.y - p.y) < 30);
      const clusterNear = map.queryRenderedFeatures([[p.x - 30, p.y - 30], [p.x + 30, p.y + 30]], { layers: [ids.clusters] }).length > 0;
      if (!crowded && !clusterNear) return { id, x: Math.round(p.x), y: Math.round(p.y) };
    }
    return null;
  }, IDS);
}

describe('StationMap on a phone', () => {
  test('the page loads, draws stations and attribution, with no console errors', T, async () => {
    const requests = [];
    const { context, page, errors } = await openPage(browser, '/', { beforeGoto: (p) => p.on('request', (r) => requests.push(r.url())) });
    try {
      await waitForList(page);
      await waitForMapIdle(page);
      const rendered = await page.evaluate((id) => window.__map.queryRenderedFeatures({ layers: [id] }).length, IDS.stations);
      assert.ok(rendered > 0, 'no station markers rendered');
      // From the vector tiles: station tiles asked for, no GeoJSON list of the view.
      assert.ok(requests.some((u) => u.includes('/api/v1/tiles/stations/')), 'no station tile requested');
      assert.ok(!requests.some((u) => /\/api\/v1\/stations\?/.test(u)), 'a GeoJSON list of stations was loaded for the map');
      const colours = await page.evaluate((id) => [...new Set(window.__map.queryRenderedFeatures({ layers: [id] }).map((f) => f.properties.open_state))], IDS.stations);
      assert.ok(colours.every((c) => ['open', 'closed', 'unknown'].includes(c)), `odd open_state values: ${colours}`);
      assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
      assert.equal(await page.textContent('.list-title'), '附近驿站');
      const attribution = await page.textContent('.maplibregl-ctrl-attrib');
      for (const text of config.attribution ?? []) assert.ok(attribution.includes(text), `attribution "${text}" not shown: "${attribution}"`);
      // The attribution must be visible above the bottom sheet, not hidden behind it.
      const attribBox = await page.locator('.maplibregl-ctrl-attrib').boundingBox();
      const sheetBox = await page.locator('#sheet').boundingBox();
      if ((config.attribution ?? []).length) assert.ok(attribBox.y + attribBox.height <= sheetBox.y + 1, 'attribution is covered by the sheet');
      await shot(page, 'home-zh');
      assertNoErrors(errors, await page.evaluate(() => window.__mapState.errors));
      if (!config.basemap_style_url) {
        // The built-in offline style: nothing is fetched from anywhere but the app's own origin.
        const foreign = requests.filter((u) => !u.startsWith(BASE) && !u.startsWith('data:') && !u.startsWith('blob:'));
        assert.deepEqual(foreign, [], 'the offline style made external requests');
      }
    } finally {
      await context.close();
    }
  });

  test('the list shows the nearest stations in the order the API gives', T, async () => {
    const expected = await api(nearestPath());
    assert.ok(expected.items.length >= 5, 'demo data should have at least 5 stations near the centre');
    const { context, page, errors } = await openPage(browser, '/');
    try {
      await waitForList(page);
      const ids = await listedIds(page);
      assert.deepEqual(ids.slice(0, 10), expected.items.slice(0, 10).map((s) => s.id));
      const first = page.locator('[data-testid="station-list"] [data-station-id]').first();
      assert.equal(await first.locator('.item-name').textContent(), expected.items[0].name);
      // By time the API ranks by rank_seconds: travel time plus its penalties for closed, unknown hours, full now.
      const ranks = expected.items.map((s) => (config.routing ? (s.rank_seconds ?? s.travel_seconds) : s.distance_m));
      assert.deepEqual(ranks, [...ranks].sort((a, b) => a - b), 'API items not ordered by rank (travel time with penalties) / distance');
      if (config.routing) assert.match(await first.locator('[data-testid="travel-minutes"]').textContent(), /约 \d+ 分钟/);
      const badge = await first.locator('[data-open-state]').getAttribute('data-open-state');
      assert.equal(badge, expected.items[0].open_state.state);
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  test('an amenity chip changes the request and the list', T, async () => {
    const unfiltered = await api(nearestPath());
    let amenity = null;
    let filtered = null;
    for (const a of config.amenities) {
      const body = await api(nearestPath(`&amenities=${a}`));
      if (body.items.length && body.items[0].id !== unfiltered.items[0].id) {
        amenity = a;
        filtered = body;
        break;
      }
    }
    assert.ok(amenity, 'no amenity changes the nearest list: demo data too uniform to test filters');

    const { context, page, errors } = await openPage(browser, '/');
    try {
      await waitForList(page);
      const [request] = await Promise.all([
        page.waitForRequest((r) => r.url().includes('/api/v1/stations/nearest') && new URL(r.url()).searchParams.get('amenities') === amenity),
        page.tap(`[data-filter="${amenity}"]`),
      ]);
      assert.ok(request, 'no filtered request');
      await page.waitForFunction((id) => {
        const first = document.querySelector('[data-testid="station-list"] [data-station-id]');
        return first && Number(first.dataset.stationId) === id && document.querySelector('[data-testid="station-list"]').getAttribute('aria-busy') === 'false';
      }, filtered.items[0].id);
      assert.deepEqual(await listedIds(page), filtered.items.map((s) => s.id));
      for (const s of filtered.items) assert.equal(s.amenities[amenity], 'yes', `station ${s.id} listed for ${amenity} without it`);
      assert.equal(await page.getAttribute(`[data-filter="${amenity}"]`, 'aria-pressed'), 'true');
      // The map shows only stations that match the filter too (the tiles filter no amenity: a list
      // in the overlay instead, the tiles hidden): every drawn station has it.
      await waitForMapIdle(page);
      const visibility = await page.evaluate((ids) => [ids.stations, ids.overlay].map((id) => window.__map.getLayoutProperty(id, 'visibility')), IDS);
      assert.deepEqual(visibility, ['none', 'visible'], 'the amenity filter draws the overlay, not the tiles');
      const drawnIds = await page.evaluate(async (id) => (await window.__map.getSource(id).getData()).features.map((f) => f.properties.id), IDS.overlaySource);
      assert.ok(drawnIds.includes(filtered.items[0].id), 'the nearest matching station is not on the map');
      const drawn = await api(`/api/v1/stations?bbox=119.9,30.0,120.5,30.5&limit=1000`);
      const byId = new Map(drawn.items.map((s) => [s.id, s]));
      for (const id of drawnIds) assert.equal(byId.get(id)?.amenities[amenity], 'yes', `station ${id} drawn for ${amenity} without it`);
      await shot(page, 'filter-zh');

      // "Open now" combines with the amenity.
      const [openRequest] = await Promise.all([
        page.waitForRequest((r) => r.url().includes('/api/v1/stations/nearest') && r.url().includes('openNow=true')),
        page.tap('[data-filter="open_now"]'),
      ]);
      assert.equal(new URL(openRequest.url()).searchParams.get('amenities'), amenity);
      await page.waitForFunction(() => document.querySelector('[data-testid="station-list"], [data-testid="list-empty"]') && !document.querySelector('[aria-busy="true"]'));
      const openIds = await listedIds(page);
      const expectedOpen = await api(new URL(openRequest.url()).pathname + new URL(openRequest.url()).search);
      assert.deepEqual(openIds, expectedOpen.items.map((s) => s.id));
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  test('tapping a marker opens its detail sheet', T, async () => {
    const { context, page, errors } = await openPage(browser, '/');
    try {
      await waitForList(page);
      await waitForMapIdle(page);
      const target = await tappableStation(page);
      assert.ok(target, 'no station marker in the open part of the map to tap');
      await page.touchscreen.tap(target.x, target.y);
      await page.waitForSelector(`[data-testid="station-detail"][data-station-id="${target.id}"]`, { timeout: 15000 });

      const station = await api(`/api/v1/stations/${target.id}`);
      assert.equal(await page.textContent('.detail-title'), station.name);
      assert.match(page.url(), new RegExp(`[?&]station=${target.id}\\b`));
      // Hours: one line per day, today highlighted.
      assert.equal(await page.locator('.hours-row').count(), station.hours_week.length);
      const today = station.hours_week.find((d) => d.today);
      assert.equal(await page.locator('.hours-row.today').count(), 1);
      assert.equal(await page.getAttribute('.hours-row.today', 'data-date'), today.date);
      // Amenities: tri-state, unknown shown as unknown.
      const states = Object.values(station.amenities);
      for (const state of ['yes', 'no', 'unknown']) {
        assert.equal(await page.locator(`.amenity[data-state="${state}"]`).count(), states.filter((v) => v === state).length, `amenities ${state}`);
      }
      // Navigation links are the API's, untouched.
      for (const app of ['amap', 'baidu', 'apple']) {
        assert.equal(await page.getAttribute(`[data-nav="${app}"]`, 'href'), station.navigation[app]);
      }
      if (station.phone) assert.match(await page.getAttribute('a.phone-link', 'href'), /^tel:[+\d]+$/);
      const selected = await page.evaluate((id) => window.__map.getFilter(id), IDS.selected);
      assert.ok(JSON.stringify(selected).includes(String(target.id)), 'the tapped station is not highlighted');
      await waitForMapIdle(page);
      await shot(page, 'detail-zh');

      // Expand the sheet to read everything.
      await page.tap('[data-testid="sheet-handle"]');
      await page.waitForFunction(() => document.querySelector('#sheet').dataset.size === 'full');
      await page.waitForTimeout(400); // the sheet's 0.25 s height transition
      await shot(page, 'detail-zh-full');
      await page.locator('.view-body').evaluate((el) => { el.scrollTop = el.scrollHeight; });
      await shot(page, 'detail-zh-full-bottom');

      // Closing returns to the list and clears the link.
      await page.tap('[data-testid="detail-close"]');
      await page.waitForSelector('[data-testid="station-list"]');
      assert.doesNotMatch(page.url(), /station=/);
      assertNoErrors(errors, await page.evaluate(() => window.__mapState.errors));
    } finally {
      await context.close();
    }
  });

  test('switching to English changes the labels, and the choice is remembered', T, async () => {
    const expected = await api(nearestPath());
    const { context, page, errors } = await openPage(browser, '/');
    try {
      await waitForList(page);
      assert.equal(await page.textContent('[data-filter="open_now"]'), '现在营业');
      await page.tap('[data-testid="lang-toggle"]');
      await page.waitForFunction(() => document.documentElement.lang === 'en');
      assert.equal(await page.textContent('[data-filter="open_now"]'), 'Open now');
      assert.equal(await page.textContent('.list-title'), 'Nearby stations');
      assert.equal(await page.textContent('[data-filter="toilet"]'), 'Toilet');
      const firstName = await page.locator('[data-testid="station-list"] .item-name').first().textContent();
      assert.equal(firstName, expected.items[0].name_en ?? expected.items[0].name);
      assert.equal(await page.evaluate(() => localStorage.getItem('stationmap.lang')), 'en');

      await page.reload();
      await page.waitForFunction(() => window.__mapState?.ready === true);
      await waitForList(page);
      assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
      assert.equal(await page.textContent('.list-title'), 'Nearby stations');
      await waitForMapIdle(page);
      await shot(page, 'home-en');
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });

  test('a /?station=ID link opens that station and flies to it', T, async () => {
    // The demo station farthest from the courier, so the map really has to move.
    const all = await api('/api/v1/stations?bbox=119.9,30.0,120.5,30.5&limit=1000');
    assert.ok(all.items.length > 0, 'no demo stations');
    const far = all.items.reduce((best, s) => {
      const d = Math.hypot(s.lon - HERE.longitude, s.lat - HERE.latitude);
      return d > best.d ? { s, d } : best;
    }, { s: null, d: -1 }).s;

    const { context, page, errors } = await openPage(browser, `/?station=${far.id}`, { lang: 'en' });
    try {
      await page.waitForSelector(`[data-testid="station-detail"][data-station-id="${far.id}"]`, { timeout: 20000 });
      assert.equal(await page.textContent('.detail-title'), far.name_en ?? far.name);
      await waitForMapIdle(page);
      const view = await page.evaluate(([lon, lat]) => {
        const p = window.__map.project([lon, lat]);
        const sheetTop = document.querySelector('#sheet').getBoundingClientRect().top;
        const filtersBottom = document.querySelector('#filters').getBoundingClientRect().bottom;
        return { x: p.x, y: p.y, sheetTop, filtersBottom, zoom: window.__map.getZoom() };
      }, [far.lon, far.lat]);
      assert.ok(view.x > 0 && view.x < PHONE.width, `station off screen horizontally: ${JSON.stringify(view)}`);
      assert.ok(view.y > view.filtersBottom && view.y < view.sheetTop, `station not in the visible map: ${JSON.stringify(view)}`);
      assert.ok(view.zoom >= 15, `map did not zoom in: ${view.zoom}`);
      await shot(page, 'deeplink-en');
      assertNoErrors(errors, await page.evaluate(() => window.__mapState.errors));
    } finally {
      await context.close();
    }
  });

  test('an API error is shown in words from the problem details', T, async () => {
    const missing = 2_000_000_000;
    const response = await fetch(`${BASE}/api/v1/stations/${missing}`);
    assert.equal(response.status, 404);
    assert.match(response.headers.get('content-type'), /application\/problem\+json/);
    const problem = await response.json();
    const words = problem.detail || problem.title;
    assert.ok(words, 'the 404 problem has neither detail nor title');

    const { context, page } = await openPage(browser, `/?station=${missing}`);
    try {
      await page.waitForSelector('[data-testid="detail-error"]', { timeout: 15000 });
      assert.ok((await page.textContent('[data-testid="detail-error"]')).includes(words));
      await shot(page, 'error-404');
    } finally {
      await context.close();
    }
  });

  test('a network failure says so and Retry recovers', T, async () => {
    const block = (route) => route.abort('internetdisconnected');
    const { context, page } = await openPage(browser, '/', {
      beforeGoto: (p) => p.route('**/api/v1/stations/nearest**', block),
    });
    try {
      await page.waitForSelector('[data-testid="list-error"]', { timeout: 20000 });
      assert.ok((await page.textContent('[data-testid="list-error"]')).includes('无法连接服务器'));
      await shot(page, 'error-network');
      await page.unroute('**/api/v1/stations/nearest**', block);
      await page.tap('[data-testid="list-retry"]');
      await waitForList(page);
      assert.ok((await listedIds(page)).length > 0);
    } finally {
      await context.close();
    }
  });

  test('without location permission, tapping the map sets my position', T, async () => {
    const { context, page, errors } = await openPage(browser, '/', { geolocation: false });
    try {
      await page.waitForSelector('[data-testid="pick-hint"]', { timeout: 20000 });
      await page.waitForSelector('[data-testid="locate-failed"]');
      await waitForMapIdle(page);
      // Tap an empty spot of the visible map, away from markers.
      const spot = await page.evaluate((ids) => {
        const map = window.__map;
        const top = document.querySelector('#notices').getBoundingClientRect().bottom + 20;
        const bottom = document.querySelector('#sheet').getBoundingClientRect().top - 20;
        for (let y = top; y < bottom; y += 15) {
          for (let x = 30; x < 330; x += 15) {
            const el = document.elementFromPoint(x, y);
            if (!el?.classList.contains('maplibregl-canvas')) continue;
            const near = map.queryRenderedFeatures([[x - 25, y - 25], [x + 25, y + 25]], { layers: [ids.stations, ids.clusters] });
            if (near.length === 0) return { x, y };
          }
        }
        return null;
      }, IDS);
      assert.ok(spot, 'no empty spot on the map to tap');
      // Where the tap lands, read before tapping: the map may move to show the results after.
      const tapped = await page.evaluate(({ x, y }) => window.__map.unproject([x, y]).toArray(), spot);
      const [request] = await Promise.all([
        page.waitForRequest((r) => r.url().includes('/api/v1/stations/nearest')),
        page.touchscreen.tap(spot.x, spot.y),
      ]);
      await waitForList(page);
      const url = new URL(request.url());
      const expected = await api(url.pathname + url.search);
      assert.deepEqual(await listedIds(page), expected.items.map((s) => s.id));
      assert.ok(Math.abs(Number(url.searchParams.get('lon')) - tapped[0]) < 1e-4, 'request lon is not the tapped point');
      assert.ok(Math.abs(Number(url.searchParams.get('lat')) - tapped[1]) < 1e-4, 'request lat is not the tapped point');
      assert.ok((await page.textContent('.list-caption')).includes('地图选点'));
      await shot(page, 'manual-position');
      assert.deepEqual(errors.filter((e) => !/geolocation/i.test(e)), []);
    } finally {
      await context.close();
    }
  });

  test('on a wide screen the list is a side panel next to the map', T, async () => {
    const { context, page, errors } = await openPage(browser, '/', { viewport: { width: 1280, height: 800 }, mobile: false });
    try {
      await waitForList(page);
      const panel = await page.locator('#sheet').boundingBox();
      const mapBox = await page.locator('#map').boundingBox();
      assert.equal(panel.x, 0);
      assert.ok(panel.width >= 320 && panel.width <= 480, `panel width ${panel.width}`);
      assert.ok(mapBox.x >= panel.width - 1, 'the map is under the panel instead of beside it');
      assert.ok(mapBox.width >= 700);
      await page.click('[data-testid="station-list"] [data-station-id]');
      await page.waitForSelector('[data-testid="station-detail"]');
      await waitForMapIdle(page);
      await shot(page, 'wide-detail-zh');
      assertNoErrors(errors, await page.evaluate(() => window.__mapState.errors));
    } finally {
      await context.close();
    }
  });

  test('an unreachable basemap is reported and the stations still show', T, async () => {
    // Port 9 on loopback refuses connections: a style URL and a raster template that both fail.
    for (const basemap of ['http://127.0.0.1:9/style.json', 'http://127.0.0.1:9/{z}/{x}/{y}.png']) {
      const { context, page } = await openPage(browser, `/?basemap=${encodeURIComponent(basemap)}`);
      try {
        await page.waitForSelector('.notice-warning', { timeout: 20000 });
        assert.ok((await page.textContent('.notice-warning')).includes('底图加载失败'), basemap);
        await waitForList(page);
        await waitForMapIdle(page);
        const rendered = await page.evaluate((ids) => window.__map.queryRenderedFeatures({ layers: [ids.stations, ids.clusters] }).length, IDS);
        assert.ok(rendered > 0, `no stations drawn with failing basemap ${basemap}`);
      } finally {
        await context.close();
      }
    }
  });

  test('a selected station shows its service circle, by e-bike and on foot', { timeout: 150_000 }, async (t) => {
    if (!config.routing) {
      assert.fail('the demo set-up has no road network: /api/v1/config has no routing');
    }
    const first = (await api(nearestPath())).items[0];
    const { context, page, errors } = await openPage(browser, `/?station=${first.id}`);
    try {
      await page.waitForSelector(`[data-testid="station-detail"][data-station-id="${first.id}"]`, { timeout: 15000 });
      // The background job may still be computing: the sheet says so and polls until the bands arrive.
      await page.waitForSelector('[data-testid="service-area-legend"] .band', { timeout: 120000 });
      const drawn = async (mode) => {
        await page.waitForFunction(async ([m, source]) => {
          const data = await window.__map.getSource(source)?.getData();
          const features = data?.features ?? [];
          return features.length === 3 && features.every((f) => f.properties.mode === m);
        }, [mode, IDS.serviceAreaSource], { timeout: 30000, polling: 250 });
        await waitForMapIdle(page);
        return page.evaluate((id) => window.__map.queryRenderedFeatures({ layers: [id] }).length, IDS.serviceAreaFill);
      };
      assert.ok(await drawn('ebike') > 0, 'no e-bike service area drawn');
      const legend = await page.locator('[data-testid="service-area-legend"] .band').allTextContents();
      assert.deepEqual(legend.map((text) => text.split(' ')[0]), ['5', '10', '15']);
      const ebikeArea = await api(`/api/v1/stations/${first.id}/service-area?mode=ebike`);
      assert.equal(ebikeArea.features.length, 3);
      // The camera stays on the station; the button zooms out to the whole 15-minute band.
      await page.tap('[data-testid="show-service-area"]');
      await waitForMapIdle(page);
      const fits = await page.evaluate((bounds) => {
        const map = window.__map;
        const pad = map.getPadding();
        const canvas = map.getCanvas();
        return bounds.every((c) => {
          const p = map.project(c);
          return p.x >= pad.left - 1 && p.x <= canvas.clientWidth - pad.right + 1 && p.y >= pad.top - 1 && p.y <= canvas.clientHeight - pad.bottom + 1;
        });
      }, bboxCorners(ebikeArea));
      assert.ok(fits, 'the whole e-bike service circle is not in view after "show whole circle"');
      await shot(page, 'service-area-ebike');

      await page.tap('[data-testid="service-area"] [data-mode="walk"]');
      assert.ok(await drawn('walk') > 0, 'no walking service area drawn');
      assert.equal(await page.getAttribute('[data-testid="service-area"] [data-mode="walk"]', 'aria-checked'), 'true');
      await shot(page, 'service-area-walk');
      // The offline basemap draws the demo road network from the API's vector tiles.
      const roads = await page.evaluate((id) => window.__map.queryRenderedFeatures({ layers: [id] }).length, IDS.road);
      assert.ok(roads > 0, 'no roads drawn on the offline basemap');
      assertNoErrors(errors, await page.evaluate(() => window.__mapState.errors));
    } finally {
      await context.close();
    }
  });
});

/** The four corners of a FeatureCollection of polygons' bounding box. */
function bboxCorners(collection) {
  let w = Infinity, so = Infinity, e = -Infinity, n = -Infinity;
  for (const f of collection.features) {
    for (const polygon of f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates) {
      for (const [x, y] of polygon[0]) { w = Math.min(w, x); e = Math.max(e, x); so = Math.min(so, y); n = Math.max(n, y); }
    }
  }
  return [[w, so], [e, so], [e, n], [w, n]];
}

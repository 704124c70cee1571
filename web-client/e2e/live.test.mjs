// The live loop in two browsers against the real API: a courier checks in at a demo station in
// browser A (geolocation granted at the station), and browser B, which has the station open,
// sees the crowding badge and the marker change without a reload (the SSE stream). A check-in
// from 5 km away shows the server's 422 in words.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BASE, HERE, IDS, api, assertNoErrors, launch, openPage, requireApi, shot } from './helpers.mjs';

const T = { timeout: 120_000 };
let browserA;
let browserB;

before(async () => {
  await requireApi();
  // Two browsers, not two contexts: two phones that share nothing but the server.
  [browserA, browserB] = await Promise.all([launch(), launch()]);
});

after(async () => {
  await Promise.all([browserA?.close(), browserB?.close()]);
});

/** A demo station near the courier with no live crowding yet (earlier runs' check-ins decay within the hour). */
async function quietStation() {
  const body = await api(`/api/v1/stations/nearest?lon=${HERE.longitude}&lat=${HERE.latitude}&limit=50`);
  const station = body.items.find((s) => s.live && !s.live.crowding && s.status === 'open');
  assert.ok(station, `no station without live crowding among ${body.items.length} near the centre`);
  return station;
}

async function openStation(browser, station, geolocation) {
  const opened = await openPage(browser, `/?station=${station.id}`, { geolocation: false, beforeGoto: async (page) => {
    await page.context().grantPermissions(['geolocation'], { origin: BASE });
    await page.context().setGeolocation({ ...geolocation, accuracy: 10 });
  } });
  await opened.page.waitForSelector('[data-testid="live-section"]', { timeout: 30000 });
  return opened;
}

const crowdingBadge = '[data-testid="live-section"] [data-live="crowding"]';

describe('live station state in the browser', () => {
  test('a check-in in browser A changes the crowding badge and the marker in browser B without a reload', T, async () => {
    const station = await quietStation();
    const at = { longitude: station.lon, latitude: station.lat };
    const b = await openStation(browserB, station, { longitude: HERE.longitude, latitude: HERE.latitude });
    const a = await openStation(browserA, station, at);
    try {
      // B is subscribed before A writes; a flag on B's window proves B never reloads.
      await b.page.waitForFunction(() => document.body.dataset.liveStream === 'open', null, { timeout: 30000 });
      await b.page.evaluate(() => { window.__sameDocument = true; });
      const before = await b.page.$eval('[data-testid="live-section"]', (el) => ({ seq: Number(el.dataset.seq), badge: el.querySelector('[data-live="crowding"]')?.dataset.kind ?? null }));
      assert.notEqual(before.badge, 'live', 'the station already had live crowding');

      await a.page.click('[data-testid="checkin-open"]');
      await a.page.click('[data-testid="checkin-panel"] [data-crowding="full"]');
      await a.page.waitForSelector('[data-testid="live-done"]', { timeout: 30000 });
      const mine = await a.page.$eval(crowdingBadge, (el) => ({ kind: el.dataset.kind, value: el.dataset.value, text: el.textContent }));
      assert.deepEqual([mine.kind, mine.value], ['live', 'full'], `A's own badge after the check-in: ${JSON.stringify(mine)}`);
      assert.match(mine.text, /满.*(刚刚|分钟前).*骑手/, `the live badge says its age and source: ${mine.text}`);
      await shot(a.page, 'live-a-checked-in');

      await b.page.waitForSelector(`${crowdingBadge}[data-kind="live"][data-value="full"]`, { timeout: 20000 });
      assert.equal(await b.page.evaluate(() => window.__sameDocument), true, 'browser B reloaded');
      const after = await b.page.$eval('[data-testid="live-section"]', (el) => Number(el.dataset.seq));
      assert.ok(after > before.seq, `seq ${before.seq} → ${after}`);
      // The tile marker's ring reads the live crowding from its feature state.
      const marker = await b.page.waitForFunction(({ source, sourceLayer, id }) => {
        const state = window.__map.getFeatureState({ source, sourceLayer, id });
        return state?.crowd_kind === 'live' ? state.crowd : null;
      }, { source: IDS.stationsSource, sourceLayer: IDS.stationsSourceLayer, id: station.id }, { timeout: 15000 });
      assert.equal(await marker.jsonValue(), 'full');
      await shot(b.page, 'live-b-sees-full');

      const server = await api(`/api/v1/stations/${station.id}/live`);
      assert.equal(server.live.crowding?.value, 'full');
      assert.equal(server.live.crowding?.source, 'crowd');
      assertNoErrors(a.errors);
      assertNoErrors(b.errors);
    } finally {
      await Promise.all([a.context.close(), b.context.close()]);
    }
  });

  test('a check-in from 5 km away is refused, and the sheet says so in Chinese', T, async () => {
    const station = await quietStation();
    // ~5 km north of the station.
    const far = { longitude: station.lon, latitude: station.lat + 0.045 };
    const { context, page } = await openStation(browserA, station, far);
    try {
      await page.click('[data-testid="checkin-open"]');
      await page.click('[data-testid="checkin-panel"] [data-crowding="empty"]');
      const text = await (await page.waitForSelector('[data-testid="live-error"]', { timeout: 30000 })).textContent();
      assert.match(text, /你离驿站太远/, text);
      assert.match(text, /300/, text);
      const server = await api(`/api/v1/stations/${station.id}/live`);
      assert.equal(server.live.crowding, null, 'the refused check-in changed the live state');
      await shot(page, 'live-too-far');
    } finally {
      await context.close();
    }
  });
});

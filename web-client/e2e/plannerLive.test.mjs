// The planner's live-layer views against the real API: three couriers' "full" check-ins at one
// station make its usual crowding for this hour, which the crowding-by-hour chart draws as a
// peak; a fault two devices reported is drawn on the open-faults layer.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { FAULTS_SOURCE } from '../src/map/layers/faults.js';
import { BASE, HERE, api, assertNoErrors, launch, openPage, requireApi, shot } from './helpers.mjs';

const T = { timeout: 150_000 };
const WIDE = { width: 1280, height: 800 };
let browser;

async function post(path, body, headers = {}) {
  const response = await fetch(BASE + path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'Idempotency-Key': crypto.randomUUID(), ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  assert.ok(response.ok, `POST ${path} → ${response.status}: ${text.slice(0, 400)}`);
  return JSON.parse(text);
}

const newDevice = async () => (await post('/api/v1/devices', {})).token;

/** The hour now in Shanghai (the demo stations' zone), 0–23. */
function shanghaiHour() {
  return Number(new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Shanghai', hour: '2-digit', hourCycle: 'h23' }).format(new Date()));
}

before(async () => {
  await requireApi();
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

describe('planner: crowding by hour and open faults', () => {
  test('three full check-ins make this hour a peak in the chart, and a confirmed fault is on the map', T, async () => {
    const near = await api(`/api/v1/stations/nearest?lon=${HERE.longitude}&lat=${HERE.latitude}&limit=60`);
    // Stations no earlier run touched: no live crowding, and no fault.
    const quiet = near.items.filter((s) => s.live && !s.live.crowding && !(s.live.faults ?? []).length);
    assert.ok(quiet.length >= 2, 'too few untouched stations near the centre');
    const [crowded, broken] = quiet;
    for (let i = 0; i < 3; i++) {
      await post(`/api/v1/stations/${crowded.id}/checkins`, { lon: crowded.lon, lat: crowded.lat, crowding: 'full' }, { 'X-Device-Token': await newDevice() });
    }
    const amenity = Object.entries(broken.amenities ?? {}).find(([, v]) => v === 'yes')?.[0] ?? 'toilet';
    let ticket = null;
    for (let i = 0; i < 2; i++) {
      ticket = (await post(`/api/v1/stations/${broken.id}/reports`, { lon: broken.lon, lat: broken.lat, amenity, state: 'broken' }, { 'X-Device-Token': await newDevice() })).ticket;
    }
    assert.equal(ticket?.state, 'confirmed');

    const { context, page, errors } = await openPage(browser, '/?view=planner', { viewport: WIDE, mobile: false });
    try {
      await page.waitForSelector(`[data-testid="crowding-station"] option[value="${crowded.id}"]`, { state: 'attached', timeout: 60000 });
      await page.selectOption('[data-testid="crowding-station"]', String(crowded.id));
      await page.waitForSelector('[data-testid="crowding-chart"]', { timeout: 30000 });
      const hour = shanghaiHour();
      const bar = await page.$eval(`[data-testid="crowding-chart"] [data-hour="${hour}"]`, (el) => ({ score: Number(el.dataset.score), cls: el.getAttribute('class') }));
      assert.ok(bar.score >= 1.5, `hour ${hour}: ${JSON.stringify(bar)}`);
      assert.match(bar.cls, /crowd-bar-peak/);
      assert.match(await page.textContent('[data-testid="crowding-peaks"]'), new RegExp(`(^|\\D)${hour}( 时|–)`));

      await page.waitForFunction(({ source, id }) => window.__map.querySourceFeatures(source).some((f) => Number(f.properties.station_id) === id),
        { source: FAULTS_SOURCE, id: broken.id }, { timeout: 30000 });
      assert.match(await page.textContent('[data-testid="faults-count"]'), /\d+ 项未处理故障/);
      await page.evaluate(() => document.querySelector('[data-testid="plan-crowding"]').scrollIntoView());
      await shot(page, 'planner-crowding-faults');
      assertNoErrors(errors);
    } finally {
      await context.close();
    }
  });
});

// The planner's live-layer views against the real API: couriers' "full" check-ins at one
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
  const send = () => fetch(BASE + path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'Idempotency-Key': crypto.randomUUID(), ...headers },
    body: JSON.stringify(body),
  });
  let response = await send();
  // A busy hour can take a few dozen check-ins: past the anonymous rate limit, wait as told.
  for (let tries = 0; response.status === 429 && tries < 3; tries += 1) {
    await new Promise((resolve) => setTimeout(resolve, 1000 * Math.min(5, Number(response.headers.get('retry-after')) || 1)));
    response = await send();
  }
  const text = await response.text();
  assert.ok(response.ok, `POST ${path} → ${response.status}: ${text.slice(0, 400)}`);
  return JSON.parse(text);
}

const newDevice = async () => (await post('/api/v1/devices', {})).token;

/** The hour now in Shanghai (the demo stations' zone), 0–23. */
function shanghaiHour() {
  return Number(new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Shanghai', hour: '2-digit', hourCycle: 'h23' }).format(new Date()));
}

/** Today's weekday code in Shanghai ('Mo'…'Su', as the API's crowding profiles name them). */
function shanghaiWeekday() {
  return new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Shanghai', weekday: 'short' }).format(new Date()).slice(0, 2);
}

/**
 * The "full" check-ins that make this hour a peak (score ≥ 1.5) whatever the demo history (four
 * weeks of generated check-ins, busy from 7 to 21 h) already holds there: n earlier check-ins
 * scoring sum (0 empty … 2 full; below the API's minimum of samples no score is given, so they are
 * taken as all empty) need k with (sum + 2k) / (n + k) ≥ 1.5, that is k ≥ 3n − 2·sum, and at
 * least 3 (the minimum of samples).
 */
function fullCheckinsForPeak(samples, score) {
  const sum = score == null ? 0 : Math.max(0, score - 0.005) * samples; // the score is rounded to 0.01
  return Math.max(3, Math.ceil(3 * samples - 2 * sum));
}

before(async () => {
  await requireApi();
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

describe('planner: crowding by hour and open faults', () => {
  test('full check-ins make this hour a peak in the chart, and a confirmed fault is on the map', T, async () => {
    const near = await api(`/api/v1/stations/nearest?lon=${HERE.longitude}&lat=${HERE.latitude}&limit=60`);
    // Stations no earlier run touched: no live crowding, and no fault.
    const quiet = near.items.filter((s) => s.live && !s.live.crowding && !(s.live.faults ?? []).length);
    assert.ok(quiet.length >= 2, 'too few untouched stations near the centre');
    // The one whose demo history at this hour of today needs the fewest check-ins to become a peak.
    const stats = await api(`/api/v1/stats/crowding?station_id=${quiet.map((s) => s.id).join(',')}`);
    const day = shanghaiWeekday();
    const hourNow = shanghaiHour();
    const needed = new Map(stats.stations.map(({ station_id: id, typical_profile: p }) => {
      const i = p.weekdays.indexOf(day);
      return [id, fullCheckinsForPeak(p.samples[i][hourNow], p.scores[i][hourNow])];
    }));
    const crowded = [...quiet].sort((a, b) => needed.get(a.id) - needed.get(b.id))[0];
    const broken = quiet.find((s) => s.id !== crowded.id);
    const checkins = needed.get(crowded.id);
    assert.ok(checkins <= 40, `the quietest station near the centre needs ${checkins} check-ins at ${day} ${hourNow} h`);
    console.log(`station ${crowded.id}: ${checkins} full check-ins make ${day} ${hourNow} h a peak`);
    for (let i = 0; i < checkins; i++) {
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

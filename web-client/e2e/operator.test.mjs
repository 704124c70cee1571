// The operator page against the real API: an operator key (STATIONMAP_E2E_OPERATOR_KEY, which
// ./stationmap test creates for 顺丰速运 in the e2e database) shows whose it is, lists exactly
// that operator's stations, sets seats free as staff, and works a fault ticket that two
// devices reported through acknowledged to fixed.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BASE, launch, openPage, requireApi, shot } from './helpers.mjs';

const T = { timeout: 120_000 };
const KEY = process.env.STATIONMAP_E2E_OPERATOR_KEY;
let browser;
let me;

async function call(path, { method = 'GET', body, headers = {} } = {}) {
  const response = await fetch(BASE + path, {
    method,
    headers: { Accept: 'application/json', ...(body ? { 'Content-Type': 'application/json' } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null, text };
}

async function ok(path, options) {
  const answer = await call(path, options);
  assert.ok(answer.status >= 200 && answer.status < 300, `${options?.method ?? 'GET'} ${path} → ${answer.status}: ${answer.text.slice(0, 500)}`);
  return answer.body;
}

async function operatorStations(operator) {
  const mine = [];
  for (let page = 1; ; page++) {
    const body = await ok(`/api/v1/stations?page=${page}&limit=1000`);
    mine.push(...body.items.filter((s) => s.operator === operator));
    if (!body.has_more) return mine;
  }
}

before(async () => {
  await requireApi();
  assert.ok(KEY, 'STATIONMAP_E2E_OPERATOR_KEY is not set: create one with ./stationmap apikey create --role operator --operator 顺丰速运 (./stationmap test does this for the e2e database)');
  me = await ok('/api/v1/keys/me', { headers: { 'X-Api-Key': KEY } });
  assert.equal(me.role, 'operator');
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

async function signIn(page) {
  await page.fill('[data-testid="operator-key"]', KEY);
  await page.click('[data-testid="operator-sign-in"]');
  await page.waitForSelector('[data-testid="operator-whoami"]', { timeout: 20000 });
}

describe('the operator page', () => {
  test('shows whose key it is, lists only its stations and sets seats free as staff', T, async () => {
    const expected = await operatorStations(me.operator);
    assert.ok(expected.length > 0, `the demo data has no station of ${me.operator}`);
    const { context, page, errors } = await openPage(browser, '/operator.html', { waitForMap: false, geolocation: false });
    try {
      await signIn(page);
      assert.match(await page.textContent('[data-testid="operator-whoami"]'), new RegExp(me.operator));
      await page.waitForFunction((n) => document.querySelectorAll('.operator-station').length === n, expected.length, { timeout: 30000 });
      const ids = await page.$$eval('.operator-station', (els) => els.map((e) => Number(e.dataset.stationId)));
      assert.deepEqual(ids.sort((a, b) => a - b), expected.map((s) => s.id).sort((a, b) => a - b));

      const station = expected[0];
      const before = await ok(`/api/v1/stations/${station.id}/live`);
      const seats = ((before.live.seats_free?.value ?? 0) + 3) % 20;
      const row = page.locator(`.operator-station[data-station-id="${station.id}"]`);
      await row.locator('[data-field="seats_free"]').fill(String(seats));
      await row.locator('[data-testid="operator-save"]').click();
      await row.locator('.live-done').waitFor({ timeout: 20000 });
      const after = await ok(`/api/v1/stations/${station.id}/live`);
      assert.equal(after.live.seats_free?.value, seats);
      assert.equal(after.live.seats_free?.source, 'staff');
      assert.match(await row.locator('[data-live="seats"]').textContent(), new RegExp(`${seats} 个空座`));
      await shot(page, 'operator-saved');

      // The key is kept for the tab: a reload signs in again without typing.
      await page.reload();
      await page.waitForSelector('[data-testid="operator-whoami"]', { timeout: 20000 });
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('a fault two devices reported is acknowledged and then fixed from the page', T, async () => {
    const stations = await operatorStations(me.operator);
    // A station and amenity with no unfinished ticket yet (earlier runs leave theirs behind).
    let target = null;
    for (const s of stations) {
      const open = await ok(`/api/v1/tickets?station_id=${s.id}`, { headers: { 'X-Api-Key': KEY } });
      const busy = new Set((open.tickets ?? open.items ?? open).filter((t) => !['verified', 'rejected'].includes(t.state)).map((t) => t.amenity));
      const amenity = Object.entries(s.amenities ?? {}).find(([a, v]) => v === 'yes' && a !== 'drinking_water' && !busy.has(a))?.[0];
      if (amenity) { target = { station: s, amenity }; break; }
    }
    assert.ok(target, 'every operator station already has an unfinished ticket on each amenity');
    let ticket = null;
    for (let i = 0; i < 2; i++) {
      const device = await ok('/api/v1/devices', { method: 'POST', body: {} });
      const answer = await ok(`/api/v1/stations/${target.station.id}/reports`, {
        method: 'POST',
        headers: { 'X-Device-Token': device.token, 'Idempotency-Key': crypto.randomUUID() },
        body: { lon: target.station.lon, lat: target.station.lat, amenity: target.amenity, state: 'broken' },
      });
      ticket = answer.ticket;
    }
    assert.equal(ticket?.state, 'confirmed', `two devices should confirm the fault: ${JSON.stringify(ticket)}`);

    const { context, page } = await openPage(browser, '/operator.html', { waitForMap: false, geolocation: false });
    try {
      await signIn(page);
      const item = page.locator(`.operator-ticket[data-ticket="${ticket.id}"]`);
      await item.waitFor({ timeout: 30000 });
      assert.equal(await item.getAttribute('data-state'), 'confirmed');
      await item.locator('[data-step="acknowledged"]').click();
      await page.waitForSelector(`.operator-ticket[data-ticket="${ticket.id}"][data-state="acknowledged"]`, { timeout: 20000 });
      await page.locator(`.operator-ticket[data-ticket="${ticket.id}"] [data-step="fixed"]`).click();
      await page.waitForFunction((id) => {
        const el = document.querySelector(`.operator-ticket[data-ticket="${id}"]`);
        return !el || el.dataset.state === 'fixed';
      }, ticket.id, { timeout: 20000 });
      const final = await ok(`/api/v1/tickets/${ticket.id}`, { headers: { 'X-Api-Key': KEY } });
      assert.equal(final.state, 'fixed');
      assert.deepEqual(final.history.map((h) => h.state).slice(-2), ['acknowledged', 'fixed']);
      await shot(page, 'operator-ticket-fixed');
    } finally {
      await context.close();
    }
  });
});

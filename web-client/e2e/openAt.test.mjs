// Browser tests of "open at…", the week view and the services against the real API and its demo
// data: what the page asks for, and that what it shows agrees with what the API answers for
// the same instant (asked directly, not through the page).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BASE, IDS, api, assertNoErrors, launch, listedIds, openPage, requireApi, shot, waitForMapIdle } from './helpers.mjs';

const T = { timeout: 120_000 };
/** The demo city, wider than any station in it (lon/lat, WGS-84). */
const CITY_BOX = '119.9,30.0,120.5,30.5';

let browser;

before(async () => {
  await requireApi();
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

/** Today's date in Shanghai, worked out here without the client's code. */
function shanghaiToday() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

function shanghaiWeekday(iso) {
  return new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Shanghai', weekday: 'short' }).format(new Date(iso));
}

/** The request's query has parameter name ("lat=" contains "at=": match the parameter, not the text). */
const has = (request, name) => new URL(request.url()).searchParams.has(name);

async function waitForList(page) {
  await page.waitForSelector('[data-testid="station-list"] [data-station-id]', { timeout: 30000 });
  await page.waitForFunction(() => document.querySelector('[data-testid="station-list"]')?.getAttribute('aria-busy') === 'false');
}

async function allStations() {
  const body = await api(`/api/v1/stations?bbox=${CITY_BOX}&limit=1000`);
  return body.items ?? body.features?.map((f) => f.properties) ?? [];
}

describe('"open at", week view and services on a phone', () => {
  test('choosing 今晚 23:00 asks for stations open at 23:00 tonight in Shanghai (on a phone set to another zone), and every card says so', T, async () => {
    const tonight = `${shanghaiToday()}T23:00:00+08:00`;
    // A phone set to Los Angeles: "tonight" still means 23:00 in the city, on the city's date.
    const { context, page, errors } = await openPage(browser, '/', { timezoneId: 'America/Los_Angeles' });
    try {
      await waitForList(page);
      await page.tap('[data-filter="open_at"]');
      await page.waitForSelector('[data-panel="openAt"] [data-at-choice="tonight"]');
      await shot(page, 'open-at-choices');
      const [nearest, mapLoad] = await Promise.all([
        page.waitForRequest((r) => r.url().includes('/api/v1/stations/nearest') && has(r, 'at')),
        page.waitForRequest((r) => /\/api\/v1\/stations\?/.test(r.url()) && has(r, 'at')),
        page.tap('[data-at-choice="tonight"]'),
      ]);
      const url = new URL(nearest.url());
      assert.equal(url.searchParams.get('at'), tonight, nearest.url());
      assert.equal(url.searchParams.get('openNow'), 'true', nearest.url());
      assert.ok(decodeURIComponent(url.search).includes(`at=${tonight}&openNow=true`), decodeURIComponent(url.search));
      assert.equal(new URL(mapLoad.url()).searchParams.get('at'), tonight, mapLoad.url());

      await page.waitForFunction(() => document.querySelector('[data-testid="list-at"]'));
      await waitForList(page);
      assert.match(await page.textContent('[data-testid="list-at"]'), /按 23:00 是否营业筛选/);
      assert.match(await page.textContent('[data-filter="open_at"]'), /23:00 营业/);
      const ids = await listedIds(page);
      assert.ok(ids.length > 0, 'nothing is open at 23:00 in the demo data');
      const badges = await page.$$eval('[data-testid="station-list"] [data-station-id] .open-state', (els) => els.map((e) => ({ state: e.dataset.openState, text: e.querySelector('.badge').textContent })));
      for (const b of badges) assert.deepEqual(b, { state: 'open', text: '23:00 营业中' });
      // The API, asked for each listed station at that instant, agrees it is open then.
      for (const id of ids) {
        const station = await api(`/api/v1/stations/${id}?at=${encodeURIComponent(tonight)}`);
        assert.equal(station.open_state.state, 'open', `station ${id} listed as open at ${tonight} but the API says ${station.open_state.state}`);
      }
      // The map draws only stations open then, from its own at= load: the API agrees for each one drawn.
      await waitForMapIdle(page);
      // The tiles say open state now: hidden while an instant is chosen, the overlay draws the at= list.
      assert.deepEqual(await page.evaluate((ids) => [ids.stations, ids.clusters, ids.overlay].map((id) => window.__map.getLayoutProperty(id, 'visibility')), IDS), ['none', 'none', 'visible']);
      const drawn = await page.evaluate((id) => window.__map.queryRenderedFeatures({ layers: [id] }).map((f) => [f.properties.id, f.properties.open_state]), IDS.overlay);
      assert.ok(drawn.length > 0, 'no station drawn on the map at 23:00');
      for (const [id, state] of drawn.slice(0, 15)) {
        assert.equal(state, 'open', `station ${id} drawn as ${state}`);
        const station = await api(`/api/v1/stations/${id}?at=${encodeURIComponent(tonight)}`);
        assert.equal(station.open_state.state, 'open', `station ${id} drawn as open at ${tonight} but the API says ${station.open_state.state}`);
      }
      await shot(page, 'open-at-tonight-list');

      // Back to now: at= goes, open-now stays.
      const [back] = await Promise.all([
        page.waitForRequest((r) => r.url().includes('/api/v1/stations/nearest') && !has(r, 'at')),
        page.tap('[data-testid="at-clear"]'),
      ]);
      assert.equal(new URL(back.url()).searchParams.get('openNow'), 'true');
      await page.waitForFunction(() => !document.querySelector('[data-testid="list-at"]'));
      // Back to the tiles, open now only.
      await page.waitForFunction((ids) => window.__map.getLayoutProperty(ids.stations, 'visibility') === 'visible' && window.__map.getLayoutProperty(ids.overlay, 'visibility') === 'none', IDS);
      await waitForMapIdle(page);
      const now = await page.evaluate((id) => window.__map.queryRenderedFeatures({ layers: [id] }).map((f) => f.properties.open_state), IDS.stations);
      assert.ok(now.every((state) => state === 'open'), `open now draws only open tile stations: ${[...new Set(now)]}`);
      assertNoErrors(errors, await page.evaluate(() => window.__mapState.errors));
    } finally {
      await context.close();
    }
  });

  test('a station opened with "tomorrow 07:00" set shows its week from that day with the state at 07:00', T, async () => {
    const { context, page, errors } = await openPage(browser, '/');
    try {
      await waitForList(page);
      await page.tap('[data-filter="open_at"]');
      await Promise.all([
        page.waitForRequest((r) => r.url().includes('/api/v1/stations/nearest') && has(r, 'at')),
        page.tap('[data-at-choice="morning"]'),
      ]);
      await page.waitForFunction(() => document.querySelector('[data-testid="list-at"]'));
      await waitForList(page);
      const [first] = await listedIds(page);
      assert.ok(first, 'nothing is open at 07:00 tomorrow in the demo data');
      const [detailRequest] = await Promise.all([
        page.waitForRequest((r) => new RegExp(`/api/v1/stations/${first}\\?`).test(r.url())),
        page.tap(`[data-testid="station-list"] [data-station-id="${first}"]`),
      ]);
      const at = new URL(detailRequest.url()).searchParams.get('at');
      assert.match(at, /T07:00:00\+08:00$/);
      await page.waitForSelector(`[data-testid="station-detail"][data-station-id="${first}"] [data-testid="hours-at"]`);
      const expected = await api(`/api/v1/stations/${first}?at=${encodeURIComponent(at)}`);
      assert.equal(expected.hours_week[0].date, at.slice(0, 10), 'the API week does not start at the "open at" day');
      const row = await page.$eval('.hours-row.today', (el) => ({ date: el.dataset.date, at: el.querySelector('[data-testid="hours-at"]').textContent }));
      assert.deepEqual(row, { date: at.slice(0, 10), at: '明天 07:00 营业中' });
      assert.match(await page.textContent('[data-testid="detail-at"]'), /明天 07:00/);
      await shot(page, 'open-at-morning-detail');
      assertNoErrors(errors, await page.evaluate(() => window.__mapState.errors));
    } finally {
      await context.close();
    }
  });

  test('a time picked in Spring Festival shows that week with its holidays by name', T, async () => {
    const wall = '2026-02-17T10:00';
    const at = `${wall}:00+08:00`;
    const { context, page, errors } = await openPage(browser, '/');
    try {
      await waitForList(page);
      await page.tap('[data-filter="open_at"]');
      await page.tap('[data-at-choice="custom"]');
      await page.fill('[data-testid="at-input"]', wall);
      const [request] = await Promise.all([
        page.waitForRequest((r) => r.url().includes('/api/v1/stations/nearest') && has(r, 'at')),
        page.tap('[data-testid="at-apply"]'),
      ]);
      assert.equal(new URL(request.url()).searchParams.get('at'), at);
      await page.waitForFunction(() => document.querySelector('[data-testid="list-at"]'));
      await waitForList(page);
      const [first] = await listedIds(page);
      assert.ok(first, `nothing is open at ${at} in the demo data`);
      await page.tap(`[data-testid="station-list"] [data-station-id="${first}"]`);
      await page.waitForSelector(`[data-testid="station-detail"][data-station-id="${first}"] [data-testid="hours-at"]`);
      const expected = await api(`/api/v1/stations/${first}?at=${encodeURIComponent(at)}`);
      const holidays = expected.hours_week.filter((d) => d.holiday);
      assert.ok(holidays.length > 0, `the API names no holiday in the week from ${at} (Spring Festival): is the holiday calendar loaded?`);
      for (const d of holidays) {
        const text = await page.textContent(`.hours-row[data-date="${d.date}"] td`);
        const want = d.holiday.kind === 'makeup_workday' ? '调休上班'
          : d.status === 'closed' && d.ranges.length === 0 ? `${d.holiday.name} 休息` : d.holiday.name;
        assert.ok(text.includes(want), `${d.date}: "${text}" does not show "${want}"`);
      }
      await page.tap('[data-testid="sheet-handle"]');
      await page.locator('[data-testid="hours"]').scrollIntoViewIfNeeded();
      await shot(page, 'week-spring-festival');
      assertNoErrors(errors, await page.evaluate(() => window.__mapState.errors));
    } finally {
      await context.close();
    }
  });

  test('the week view shows a lunch break as two spans (each range of a day as its own span)', T, async (t) => {
    // A station whose week has a day of two ranges (a lunch break), found through the API; failing
    // that, a day of more ranges (the spans must still be one per range).
    const candidates = (await allStations()).filter((s) => /\d{2}:\d{2}.*(,|;|off).*\d{2}:\d{2}/.test(s.opening_hours ?? ''));
    let found = null;
    let more = null;
    for (const s of candidates.slice(0, 40)) {
      const detail = await api(`/api/v1/stations/${s.id}`);
      const day = (detail.hours_week ?? []).find((d) => d.ranges?.length === 2);
      if (day) { found = { detail, day }; break; }
      const many = (detail.hours_week ?? []).find((d) => d.ranges?.length > 2);
      if (many && !more) more = { detail, day: many };
    }
    if (!found && more) t.diagnostic(`no demo station has a two-range day; checking station ${more.detail.id} (${more.detail.opening_hours}) instead`);
    found ??= more;
    assert.ok(found, 'no demo station has a day with two or more ranges');
    const { detail, day } = found;
    const { context, page, errors } = await openPage(browser, `/?station=${detail.id}`);
    try {
      await page.waitForSelector(`[data-testid="station-detail"][data-station-id="${detail.id}"]`, { timeout: 20000 });
      const spans = await page.$$eval(`.hours-row[data-date="${day.date}"] [data-span]`, (els) => els.map((e) => e.textContent));
      const expected = (r) => `${r.from}–${r.to < r.from ? `次日 ${r.to}` : r.to}${r.status === 'unknown' ? ' (不确定)' : ''}`;
      assert.deepEqual(spans, day.ranges.map(expected));
      assert.equal(await page.$eval(`.hours-row[data-date="${day.date}"] .hours-text`, (e) => e.textContent), spans.join(' · '));
      await page.tap('[data-testid="sheet-handle"]');
      await page.locator('[data-testid="hours"]').scrollIntoViewIfNeeded();
      await shot(page, 'week-lunch-break');
      assertNoErrors(errors, await page.evaluate(() => window.__mapState.errors));
    } finally {
      await context.close();
    }
  });

  test('a station with a Tuesday 14:00–16:00 free clinic shows its next occurrence in the sheet', T, async () => {
    const host = (await allStations()).find((s) => (s.services ?? []).some((v) => v.kind === 'free_clinic' && /Tu[^;]*14:00-16:00/.test(v.hours ?? '')));
    assert.ok(host, 'no demo station hosts a Tu 14:00-16:00 free clinic (the demo data on svc should have some)');
    const { context, page, errors } = await openPage(browser, `/?station=${host.id}`);
    try {
      await page.waitForSelector(`[data-testid="station-detail"][data-station-id="${host.id}"] [data-service="free_clinic"]`, { timeout: 20000 });
      const fresh = await api(`/api/v1/stations/${host.id}`);
      const clinic = fresh.services.find((v) => v.kind === 'free_clinic' && /14:00-16:00/.test(v.hours));
      const text = await page.textContent('[data-service="free_clinic"] [data-testid="service-next"]');
      assert.match(await page.textContent('[data-service="free_clinic"] .service-name'), /^义诊$/);
      if (clinic.open_state.state === 'open') {
        assert.equal(text, '进行中, 至 16:00');
      } else {
        assert.ok(clinic.next, `the API gives no next occurrence: ${JSON.stringify(clinic)}`);
        assert.equal(shanghaiWeekday(clinic.next.from), 'Tue', `next occurrence ${clinic.next.from} is not a Tuesday`);
        assert.match(text, /^下次: (今天|明天|周二|\d+月\d+日 周二) 14:00–16:00$/);
      }
      await page.tap('[data-testid="sheet-handle"]');
      await page.locator('[data-testid="services"]').scrollIntoViewIfNeeded();
      await shot(page, 'services-free-clinic');
      assertNoErrors(errors, await page.evaluate(() => window.__mapState.errors));
    } finally {
      await context.close();
    }
  });

  test('the services filter asks nearest for a service today, and the chip shows the count', T, async () => {
    const { context, page, errors } = await openPage(browser, '/');
    try {
      await waitForList(page);
      await page.tap('[data-filter="services"]');
      const [request] = await Promise.all([
        page.waitForRequest((r) => r.url().includes('/api/v1/stations/nearest') && has(r, 'service')),
        page.tap('[data-service-kind="free_clinic"]'),
      ]);
      const url = new URL(request.url());
      assert.equal(url.searchParams.get('service'), 'free_clinic');
      assert.equal(url.searchParams.get('service_when'), 'today');
      await shot(page, 'services-filter');
      await page.tap('[data-testid="services-done"]');
      assert.equal(await page.textContent('[data-filter="services"]'), '服务 · 1');
      const response = await (await fetch(BASE + url.pathname + url.search)).json();
      await page.waitForFunction(() => document.querySelector('[data-testid="station-list"], [data-testid="list-empty"]')
        && document.querySelector('[data-testid="station-list"]')?.getAttribute('aria-busy') !== 'true');
      assert.deepEqual(await listedIds(page), (response.items ?? []).map((s) => s.id));
      assertNoErrors(errors, await page.evaluate(() => window.__mapState.errors));
    } finally {
      await context.close();
    }
  });
});

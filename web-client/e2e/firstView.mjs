// A phone on slow 4G, measured as ../shared/docs/FRONTEND.md says: Lighthouse's slow-4G profile
// (150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up) and a 4× CPU slowdown through CDP, a
// 390×844 phone in central Hangzhou. "First useful paint" is the moment the map has reached its
// first idle (window.__mapState.ready) and the nearest list shows at least three stations, taken
// in the page (performance.now(), from the navigation's start) so that polling from the test does
// not add to it. Bytes are what crossed the wire, from Resource Timing in the page and in the
// map's worker (it fetches the tiles): CDP's own byte counts miss the worker's script and its
// fetches. Shared by e2e/budget.test.mjs and tests/bench/client.mjs.
import { HERE, PHONE } from './helpers.mjs';

export const SLOW_4G = { offline: false, latency: 150, downloadThroughput: 1.6e6 / 8, uploadThroughput: 750e3 / 8 };
export const CPU_SLOWDOWN = 4;
/** The first view's byte budget (issue 10): what a first visit moves before it is useful. */
export const FIRST_VIEW_BUDGET_BYTES = 350 * 1024;
/** At least this many stations in the nearest list make the first paint "useful". */
export const MIN_LISTED = 3;

/** Runs in the page before any of its scripts: records when the map is ready and the list is full. */
function markFirstUsefulPaint(minListed) {
  const marks = { map: null, list: null, useful: null };
  window.__firstView = marks;
  const check = () => {
    const now = performance.now();
    if (marks.map == null && window.__mapState?.ready === true) marks.map = now;
    if (marks.list == null && document.querySelectorAll('[data-testid="station-list"] [data-station-id]').length >= minListed) marks.list = now;
    if (marks.useful == null && marks.map != null && marks.list != null) marks.useful = Math.max(marks.map, marks.list);
    return marks.useful != null;
  };
  // The map sets window.__mapState = {ready: false, errors} and later flips ready: catch the flip
  // itself (an accessor on the object it hands over), and every change of the list (a mutation
  // observer), rather than polling under a 4× CPU slowdown.
  let state;
  Object.defineProperty(window, '__mapState', {
    configurable: true,
    get: () => state,
    set(value) {
      state = value;
      if (value && typeof value === 'object') {
        let ready = value.ready;
        Object.defineProperty(value, 'ready', {
          configurable: true,
          enumerable: true,
          get: () => ready,
          set(v) {
            ready = v;
            check();
          },
        });
      }
      check();
    },
  });
  const start = () => {
    const observer = new MutationObserver(() => {
      if (check()) observer.disconnect();
    });
    observer.observe(document.documentElement, { childList: true, subtree: true });
  };
  if (document.documentElement) start();
  else document.addEventListener('readystatechange', start, { once: true });
}

/**
 * A phone context: Chinese locale, Shanghai time, a fixed GPS position in central Hangzhou.
 * minListed: the stations the list must show for the paint to count (0 for a page with no list,
 * such as the bench's MapLibre-alone baseline).
 */
export async function phoneContext(browser, { minListed = MIN_LISTED, ...options } = {}) {
  const context = await browser.newContext({
    viewport: PHONE,
    deviceScaleFactor: 1,
    hasTouch: true,
    isMobile: true,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    geolocation: { ...HERE, accuracy: 15 },
    permissions: ['geolocation'],
    ...options,
  });
  await context.addInitScript(markFirstUsefulPaint, minListed);
  await context.addInitScript(() => performance.setResourceTimingBufferSize?.(2000));
  return context;
}

async function throttle(session, { network = SLOW_4G, cpu = CPU_SLOWDOWN } = {}) {
  await session.send('Network.enable');
  if (network) await session.send('Network.emulateNetworkConditions', network);
  if (cpu) await session.send('Emulation.setCPUThrottlingRate', { rate: cpu });
}

/** Resource Timing of a page or worker: every fetch with its bytes on the wire (0 from a cache). */
function resourceEntries() {
  const nav = performance.getEntriesByType('navigation').map((e) => ({ url: e.name, type: 'document', wire: e.transferSize, encoded: e.encodedBodySize, decoded: e.decodedBodySize, end: e.responseEnd }));
  const res = performance.getEntriesByType('resource').map((e) => ({ url: e.name, type: e.initiatorType, wire: e.transferSize, encoded: e.encodedBodySize, decoded: e.decodedBodySize, end: e.responseEnd }));
  return [...nav, ...res];
}

async function allEntries(page) {
  const lists = [await page.evaluate(resourceEntries)];
  for (const worker of page.workers()) {
    const fromWorker = await worker.evaluate(resourceEntries).catch(() => []);
    lists.push(fromWorker.map((e) => ({ ...e, type: `worker ${e.type}` })));
  }
  return lists.flat();
}

/**
 * One visit of url in context (a new page: a repeat visit is a second call on the same context).
 * Returns {firstUsefulPaintMs, mapReadyMs, listMs, bytes, bytesAtPaint, requests, errors, page}.
 * Bytes are Resource Timing's transferSize (headers and encoded body; 0 when a cache answered)
 * over the page and its workers, counted once the first view has settled: no new entry for
 * quietMs (at most 15 s). The live stream never finishes and is not counted (a few hundred bytes).
 */
export async function measureVisit(context, url, { timeoutMs = 60_000, quietMs = 1500, network = SLOW_4G, cpu = CPU_SLOWDOWN } = {}) {
  const page = await context.newPage();
  const errors = [];
  const codings = new Map();
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  const onResponse = async (response) => {
    const coding = (await response.allHeaders().catch(() => ({})))['content-encoding'] ?? '';
    codings.set(response.url(), { coding, status: response.status(), sw: response.fromServiceWorker() });
  };
  context.on('response', onResponse);
  const cdp = await context.newCDPSession(page);
  await throttle(cdp, { network, cpu });
  try {
    await page.goto(url, { waitUntil: 'commit', timeout: timeoutMs });
    await page.waitForFunction(() => window.__firstView?.useful != null, null, { timeout: timeoutMs, polling: 250 });
    const marks = await page.evaluate(() => window.__firstView);
    const atPaint = await allEntries(page);
    const deadline = Date.now() + 15_000;
    let count = atPaint.length;
    let quietSince = Date.now();
    let entries = atPaint;
    while (Date.now() < deadline && Date.now() - quietSince < quietMs) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      entries = await allEntries(page);
      if (entries.length !== count) {
        count = entries.length;
        quietSince = Date.now();
      }
    }
    const requests = entries.map((e) => {
      const seen = codings.get(e.url);
      return { ...e, coding: seen?.coding ?? '', status: seen?.status ?? 0, from: seen?.sw ? 'service worker' : e.wire === 0 ? 'cache' : 'network' };
    });
    const mapErrors = await page.evaluate(() => window.__mapState?.errors ?? []);
    const sum = (list) => list.reduce((n, e) => n + e.wire, 0);
    return {
      firstUsefulPaintMs: Math.round(marks.useful),
      mapReadyMs: Math.round(marks.map),
      listMs: Math.round(marks.list),
      bytes: sum(requests),
      bytesAtPaint: sum(atPaint),
      requests,
      errors: [...errors, ...mapErrors.map((m) => `map: ${m}`)],
      page,
    };
  } catch (err) {
    await page.close().catch(() => {});
    throw err;
  } finally {
    context.off('response', onResponse);
  }
}

/** A table of what crossed the wire, one row per request, biggest first. */
export function wireTable(requests, origin) {
  const rows = [...requests].sort((a, b) => b.wire - a.wire || a.end - b.end);
  const path = (u) => (u.startsWith(origin) ? u.slice(origin.length) : u).replace(/^(.{62}).+$/, '$1…');
  const kb = (n) => (n / 1024).toFixed(1).padStart(8);
  const lines = [`${'request'.padEnd(64)} ${'initiator'.padEnd(16)} ${'coding'.padEnd(6)} ${'from'.padEnd(8)} ${'wire KB'.padStart(8)} ${'body KB'.padStart(8)} ${'done ms'.padStart(8)}`];
  for (const r of rows) {
    lines.push(`${path(r.url).padEnd(64)} ${r.type.slice(0, 16).padEnd(16)} ${(r.coding || '-').padEnd(6)} ${r.from.padEnd(8)} ${kb(r.wire)} ${kb(r.decoded)} ${String(Math.round(r.end)).padStart(8)}`);
  }
  lines.push(`${`total (${rows.length} requests)`.padEnd(64)} ${''.padEnd(16)} ${''.padEnd(6)} ${''.padEnd(8)} ${kb(rows.reduce((s, r) => s + r.wire, 0))}`);
  return lines.join('\n');
}

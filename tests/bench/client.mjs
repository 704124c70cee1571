// The client's first view on a phone on slow 4G, measured as web-client/e2e/firstView.mjs does
// (150 ms, 1.6 Mbit/s down, 750 kbit/s up, 4× CPU, 390×844, central Hangzhou): per run a fresh
// browser context (empty HTTP cache) makes a first visit, then a repeat visit in the same context.
// Side by side in each run, the baseline: MapLibre GL JS alone (floor/index.html, the same release,
// brotli, no application code) drawing the API's road and station tiles of the view the client's
// first visit ended at, first and repeat visit in a fresh context of its own. Its time is what the
// map library and these tiles cost on this machine before any of the application's work; the
// ratio client/baseline is the application's share, and holds up under the machine's load better
// than either time alone.
// Prints one row per run, then medians and p95 as JSON on the last line (for client.sh):
//   node tests/bench/client.mjs --url http://127.0.0.1:PORT --runs 3 --label "300 stations"
// Times are printed, never judged here: the machine's load moves them.
import { measureVisit, phoneContext, wireTable } from '../../web-client/e2e/firstView.mjs';
import { launch } from '../../web-client/e2e/helpers.mjs';
import { serveFloor } from './floor/serve.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []));
const url = (args.url ?? 'http://127.0.0.1:8080').replace(/\/$/, '');
const runs = Math.max(1, Number.parseInt(args.runs ?? '3', 10));
const label = args.label ?? url;
const showWire = args.wire === 'yes';

/** Nearest-rank percentile of a list of numbers (p in 0..100). */
export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const browser = await launch();
const floor = await serveFloor();
const rows = { first: [], repeat: [], floorFirst: [], floorRepeat: [] };
const line = (what, visit, run, r, list = true) => `${what.padEnd(16)} run ${run} ${visit.padEnd(6)} first useful paint ${String(r.firstUsefulPaintMs).padStart(6)} ms  map idle ${String(r.mapReadyMs).padStart(6)} ms  list ${(list ? String(r.listMs) : '-').padStart(6)} ms  ${(r.bytes / 1024).toFixed(1).padStart(7)} KB  ${r.requests.filter((q) => q.wire > 0).length} requests over the wire${r.errors.length ? `  errors: ${r.errors.join('; ')}` : ''}`;
try {
  const config = await (await fetch(`${url}/api/v1/config`)).json();
  for (let run = 1; run <= runs; run += 1) {
    let view = null;
    const context = await phoneContext(browser);
    try {
      for (const visit of ['first', 'repeat']) {
        const r = await measureVisit(context, `${url}/`);
        if (showWire && run === 1) console.log(`${label}, ${visit} visit:\n${wireTable(r.requests, url)}`);
        rows[visit].push(r);
        console.log(line(label, visit, run, r));
        view ??= await r.page.evaluate(() => ({ ...window.__map.getCenter(), zoom: window.__map.getZoom() }));
        await r.page.close();
      }
    } finally {
      await context.close();
    }
    const floorContext = await phoneContext(browser, { minListed: 0 });
    try {
      const page = `${floor.url}/?api=${encodeURIComponent(url)}&v=${config.routing?.graph_version ?? 0}&lon=${view.lng}&lat=${view.lat}&zoom=${view.zoom}`;
      for (const visit of ['first', 'repeat']) {
        const r = await measureVisit(floorContext, page);
        rows[visit === 'first' ? 'floorFirst' : 'floorRepeat'].push(r);
        console.log(line('MapLibre alone', visit, run, r, false));
        await r.page.close();
      }
    } finally {
      await floorContext.close();
    }
  }
} finally {
  await browser.close();
  await floor.close();
}

const summary = {};
for (const visit of ['first', 'repeat']) {
  const fup = rows[visit].map((r) => r.firstUsefulPaintMs);
  const kb = rows[visit].map((r) => r.bytes / 1024);
  const base = rows[visit === 'first' ? 'floorFirst' : 'floorRepeat'];
  summary[visit] = {
    runs: rows[visit].length,
    floorMedian: percentile(base.map((r) => r.firstUsefulPaintMs), 50),
    // Each run's client time over its own baseline's, measured minutes apart on the same machine.
    ratioMedian: Number(percentile(rows[visit].map((r, i) => r.firstUsefulPaintMs / base[i].firstUsefulPaintMs), 50).toFixed(2)),
    floorKbMedian: Number(percentile(base.map((r) => r.bytes / 1024), 50).toFixed(1)),
    fupMedian: percentile(fup, 50), fupP95: percentile(fup, 95),
    mapMedian: percentile(rows[visit].map((r) => r.mapReadyMs), 50),
    listMedian: percentile(rows[visit].map((r) => r.listMs), 50),
    kbMedian: Number(percentile(kb, 50).toFixed(1)), kbP95: Number(percentile(kb, 95).toFixed(1)),
  };
}
console.log(`RESULT ${JSON.stringify({ label, ...summary })}`);

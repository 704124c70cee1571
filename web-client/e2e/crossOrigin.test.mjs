// Another app on another origin using the API, the way a city dashboard would: a page served by
// a tiny server of this test's own (127.0.0.1, a free port, so a different origin from the API)
// fetches GET /stations/nearest and draws the API's road tiles with MapLibre loaded from that
// same second origin. It passes only when the API allows cross-origin reads (CORS) for public
// GETs and tiles; without CORS the browser blocks both, and the failure message says so.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BASE, api, launch, requireApi, shot } from './helpers.mjs';

const NEAREST = '/api/v1/stations/nearest?lon=120.16&lat=30.27&limit=5';
const ROAD_TILES = '/api/v1/tiles/roads/{z}/{x}/{y}.mvt';
const CENTER = [120.16, 30.27];
const ZOOM = 14;
const MAPLIBRE_DIR = fileURLToPath(new URL('../node_modules/maplibre-gl/dist/', import.meta.url));
/** The only files the second origin serves from maplibre-gl, with their types. */
const MAPLIBRE_FILES = {
  'maplibre-gl.mjs': 'text/javascript; charset=utf-8',
  'maplibre-gl-worker.mjs': 'text/javascript; charset=utf-8',
  'maplibre-gl.css': 'text/css; charset=utf-8',
};

function pageHtml(apiBase) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Another app on another origin</title>
<link rel="stylesheet" href="/maplibre-gl/maplibre-gl.css">
<style>html, body, #map { margin: 0; width: 100%; height: 100%; }</style>
</head>
<body>
<div id="map"></div>
<script type="module">
import * as maplibregl from '/maplibre-gl/maplibre-gl.mjs';
const API = ${JSON.stringify(apiBase)};
const state = (window.__crossOrigin = { nearest: null, mapErrors: [], ready: false });
maplibregl.setWorkerUrl('/maplibre-gl/maplibre-gl-worker.mjs');
const map = new maplibregl.Map({
  container: 'map',
  center: ${JSON.stringify(CENTER)},
  zoom: ${ZOOM},
  style: {
    version: 8,
    sources: { roads: { type: 'vector', tiles: [API + ${JSON.stringify(ROAD_TILES)}], minzoom: 8, maxzoom: 16 } },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': '#eef0ea' } },
      { id: 'roads', type: 'line', source: 'roads', 'source-layer': 'roads', paint: { 'line-color': '#334155', 'line-width': 2 } },
    ],
  },
});
window.__map = map;
map.on('error', (e) => state.mapErrors.push(String(e?.error?.message ?? e?.error ?? 'map error')));
map.once('idle', () => { state.ready = true; });
try {
  const response = await fetch(API + ${JSON.stringify(NEAREST)});
  const body = await response.json();
  state.nearest = { status: response.status, ids: (body.items ?? []).map((s) => s.id) };
} catch (err) {
  state.nearest = { error: String(err) };
}
</script>
</body>
</html>`;
}

/** Serves the page and maplibre-gl's files on 127.0.0.1 at a free port; resolves to {server, origin}. */
async function startSecondOrigin(apiBase) {
  const server = createServer(async (req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(pageHtml(apiBase));
      return;
    }
    const name = path.startsWith('/maplibre-gl/') ? path.slice('/maplibre-gl/'.length) : null;
    if (name && Object.hasOwn(MAPLIBRE_FILES, name)) {
      res.writeHead(200, { 'content-type': MAPLIBRE_FILES[name] });
      res.end(await readFile(MAPLIBRE_DIR + name));
      return;
    }
    res.writeHead(path === '/favicon.ico' ? 204 : 404);
    res.end();
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return { server, origin: `http://127.0.0.1:${server.address().port}` };
}

/** The tile holding lon/lat at zoom z (Web Mercator). */
function tileOf([lon, lat], z) {
  const n = 2 ** z;
  const rad = (lat * Math.PI) / 180;
  return { z, x: Math.floor(((lon + 180) / 360) * n), y: Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n) };
}

let browser;
let second;

before(async () => {
  await requireApi();
  second = await startSecondOrigin(BASE);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => (second ? second.server.close(resolve) : resolve()));
});

describe('the API from another origin', () => {
  test('a page on a second origin fetches nearest and loads the road tiles', { timeout: 90_000 }, async () => {
    assert.notEqual(new URL(BASE).origin, second.origin, 'the test page must be on another origin than the API');
    const config = await api('/api/v1/config');
    assert.ok(config.routing, 'the API has no road graph (/api/v1/config routing is null): no road tiles to load');
    // The same requests from Node, where CORS does not apply: they must work, so a failure in the
    // browser below is the browser refusing the answer, not the API lacking it.
    const expected = await api(NEAREST);
    assert.ok(expected.items.length > 0, 'nearest has no stations around the demo centre');
    const { z, x, y } = tileOf(CENTER, ZOOM);
    const tile = await fetch(BASE + ROAD_TILES.replace('{z}', z).replace('{x}', x).replace('{y}', y));
    assert.equal(tile.status, 200, `the road tile ${z}/${x}/${y} at the demo centre answers ${tile.status} even without CORS`);

    const context = await browser.newContext({ viewport: { width: 800, height: 600 } });
    const page = await context.newPage();
    // What the browser says, including the CORS refusals Chromium logs for the page's fetch and
    // for MapLibre's worker (which fetches the tiles): the browser log has both, once each.
    const logs = [];
    const cdp = await context.newCDPSession(page);
    cdp.on('Log.entryAdded', ({ entry }) => {
      // Software WebGL's performance notes say nothing about the API.
      if (!/GL Driver Message/.test(entry.text)) logs.push(`${entry.level}: ${entry.text}`);
    });
    await cdp.send('Log.enable');
    page.on('pageerror', (err) => logs.push(`pageerror: ${err.message}`));
    const failed = [];
    page.on('requestfailed', (r) => failed.push(`${r.url()}: ${r.failure()?.errorText}`));
    try {
      await page.goto(`${second.origin}/`);
      await page.waitForFunction(() => window.__crossOrigin?.nearest && window.__crossOrigin.ready, null, { timeout: 45_000 })
        .catch(() => {});
      const result = await page.evaluate(() => {
        const map = window.__map;
        const state = window.__crossOrigin;
        return {
          state,
          roads: map ? map.queryRenderedFeatures({ layers: ['roads'] }).length : 0,
          sourceLoaded: map ? map.isSourceLoaded('roads') : false,
        };
      });
      await shot(page, 'cross-origin');

      const cors = logs.filter((l) => /CORS|Access-Control-Allow-Origin/i.test(l));
      const why = [
        `page origin ${second.origin}, API ${BASE}`,
        cors.length
          ? `the browser blocked the API's answers for CORS:\n  ${cors.slice(0, 4).join('\n  ')}\n  → the API must send Access-Control-Allow-Origin (e.g. *) on public GETs and tiles`
          : 'the browser logged no CORS refusal',
        failed.length ? `failed requests:\n  ${failed.slice(0, 4).join('\n  ')}` : null,
        logs.length > cors.length ? `rest of the browser log:\n  ${logs.filter((l) => !cors.includes(l)).slice(0, 6).join('\n  ')}` : null,
      ].filter(Boolean).join('\n');

      const nearest = result.state?.nearest;
      assert.ok(nearest, `the page script did not finish its nearest request\n${why}`);
      assert.ok(!nearest.error, `fetch(${BASE}${NEAREST}) from another origin failed: ${nearest.error}\n${why}`);
      assert.equal(nearest.status, 200, `nearest from another origin answered ${nearest.status}\n${why}`);
      assert.deepEqual(nearest.ids, expected.items.map((s) => s.id), `nearest from another origin differs from the same request from Node\n${why}`);
      assert.deepEqual(result.state.mapErrors, [], `MapLibre on another origin could not load the API's road tiles\n${why}`);
      assert.ok(result.state.ready, `the map never became idle\n${why}`);
      assert.ok(result.sourceLoaded, `the road tile source did not report its tiles loaded\n${why}`);
      assert.ok(result.roads > 0, `no road features rendered from the API's tiles\n${why}`);
    } finally {
      await context.close();
    }
  });
});

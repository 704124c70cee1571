// Station vector tiles in real Chromium with real MapLibre: a phone-sized map whose only source is
// GET /api/v1/tiles/stations/{z}/{x}/{y}.mvt zooms from the whole of Zhejiang to a street in
// Hangzhou. Below zoom 12 only clusters are drawn (with their counts), from zoom 14 stations, and
// no tile response is over 100 KB. The page is the test's own (MapLibre from node_modules, served
// through page.route on the API's origin), so it checks the tiles as a map library reads them,
// whatever the app's own layers do. Runs in `./stationmap test` against the demo data, and in
// `./stationmap bench tiles` against 100,000 stations over the province (STATIONMAP_URL).
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { api, BASE, launch, OUT_DIR, PHONE, requireApi } from './helpers.mjs';
import { CLUSTERS_LAYER, STATIONS_LAYER, STATIONS_SOURCE } from '../src/map/layers/stations.js';

const MAPLIBRE_DIST = fileURLToPath(new URL('../node_modules/maplibre-gl/dist/', import.meta.url));
const MAX_TILE_BYTES = 100 * 1024;
const T = { timeout: 180_000 };
// Province → city → district → street, centred on Hangzhou's centre (the demo data's too).
const STEPS = [6, 8, 10, 12, 14, 16];
const CENTRE = [120.17, 30.27];

const PAGE = `<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="/__tiles-test/maplibre-gl.css">
<style>html,body,#map{margin:0;width:100%;height:100%}</style></head>
<body><div id="map"></div><script type="module">
import * as maplibregl from '/__tiles-test/maplibre-gl.mjs';
maplibregl.setWorkerUrl('/__tiles-test/maplibre-gl-worker.mjs');
const map = new maplibregl.Map({
  container: 'map', center: ${JSON.stringify(CENTRE)}, zoom: ${STEPS[0]}, attributionControl: false,
  style: { version: 8, sources: {
      '${STATIONS_SOURCE}': { type: 'vector', tiles: [location.origin + '/api/v1/tiles/stations/{z}/{x}/{y}.mvt'], minzoom: 0, maxzoom: 16 } },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': '#f3f4f6' } },
      { id: '${CLUSTERS_LAYER}', type: 'circle', source: '${STATIONS_SOURCE}', 'source-layer': 'stations', filter: ['==', ['get', 'cluster'], true],
        paint: { 'circle-color': ['case', ['>', ['get', 'open_count'], 0], '#17734a', '#6b7280'],
                 'circle-radius': ['step', ['get', 'count'], 8, 10, 11, 100, 14, 1000, 18] } },
      { id: '${STATIONS_LAYER}', type: 'circle', source: '${STATIONS_SOURCE}', 'source-layer': 'stations', filter: ['!', ['has', 'cluster']],
        paint: { 'circle-color': ['match', ['get', 'open_state'], 'open', '#1f9d55', 'closed', '#8a9099', '#e3a008'], 'circle-radius': 6 } },
    ] },
});
window.__map = map;
window.__mapState = { ready: false, errors: [] };
map.on('error', (e) => window.__mapState.errors.push(String(e.error?.message ?? e.error ?? e)));
map.once('idle', () => { window.__mapState.ready = true; });
</script></body></html>`;

const TYPES = { '.mjs': 'text/javascript', '.css': 'text/css', '.map': 'application/json' };

describe('station vector tiles', () => {
  let browser;
  before(async () => { await requireApi(); browser = await launch(); });
  after(async () => { await browser?.close(); });

  test('zooming from the province to a street shows clusters, then stations, and no tile over 100 KB', T, async () => {
    const context = await browser.newContext({ viewport: PHONE, deviceScaleFactor: 1 });
    const page = await context.newPage();
    await page.route(`${BASE}/__tiles-test/**`, async (route) => {
      const name = new URL(route.request().url()).pathname.replace('/__tiles-test/', '');
      if (name === 'index.html') return route.fulfill({ body: PAGE, contentType: 'text/html' });
      const body = await readFile(join(MAPLIBRE_DIST, name.replace(/[^A-Za-z0-9_.-]/g, '')));
      return route.fulfill({ body, contentType: TYPES[name.slice(name.lastIndexOf('.'))] ?? 'application/octet-stream' });
    });
    const tiles = [];
    page.on('response', async (response) => {
      if (!response.url().includes('/api/v1/tiles/stations/')) return;
      const body = response.status() === 200 ? await response.body().catch(() => Buffer.alloc(0)) : Buffer.alloc(0);
      tiles.push({ url: response.url(), status: response.status(), bytes: body.length, type: response.headers()['content-type'] });
    });
    try {
      // The street steps centre on the station nearest Hangzhou's centre, so one is in view whatever the data.
      const nearest = (await api(`/api/v1/stations/nearest?lon=${CENTRE[0]}&lat=${CENTRE[1]}&limit=1`)).items[0];
      assert.ok(nearest, 'no station in the database');
      await page.goto(`${BASE}/__tiles-test/index.html`);
      await page.waitForFunction(() => window.__mapState?.ready, null, { timeout: 60_000 });
      const seen = [];
      for (const zoom of STEPS) {
        const centre = zoom >= 14 ? [nearest.lon, nearest.lat] : CENTRE;
        await page.evaluate(({ zoom, centre }) => new Promise((resolve) => {
          window.__map.once('idle', resolve);
          window.__map.jumpTo({ center: centre, zoom });
        }), { zoom, centre });
        const drawn = await page.evaluate(({ clusters, stations }) => {
          const c = window.__map.queryRenderedFeatures({ layers: [clusters] });
          const s = window.__map.queryRenderedFeatures({ layers: [stations] });
          return { clusters: c.length, inClusters: c.reduce((n, f) => n + f.properties.count, 0), stations: s.length,
                   stationIds: s.every((f) => Number.isInteger(f.id) && f.id === f.properties.id),
                   states: [...new Set(s.map((f) => f.properties.open_state))] };
        }, { clusters: CLUSTERS_LAYER, stations: STATIONS_LAYER });
        seen.push({ zoom, ...drawn });
        await page.screenshot({ path: join(OUT_DIR, `station-tiles-z${zoom}.png`) });
      }
      console.log('zoom  clusters  stations in clusters  stations');
      for (const s of seen) console.log(`${String(s.zoom).padStart(4)}  ${String(s.clusters).padStart(8)}  ${String(s.inClusters).padStart(20)}  ${String(s.stations).padStart(8)}`);

      for (const s of seen.filter((s) => s.zoom < 12)) {
        assert.ok(s.clusters > 0, `zoom ${s.zoom}: no cluster drawn`);
        assert.equal(s.stations, 0, `zoom ${s.zoom}: single stations drawn below the cluster zoom`);
      }
      const street = seen.at(-1);
      assert.ok(street.stations > 0, 'zoom 16: no station drawn');
      assert.ok(street.stationIds, 'a station feature without its id as the MVT feature id');
      assert.ok(street.states.every((st) => ['open', 'closed', 'unknown'].includes(st)), `odd open_state values: ${street.states}`);

      const answered = tiles.filter((t) => t.status === 200);
      assert.ok(answered.length > 0, 'no station tile was loaded');
      assert.ok(tiles.every((t) => t.status === 200 || t.status === 204), `tile errors: ${JSON.stringify(tiles.filter((t) => t.status !== 200 && t.status !== 204))}`);
      assert.ok(answered.every((t) => t.type === 'application/vnd.mapbox-vector-tile'), 'a tile with another content type');
      const biggest = answered.reduce((a, b) => (b.bytes > a.bytes ? b : a));
      console.log(`${tiles.length} tile responses, largest ${(biggest.bytes / 1024).toFixed(1)} KB (${biggest.url.replace(BASE, '')})`);
      assert.ok(biggest.bytes <= MAX_TILE_BYTES, `${biggest.url} is ${biggest.bytes} bytes`);
      assert.deepEqual(await page.evaluate(() => window.__mapState.errors), []);
    } finally {
      await context.close();
    }
  });
});

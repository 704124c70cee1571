// Shared set-up for the browser tests: a real headless Chromium (Debian's /usr/bin/chromium)
// driving the real API at STATIONMAP_URL, on a phone viewport with a fixed GPS position.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { DISTRICTS_FOCUS, DISTRICTS_LINE } from '../src/map/layers/districts.js';
import { GAPS_LAYER } from '../src/map/layers/gaps.js';
import { ROAD_LAYER } from '../src/map/layers/roads.js';
import { SERVICE_AREA_FILL, SERVICE_AREA_SOURCE } from '../src/map/layers/serviceArea.js';
import {
  CLUSTERS_LAYER, OVERLAY_CLUSTERS_LAYER, OVERLAY_LAYER, OVERLAY_SOURCE, SELECTED_LAYER, STATIONS_LAYER, STATIONS_SOURCE, STATIONS_SOURCE_LAYER,
} from '../src/map/layers/stations.js';
import { SUGGESTIONS_LAYER } from '../src/map/layers/suggestions.js';

export const BASE = (process.env.STATIONMAP_URL ?? 'http://127.0.0.1:8080').replace(/\/$/, '');
/** Where the courier stands in every test: central Hangzhou, inside the demo data. */
export const HERE = { longitude: 120.16, latitude: 30.27 };
export const PHONE = { width: 390, height: 844 };
/**
 * The map's layer and source ids, from the modules that own them; passed into page.evaluate
 * (which cannot import) as its argument.
 */
export const IDS = {
  stations: STATIONS_LAYER, clusters: CLUSTERS_LAYER, selected: SELECTED_LAYER, stationsSource: STATIONS_SOURCE, stationsSourceLayer: STATIONS_SOURCE_LAYER,
  overlay: OVERLAY_LAYER, overlayClusters: OVERLAY_CLUSTERS_LAYER, overlaySource: OVERLAY_SOURCE,
  serviceAreaFill: SERVICE_AREA_FILL, serviceAreaSource: SERVICE_AREA_SOURCE, road: ROAD_LAYER,
  gaps: GAPS_LAYER, districtsLine: DISTRICTS_LINE, districtsFocus: DISTRICTS_FOCUS, suggestions: SUGGESTIONS_LAYER,
};
export const OUT_DIR = fileURLToPath(new URL('../test-results/', import.meta.url));
mkdirSync(OUT_DIR, { recursive: true });

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--disable-quic', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** GETs an API path directly (not through the page) and returns the parsed JSON; asserts 200. */
export async function api(path) {
  const response = await fetch(BASE + path);
  const text = await response.text();
  assert.equal(response.status, 200, `GET ${path} → ${response.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text);
}

/** Fails loudly (not skips) when the API is not running: a browser test that can't run has failed. */
export async function requireApi() {
  try {
    return await api('/api/v1/config');
  } catch (err) {
    throw new Error(`The StationMap API is not answering at ${BASE} (start it with ./stationmap run, or set STATIONMAP_URL): ${err.message}`);
  }
}

/**
 * Opens path in a fresh phone context. Collects console errors and page errors so a test can
 * assert there were none. Waits for the map's first idle unless waitForMap is false.
 */
export async function openPage(browser, path = '/', { geolocation = true, lang, waitForMap = true, beforeGoto, viewport = PHONE, mobile = true, timezoneId = 'Asia/Shanghai' } = {}) {
  const context = await browser.newContext({
    viewport,
    deviceScaleFactor: 1,
    hasTouch: mobile,
    isMobile: mobile,
    locale: 'zh-CN',
    timezoneId,
    ...(geolocation ? { geolocation: { ...HERE, accuracy: 15 }, permissions: ['geolocation'] } : {}),
  });
  if (lang) await context.addInitScript((l) => localStorage.setItem('stationmap.lang', l), lang);
  const page = await context.newPage();
  const errors = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  if (beforeGoto) await beforeGoto(page);
  await page.goto(BASE + path);
  if (waitForMap) await waitForMapReady(page);
  return { context, page, errors };
}

export async function waitForMapReady(page) {
  await page.waitForFunction(() => window.__mapState?.ready === true, null, { timeout: 45000 });
}

/** Waits until the map has stopped moving and drawn everything. */
export async function waitForMapIdle(page) {
  await page.waitForFunction(() => {
    const map = window.__map;
    return map && !map.isMoving() && map.loaded() && map.areTilesLoaded();
  }, null, { timeout: 30000, polling: 200 });
  // One more idle so a just-finished flight has rendered its frame.
  await page.evaluate(() => new Promise((resolve) => {
    const map = window.__map;
    map.once('idle', resolve);
    map.triggerRepaint();
  }));
}

export async function listedIds(page) {
  return page.$$eval('[data-testid="station-list"] [data-station-id]', (els) => els.map((e) => Number(e.dataset.stationId)));
}

export async function shot(page, name) {
  await page.screenshot({ path: `${OUT_DIR}${name}.png` });
}

export function assertNoErrors(errors, mapErrors = []) {
  assert.deepEqual(errors, [], `console/page errors:\n${errors.join('\n')}`);
  assert.deepEqual(mapErrors, [], `map errors:\n${mapErrors.join('\n')}`);
}

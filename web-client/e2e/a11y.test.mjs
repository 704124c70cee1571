// Accessibility (issue 10): axe-core (pinned in package.json, its source injected into the page)
// finds no serious or critical violation on the courier view, the station sheet and the planner.
// Every violation of any impact is printed, so the minor ones are seen too.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import { launch, openPage, requireApi, shot, waitForMapIdle } from './helpers.mjs';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const BLOCKING = new Set(['serious', 'critical']);
const T = { timeout: 120_000 };

let browser;

before(async () => {
  await requireApi();
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

/** axe-core's violations on the page as it is now, printed; returns the serious and critical ones. */
async function audit(page, name) {
  if (!(await page.evaluate(() => Boolean(window.axe)))) await page.addScriptTag({ content: AXE_SOURCE });
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), html: n.html.slice(0, 160), why: n.failureSummary })),
    }));
  });
  await shot(page, `a11y-${name}`);
  for (const v of violations) {
    console.log(`${name}: ${v.impact} ${v.id} — ${v.help}`);
    for (const n of v.nodes) console.log(`    ${n.target}: ${n.html}`);
  }
  return violations.filter((v) => BLOCKING.has(v.impact));
}

const describeBlocking = (list) => list.map((v) => `${v.impact} ${v.id}: ${v.help}\n${v.nodes.map((n) => `  ${n.target}\n  ${n.html}\n  ${n.why}`).join('\n')}`).join('\n');

async function courierView() {
  const opened = await openPage(browser, '/');
  await opened.page.waitForSelector('[data-testid="station-list"] [data-station-id]', { timeout: 30000 });
  await opened.page.waitForFunction(() => document.querySelector('[data-testid="station-list"]')?.getAttribute('aria-busy') === 'false');
  await waitForMapIdle(opened.page);
  return opened;
}

describe('accessibility (axe-core)', () => {
  test('the courier view has no serious or critical violation', T, async () => {
    const { context, page } = await courierView();
    try {
      const blocking = await audit(page, 'courier');
      assert.deepEqual(blocking, [], describeBlocking(blocking));
    } finally {
      await context.close();
    }
  });

  test('the station sheet has no serious or critical violation', T, async () => {
    const { context, page } = await courierView();
    try {
      await page.click('[data-testid="station-list"] [data-station-id] >> nth=0');
      await page.waitForSelector('[data-testid="station-detail"]', { timeout: 30000 });
      await page.waitForFunction(() => !document.querySelector('[data-testid="station-detail"] [aria-busy="true"]'), null, { timeout: 30000 });
      const blocking = await audit(page, 'station-sheet');
      assert.deepEqual(blocking, [], describeBlocking(blocking));
    } finally {
      await context.close();
    }
  });

  test('the planner has no serious or critical violation', T, async () => {
    const { context, page } = await openPage(browser, '/?view=planner', { geolocation: false });
    try {
      await page.waitForSelector('[data-testid="planner"]:not([hidden]) .plan-title', { timeout: 30000 });
      await page.waitForFunction(() => document.querySelector('[data-testid="planner"] .plan-title')?.textContent.trim().length > 0);
      await waitForMapIdle(page);
      const blocking = await audit(page, 'planner');
      assert.deepEqual(blocking, [], describeBlocking(blocking));
    } finally {
      await context.close();
    }
  });
});

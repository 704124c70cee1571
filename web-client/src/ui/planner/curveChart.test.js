// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { curveGeometry, niceStep, renderCurveChart } from './curveChart.js';

const curve = [
  { stations: 0, coverage_pct: 70 },
  { stations: 1, coverage_pct: 76 },
  { stations: 2, coverage_pct: 80 },
  { stations: 3, coverage_pct: 82 },
  { stations: 4, coverage_pct: 83.5 },
  { stations: 5, coverage_pct: 84 },
];
const opts = { width: 320, height: 170, pad: { left: 40, right: 20, top: 10, bottom: 30 } };

describe('coverage curve geometry', () => {
  it('maps stations to x and coverage to y inside the plot, one path vertex per step', () => {
    const g = curveGeometry(curve, null, opts);
    // x: 0..5 stations over 260 units from 40; y: 70..85 % (step 5) over 130 units from 10, upside down.
    expect(g.yMin).toBe(70);
    expect(g.yMax).toBe(85);
    expect(g.path).toBe('M40 140 L92 88 L144 53.3 L196 36 L248 23 L300 18.7');
    expect(g.points).toHaveLength(6);
    expect(g.exactPoint).toBeNull();
  });

  it('the greedy path never goes down for a monotone curve (y shrinks upward in SVG)', () => {
    const g = curveGeometry(curve, null, opts);
    for (let i = 1; i < g.points.length; i++) expect(g.points[i].y).toBeLessThanOrEqual(g.points[i - 1].y);
  });

  it('places the exact result at its p and widens the y range to include it', () => {
    // 70..86 % with a step of 5 → 70..90 %; 86 % is 4/20 of 130 units below the top (10).
    const g = curveGeometry(curve, { status: 'optimal', coverage_pct: 86, sites: [1, 2, 3, 4, 5] }, opts);
    expect(g.yMax).toBe(90);
    expect(g.exactPoint).toEqual({ x: 300, y: 36, pct: 86, status: 'optimal' });
  });

  it('draws no exact point when the solver was skipped', () => {
    expect(curveGeometry(curve, { status: 'skipped' }, opts).exactPoint).toBeNull();
  });

  it('keeps a flat curve and a 100 % curve inside 0..100 with a non-empty range', () => {
    const flat = curveGeometry([{ stations: 0, coverage_pct: 100 }, { stations: 1, coverage_pct: 100 }], null, opts);
    expect(flat.yMax).toBe(100);
    expect(flat.yMin).toBeLessThan(100);
    const zero = curveGeometry([{ stations: 0, coverage_pct: 0 }], null, opts);
    expect(zero.yMin).toBe(0);
    expect(zero.yMax).toBeGreaterThan(0);
    expect(zero.path).toBe('M40 140');
  });

  it('returns null with no data', () => {
    expect(curveGeometry([], null)).toBeNull();
    expect(curveGeometry(null, null)).toBeNull();
  });

  it('nice steps are 1, 2 or 5 times a power of ten', () => {
    expect(niceStep(14, 4)).toBe(5);
    expect(niceStep(0.8, 4)).toBe(0.2);
    expect(niceStep(60, 4)).toBe(20);
  });
});

describe('coverage curve chart', () => {
  it('renders an accessible SVG with the greedy path, its points and the exact diamond', () => {
    const svg = renderCurveChart(curve, { status: 'optimal', coverage_pct: 85, sites: [1, 2, 3, 4, 5] }, {
      label: 'Coverage rises from 70% to 84%', axisX: 'stations added', axisY: 'coverage %', greedyLabel: 'Greedy', exactLabel: 'Exact',
    });
    expect(svg.getAttribute('role')).toBe('img');
    expect(svg.querySelector('title').textContent).toBe('Coverage rises from 70% to 84%');
    expect(svg.querySelector('[data-testid="curve-greedy"]').getAttribute('d')).toMatch(/^M[\d.]+ [\d.]+( L[\d.]+ [\d.]+){5}$/);
    expect(svg.querySelectorAll('circle.curve-point')).toHaveLength(6);
    expect(svg.querySelector('[data-testid="curve-exact"]')).not.toBeNull();
    expect(svg.textContent).toContain('stations added');
  });
});

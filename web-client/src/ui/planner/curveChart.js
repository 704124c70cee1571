// The coverage curve as a small SVG chart (no chart library): stations added on x, coverage %
// on y, the greedy curve as a line with a dot per step, and the exact solver's result as a
// diamond at its p with a dashed level line, so the gap between the two can be seen.

const SVG_NS = 'http://www.w3.org/2000/svg';

const round1 = (v) => Math.round(v * 10) / 10;

/** A "nice" tick step (1, 2, 5 × 10^k) giving at most maxTicks intervals over span. */
export function niceStep(span, maxTicks = 5) {
  const raw = span / Math.max(1, maxTicks);
  const magnitude = 10 ** Math.floor(Math.log10(raw || 1));
  for (const m of [1, 2, 5, 10]) if (m * magnitude >= raw) return m * magnitude;
  return 10 * magnitude;
}

/**
 * Pure geometry of the chart, in SVG user units.
 * @param {{stations:number, coverage_pct:number}[]} curve greedy curve, stations 0..p
 * @param {{status:string, coverage_pct?:number, sites?:any[]}|null} exact the exact result when present
 */
export function curveGeometry(curve, exact = null, { width = 320, height = 170, pad = { left: 38, right: 12, top: 22, bottom: 30 } } = {}) {
  const steps = (curve ?? []).filter((c) => Number.isFinite(c?.stations) && Number.isFinite(c?.coverage_pct)).sort((a, b) => a.stations - b.stations);
  const hasExact = exact && ['optimal', 'feasible', 'timeout'].includes(exact.status) && Number.isFinite(exact.coverage_pct);
  const maxX = Math.max(1, ...steps.map((s) => s.stations), hasExact ? (exact.sites?.length ?? 0) : 0);
  const values = [...steps.map((s) => s.coverage_pct), ...(hasExact ? [exact.coverage_pct] : [])];
  if (!values.length) return null;
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const step = niceStep(Math.max(hi - lo, 1), 4);
  let yMin = Math.max(0, Math.floor(lo / step) * step);
  let yMax = Math.min(100, Math.ceil(hi / step) * step);
  if (yMax <= yMin) {
    if (yMax < 100) yMax = Math.min(100, yMin + step);
    else yMin = Math.max(0, yMax - step);
  }
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const x = (s) => round1(pad.left + (s / maxX) * plotW);
  const y = (v) => round1(pad.top + ((yMax - v) / (yMax - yMin)) * plotH);

  const points = steps.map((s) => ({ x: x(s.stations), y: y(s.coverage_pct), stations: s.stations, pct: s.coverage_pct }));
  const path = points.map((p, i) => `${i ? 'L' : 'M'}${p.x} ${p.y}`).join(' ');
  const yStep = niceStep(yMax - yMin, 4);
  const yTicks = [];
  for (let v = yMin; v <= yMax + 1e-9; v += yStep) yTicks.push({ value: round1(v), y: y(v) });
  const xStep = Math.max(1, Math.ceil(maxX / 10));
  const xTicks = [];
  for (let s = 0; s <= maxX; s += xStep) xTicks.push({ value: s, x: x(s) });
  const exactPoint = hasExact
    ? { x: x(exact.sites?.length || steps.at(-1)?.stations || maxX), y: y(exact.coverage_pct), pct: exact.coverage_pct, status: exact.status }
    : null;
  return {
    width, height, pad, yMin, yMax, maxX, points, path, yTicks, xTicks, exactPoint,
    plot: { left: pad.left, top: pad.top, right: width - pad.right, bottom: height - pad.bottom },
  };
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) node.setAttribute(k, String(v));
  for (const c of children) if (c != null) node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  return node;
}

/** The chart as an <svg> element; label is its accessible description. */
export function renderCurveChart(curve, exact, { label, axisX, axisY, greedyLabel, exactLabel }) {
  const g = curveGeometry(curve, exact);
  if (!g) return null;
  const { plot } = g;
  const svg = el('svg', {
    class: 'curve-chart', viewBox: `0 0 ${g.width} ${g.height}`, role: 'img', 'aria-label': label, 'data-testid': 'curve-chart',
    preserveAspectRatio: 'xMidYMid meet',
  }, el('title', {}, label));
  for (const t of g.yTicks) {
    svg.appendChild(el('line', { class: 'grid', x1: plot.left, x2: plot.right, y1: t.y, y2: t.y }));
    svg.appendChild(el('text', { class: 'tick', x: plot.left - 5, y: t.y + 3.5, 'text-anchor': 'end' }, String(t.value)));
  }
  for (const t of g.xTicks) svg.appendChild(el('text', { class: 'tick', x: t.x, y: plot.bottom + 13, 'text-anchor': 'middle' }, String(t.value)));
  svg.appendChild(el('line', { class: 'axis', x1: plot.left, x2: plot.right, y1: plot.bottom, y2: plot.bottom }));
  svg.appendChild(el('line', { class: 'axis', x1: plot.left, x2: plot.left, y1: plot.top, y2: plot.bottom }));
  svg.appendChild(el('text', { class: 'axis-label', x: (plot.left + plot.right) / 2, y: g.height - 2, 'text-anchor': 'middle' }, axisX));
  svg.appendChild(el('text', { class: 'axis-label', x: 2, y: 10 }, axisY));
  if (g.exactPoint) {
    const e = g.exactPoint;
    svg.appendChild(el('line', { class: 'exact-level', x1: plot.left, x2: plot.right, y1: e.y, y2: e.y }));
  }
  svg.appendChild(el('path', { class: 'curve-greedy', d: g.path, 'data-testid': 'curve-greedy' }));
  for (const p of g.points) {
    svg.appendChild(el('circle', { class: 'curve-point', cx: p.x, cy: p.y, r: 3 }, el('title', {}, `${p.stations}: ${p.pct.toFixed(1)}%`)));
  }
  if (g.exactPoint) {
    const e = g.exactPoint;
    const d = 5;
    svg.appendChild(el('path', { class: 'curve-exact', 'data-testid': 'curve-exact', d: `M${e.x} ${round1(e.y - d)} L${round1(e.x + d)} ${e.y} L${e.x} ${round1(e.y + d)} L${round1(e.x - d)} ${e.y} Z` },
      el('title', {}, `${exactLabel}: ${e.pct.toFixed(1)}%`)));
  }
  // A two-entry key in the bottom-right corner of the plot (a rising curve leaves it empty).
  const key = el('g', { class: 'curve-key', transform: `translate(${plot.right - 64} ${plot.bottom - (g.exactPoint ? 26 : 12)})` },
    el('line', { class: 'curve-greedy', x1: 0, x2: 14, y1: 0, y2: 0 }),
    el('text', { class: 'tick', x: 18, y: 3.5 }, greedyLabel));
  if (g.exactPoint) {
    key.appendChild(el('path', { class: 'curve-exact', d: 'M7 9 L11 13 L7 17 L3 13 Z' }));
    key.appendChild(el('text', { class: 'tick', x: 18, y: 16.5 }, exactLabel));
  }
  svg.appendChild(key);
  return svg;
}

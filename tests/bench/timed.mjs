// Sequential timed requests for the coverage benchmark: N requests one after another (no overlap,
// so each figure is one request's latency on an otherwise idle API), GET or POST, with {lon}/{lat}
// drawn from a seeded PRNG inside a box and {station} cycling through given ids. Prints one JSON
// line: {count, errors, first_ms, p50_ms, p95_ms, max_ms, last} where last holds a few fields of
// the last response body (compute_ms, coverage_pct, seconds, exact status...).
//
//   node timed.mjs --url http://127.0.0.1:8097/api/v1/coverage?layer=x --count 20
//   node timed.mjs --url .../planning/what-if --method POST --body '{"add":[{"lon":{lon},"lat":{lat}}]}' --bbox 120.1,30.2,120.3,30.3
import http from 'node:http';
import { parseArgs } from 'node:util';

const { values: o } = parseArgs({
  options: {
    url: { type: 'string' },
    method: { type: 'string', default: 'GET' },
    body: { type: 'string', default: '' },
    bbox: { type: 'string', default: '0,0,0,0' },
    stations: { type: 'string', default: '' },
    count: { type: 'string', default: '20' },
    seed: { type: 'string', default: '11' },
  },
});
if (!o.url) throw new Error('--url is required');
const [west, south, east, north] = o.bbox.split(',').map(Number);
const stations = o.stations ? o.stations.split(',') : [];

let state = Number(o.seed) >>> 0;
function random() { // mulberry32
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
let n = 0;
function fill(text) {
  const lon = (west + random() * (east - west)).toFixed(6);
  const lat = (south + random() * (north - south)).toFixed(6);
  const station = stations.length ? stations[n % stations.length] : '0';
  return text.replaceAll('{lon}', lon).replaceAll('{lat}', lat).replaceAll('{station}', station);
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
function request(url, method, body) {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const req = http.request(url, { method, agent, headers: body ? { 'content-type': 'application/json' } : {} }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ ms: Number(process.hrtime.bigint() - started) / 1e6, status: res.statusCode, text: Buffer.concat(chunks).toString() }));
    });
    req.on('error', () => resolve({ ms: NaN, status: 0, text: '' }));
    if (body) req.write(body);
    req.end();
  });
}

const times = [];
let errors = 0, last = {}, errorText = '';
for (n = 0; n < Number(o.count); n++) {
  const r = await request(fill(o.url), o.method, o.body ? fill(o.body) : '');
  if (r.status !== 200) { errors++; errorText = r.text.slice(0, 300); continue; }
  times.push(r.ms);
  try {
    const j = JSON.parse(r.text);
    last = { compute_ms: j.compute_ms, coverage_pct: j.coverage_pct, points: j.points, seconds: j.seconds,
      exact: j.exact?.status, exact_seconds: j.exact?.seconds, gap_pct: j.exact?.gap_pct, delta_pct: j.delta_pct,
      candidates: j.candidates_considered, stations: j.stations_considered };
  } catch { /* not JSON */ }
}
const sorted = [...times].sort((a, b) => a - b);
const pct = (p) => sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] : NaN;
console.log(JSON.stringify({ count: times.length, errors, first_ms: times[0], p50_ms: pct(0.5), p95_ms: pct(0.95), max_ms: sorted.at(-1), last, error: errorText }));
agent.destroy();

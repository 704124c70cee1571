// HTTP load generator for the benchmarks: keeps C requests in flight against one URL template
// for D seconds (after a warm-up), with query points drawn from a seeded PRNG inside a box, and
// prints one JSON line: {requests, errors, seconds, throughput, p50_ms, p95_ms, p99_ms}.
//
//   node load.mjs --url 'http://127.0.0.1:8097/api/v1/stations/nearest?lon={lon}&lat={lat}&limit=10' \
//        --bbox 120.10,30.17,120.28,30.33 --concurrency 4 --seconds 15 [--warmup 3] [--seed 7]
//   --points FILE instead of --bbox draws the points from FILE (one "lon,lat" per line), e.g. road
//   vertices, so that every request is answerable.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { parseArgs } from 'node:util';

const { values: o } = parseArgs({
  options: {
    url: { type: 'string' },
    bbox: { type: 'string' },
    concurrency: { type: 'string', default: '1' },
    seconds: { type: 'string', default: '15' },
    warmup: { type: 'string', default: '3' },
    seed: { type: 'string', default: '7' },
    points: { type: 'string' },
  },
});
if (!o.url || !(o.bbox || o.points)) throw new Error('--url and --bbox or --points are required');
const [west, south, east, north] = (o.bbox ?? '0,0,0,0').split(',').map(Number);
const points = o.points
  ? readFileSync(o.points, 'utf8').split('\n').filter(Boolean).map((line) => line.split(',').map(Number))
  : null;
const concurrency = Number(o.concurrency);

// mulberry32: small, seeded, good enough to spread query points.
let state = Number(o.seed) >>> 0;
function random() {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
function nextUrl() {
  if (points) {
    const [x, y] = points[Math.floor(random() * points.length)];
    return o.url.replace('{lon}', x.toFixed(7)).replace('{lat}', y.toFixed(7));
  }
  const lon = (west + random() * (east - west)).toFixed(6);
  const lat = (south + random() * (north - south)).toFixed(6);
  return o.url.replace('{lon}', lon).replace('{lat}', lat);
}

const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
function get(url) {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    http.get(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ ok: res.statusCode === 200, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
    }).on('error', () => resolve({ ok: false, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
  });
}

async function run(seconds, record) {
  const latencies = [];
  let errors = 0;
  const deadline = performance.now() + seconds * 1000;
  async function worker() {
    while (performance.now() < deadline) {
      const { ok, ms } = await get(nextUrl());
      if (!record) continue;
      if (ok) latencies.push(ms); else errors += 1;
    }
  }
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { latencies, errors, elapsed: (performance.now() - started) / 1000 };
}

function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i];
}

await run(Number(o.warmup), false);
const { latencies, errors, elapsed } = await run(Number(o.seconds), true);
latencies.sort((a, b) => a - b);
console.log(JSON.stringify({
  requests: latencies.length,
  errors,
  seconds: Number(elapsed.toFixed(2)),
  throughput: Number((latencies.length / elapsed).toFixed(1)),
  p50_ms: Number(quantile(latencies, 0.5).toFixed(3)),
  p95_ms: Number(quantile(latencies, 0.95).toFixed(3)),
  p99_ms: Number(quantile(latencies, 0.99).toFixed(3)),
}));
agent.destroy();

// Soak: a fixed request rate against a running API (or the cluster's front) for N minutes, printing per
// minute the memory of each API process (RSS from /proc, GC heap from /healthz/runtime), the latency
// p50/p95 and the errors; ends with
//   soak: N min, memory start X MB end Y MB, p95 Z ms
// (memory = the sum of the instances' RSS; start = the first minute, end = the last). Loopback only,
// bounded by --minutes and by at most --max-in-flight requests at once. Prints, never asserts times.
//
//   node soak.mjs --url http://127.0.0.1:PORT --minutes 10 [--rate 100] [--instances http://127.0.0.1:A,http://127.0.0.1:B]
//                 [--pids 123,456] [--key EDITOR_KEY]
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';

const { values: o } = parseArgs({
  options: {
    url: { type: 'string' }, minutes: { type: 'string', default: '10' }, rate: { type: 'string', default: '100' },
    instances: { type: 'string' }, pids: { type: 'string', default: '' }, key: { type: 'string' },
    'max-in-flight': { type: 'string', default: '200' }, 'minute-seconds': { type: 'string', default: '60' },
  },
});
const base = new URL(o.url);
if (base.hostname !== '127.0.0.1') throw new Error(`refusing to load ${base.hostname}: loopback (127.0.0.1) only`);
const instances = (o.instances ?? o.url).split(',').filter(Boolean).map((u) => new URL(u));
for (const u of instances) if (u.hostname !== '127.0.0.1') throw new Error(`refusing ${u.hostname}: loopback only`);
const pids = o.pids.split(',').filter(Boolean).map(Number);
const minutes = Number(o.minutes), rate = Number(o.rate), maxInFlight = Number(o['max-in-flight']);
const minuteMs = Number(o['minute-seconds']) * 1000;

let seed = 20261201;
function random() {   // mulberry32, seeded
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
function tileOf(lon, lat, z) {
  const n = 2 ** z, rad = (lat * Math.PI) / 180;
  return [z, Math.floor(((lon + 180) / 360) * n), Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n)];
}

// The demo city's extent from the API's own configuration.
const config = await (await fetch(new URL('/api/v1/config', base))).json();
const [clon, clat] = config.default_center ?? [120.16, 30.27];
const list = await (await fetch(new URL(`/api/v1/stations?lon=${clon}&lat=${clat}&radius=20000&limit=200`, base))).json();
const stations = list.items.map((s) => ({ id: s.id, lon: s.lon ?? s.location?.coordinates?.[0], lat: s.lat ?? s.location?.coordinates?.[1] }))
  .filter((s) => Number.isFinite(s.lon) && Number.isFinite(s.lat));
if (stations.length === 0) throw new Error('no stations near the default centre: load demo data first');
let device = null;
{
  const res = await fetch(new URL('/api/v1/devices', base), { method: 'POST' });
  if (res.status === 201) device = (await res.json()).token;
}

// Mostly reads (a map session: tiles, lists, nearest, one station), a few writes (check-ins, and station
// edits with an editor key when one is given): about 5 % writes.
function request() {
  const s = stations[Math.floor(random() * stations.length)];
  const x = random();
  if (x < 0.30) { const [z, tx, ty] = tileOf(s.lon, s.lat, 12 + Math.floor(random() * 5)); return ['tile', `/api/v1/tiles/stations/${z}/${tx}/${ty}.mvt`, {}]; }
  if (x < 0.55) return ['nearest', `/api/v1/stations/nearest?lon=${(s.lon + (random() - 0.5) * 0.02).toFixed(5)}&lat=${(s.lat + (random() - 0.5) * 0.02).toFixed(5)}&limit=10`, {}];
  if (x < 0.75) return ['list', `/api/v1/stations?lon=${s.lon}&lat=${s.lat}&radius=3000&limit=50`, {}];
  if (x < 0.95) return ['by-id', `/api/v1/stations/${s.id}`, {}];
  if (device && (x < 0.98 || !o.key)) {
    return ['checkin', `/api/v1/stations/${s.id}/checkins`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-device-token': device, 'idempotency-key': randomUUID() },
      body: JSON.stringify({ lon: s.lon + (random() - 0.5) * 0.0004, lat: s.lat + (random() - 0.5) * 0.0004, crowding: ['empty', 'some_seats', 'full'][Math.floor(random() * 3)] }),
    }];
  }
  if (o.key) {
    return ['write', '/api/v1/stations', {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': o.key, 'idempotency-key': randomUUID() },
      body: JSON.stringify({ name: `soak-${randomUUID().slice(0, 8)}`, lon: s.lon, lat: s.lat, tier: 'convenience', opening_hours: '24/7' }),
    }];
  }
  return ['by-id', `/api/v1/stations/${s.id}`, {}];
}

function rssMb(pid) {
  try { return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024; } catch { return NaN; }
}
async function gcHeapMb() {
  const out = [];
  for (const u of instances) {
    const r = await fetch(new URL('/healthz/runtime', u), { signal: AbortSignal.timeout(5000) }).then((x) => x.json()).catch(() => null);
    out.push(r ? r.gc_heap_bytes / 1048576 : NaN);
  }
  return out;
}
const pct = (xs, p) => { if (!xs.length) return NaN; const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]; };
const f = (x, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : '-');

let inFlight = 0, skipped = 0;
let window = { lat: [], errors: 0, byStatus: new Map(), sent: 0 };
const allLat = [];
function send() {
  if (inFlight >= maxInFlight) { skipped++; return; }
  const [kind, path, init] = request();
  inFlight++; window.sent++;
  const w = window, t0 = performance.now();
  fetch(new URL(path, base), { ...init, signal: AbortSignal.timeout(15000) })
    .then(async (res) => { await res.arrayBuffer(); const ms = performance.now() - t0; w.lat.push(ms); allLat.push(ms);
      w.byStatus.set(res.status, (w.byStatus.get(res.status) ?? 0) + 1); if (res.status >= 500) w.errors++; })
    .catch(() => { w.errors++; w.byStatus.set('err', (w.byStatus.get('err') ?? 0) + 1); })
    .finally(() => { inFlight--; });
  void kind;
}

console.log(`soak: ${rate} req/s for ${minutes} min against ${base.origin} (${instances.length} instance(s), pids ${pids.join(',') || 'unknown'})`);
const header = `  ${'min'.padStart(3)}${'sent'.padStart(7)}${'p50 ms'.padStart(8)}${'p95 ms'.padStart(8)}${'errors'.padStart(8)}` +
  `${pids.map((p, i) => `RSS${i + 1} MB`.padStart(10)).join('')}${instances.map((_, i) => `GC${i + 1} MB`.padStart(9)).join('')}  statuses`;
console.log(header);
const rows = [];
const start = performance.now();
let next = start;
const interval = 1000 / rate;
for (let m = 1; m <= minutes; m++) {
  const until = start + m * minuteMs;
  while (performance.now() < until) {
    // A fixed schedule, not closed-loop: slow answers do not lower the offered rate (bounded by max-in-flight).
    while (next <= performance.now()) { send(); next += interval; }
    await new Promise((r) => setTimeout(r, Math.max(1, Math.min(20, next - performance.now()))));
  }
  const w = window; window = { lat: [], errors: 0, byStatus: new Map(), sent: 0 };
  const rss = pids.map(rssMb), gc = await gcHeapMb();
  const row = { m, rss: rss.reduce((a, b) => a + b, 0), p95: pct(w.lat, 95) };
  rows.push(row);
  const statuses = [...w.byStatus].sort().map(([k, v]) => `${k}:${v}`).join(' ');
  console.log(`  ${String(m).padStart(3)}${String(w.sent).padStart(7)}${f(pct(w.lat, 50), 1).padStart(8)}${f(row.p95, 1).padStart(8)}${String(w.errors).padStart(8)}` +
    `${rss.map((x) => f(x).padStart(10)).join('')}${gc.map((x) => f(x, 1).padStart(9)).join('')}  ${statuses}`);
}
const t = Date.now() + 20000;
while (inFlight > 0 && Date.now() < t) await new Promise((r) => setTimeout(r, 50));
if (skipped) console.log(`  ${skipped} requests not sent: ${maxInFlight} already in flight`);
console.log(`soak: ${minutes} min, memory start ${f(rows[0]?.rss)} MB end ${f(rows.at(-1)?.rss)} MB, p95 ${f(pct(allLat, 95), 1)} ms`);

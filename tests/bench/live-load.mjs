// Load generator of `./stationmap bench live` (tests/bench/live.sh). Loopback only; every mode is
// bounded in time and count and prints one JSON line.
//
//   node live-load.mjs devices --url URL --count N --out FILE
//       creates N devices (POST /api/v1/devices) and writes their tokens, one a line
//   node live-load.mjs ingest --url URL --tokens FILE --stations FILE --key OPERATOR_KEY
//        --concurrency C --seconds S [--warmup W] [--seed 7]
//       keeps C signals in flight for S seconds (after a warm-up): 70 % check-ins, 20 % reports,
//       10 % live PUTs (operator key), each at a random station of FILE ("id,lon,lat" lines) from a
//       position within 100 m of it, from a random device;
//       → {requests, errors, seconds, throughput, p50_ms, p95_ms, p99_ms, kinds, statuses}
//       with --api-pid P and --pg-pid Q (the postmaster): also the CPU time the API process and the
//       PostgreSQL backends spent per answered signal during the measured seconds (api_cpu_ms,
//       db_cpu_ms), a figure the machine's other load disturbs far less than signals/s
//   node live-load.mjs fanout --url URL --bbox W,S,E,N --subscribers 1000 --stations FILE --key KEY
//        [--puts 40] [--interval-ms 250] [--max-seconds 90]
//       opens the subscribers' streams (GET /api/v1/live/stream?bbox=), waits until every one is
//       open, then PUTs live values on distinct stations and measures, for every subscriber, the
//       delay from the PUT's send time to its event for that station;
//       → {subscribers, connected, puts, expected, received, p50_ms, p95_ms, max_ms, errors}
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { parseArgs } from 'node:util';

const mode = process.argv[2];
const { values: o } = parseArgs({
  args: process.argv.slice(3),
  options: {
    url: { type: 'string' },
    count: { type: 'string', default: '200' },
    out: { type: 'string' },
    tokens: { type: 'string' },
    stations: { type: 'string' },
    key: { type: 'string' },
    concurrency: { type: 'string', default: '8' },
    seconds: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '3' },
    seed: { type: 'string', default: '7' },
    bbox: { type: 'string' },
    subscribers: { type: 'string', default: '1000' },
    puts: { type: 'string', default: '40' },
    'interval-ms': { type: 'string', default: '250' },
    'max-seconds': { type: 'string', default: '90' },
    'api-pid': { type: 'string' },
    'pg-pid': { type: 'string' },
  },
});
if (!o.url) throw new Error('--url is required');
const base = new URL(o.url);
if (!['127.0.0.1', 'localhost', '[::1]'].includes(base.hostname)) throw new Error('loopback only: --url must be http://127.0.0.1:PORT');

// mulberry32: small, seeded, good enough to spread stations, devices and offsets.
let state = Number(o.seed) >>> 0;
function random() {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (list) => list[Math.floor(random() * list.length)];

function request(agent, method, path, headers, body) {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = http.request(new URL(path, base), {
      method, agent,
      headers: { accept: 'application/json', ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}), ...headers },
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({
        status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6, body: Buffer.concat(chunks).toString('utf8'),
      }));
      res.on('error', () => resolve({ status: 0, ms: Number(process.hrtime.bigint() - started) / 1e6, body: '' }));
    });
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ status: 0, ms: Number(process.hrtime.bigint() - started) / 1e6, body: '' }));
    req.end(payload);
  });
}

function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}
const round = (x, d = 3) => Number(Number(x).toFixed(d));

function readStations() {
  return readFileSync(o.stations, 'utf8').split('\n').filter(Boolean).map((line) => {
    const [id, lon, lat] = line.split(',').map(Number);
    return { id, lon, lat };
  });
}

/** A point within 90 m of the station (a uniform direction and distance): inside the 300 m geofence. */
function near(s) {
  const r = random() * 90, a = random() * 2 * Math.PI;
  return {
    lon: round(s.lon + (r * Math.sin(a)) / (111_320 * Math.cos((s.lat * Math.PI) / 180)), 7),
    lat: round(s.lat + (r * Math.cos(a)) / 110_574, 7),
  };
}

const CROWDING = ['empty', 'some_seats', 'full'];
const EQUIPMENT = ['microwave', 'phone_charging', 'ebike_charging', 'air_conditioning', 'wifi'];

async function devices() {
  const count = Number(o.count);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  const tokens = [];
  let errors = 0;
  for (let i = 0; i < count; i += 8) {
    const batch = await Promise.all(Array.from({ length: Math.min(8, count - i) }, () => request(agent, 'POST', '/api/v1/devices', {}, {})));
    for (const r of batch) {
      if (r.status === 201) tokens.push(JSON.parse(r.body).token);
      else errors += 1;
    }
  }
  if (!o.out) throw new Error('--out is required');
  writeFileSync(o.out, tokens.join('\n') + '\n');
  agent.destroy();
  console.log(JSON.stringify({ devices: tokens.length, errors }));
}

async function ingest() {
  const tokens = readFileSync(o.tokens, 'utf8').split('\n').filter(Boolean);
  const stations = readStations();
  const concurrency = Number(o.concurrency);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  let seats = 0;

  function next() {
    const s = pick(stations), x = random();
    if (x < 0.7) {
      const body = { ...near(s), crowding: pick(CROWDING) };
      if (random() < 0.3) body.seats_free = Math.floor(random() * 12);
      return ['checkin', 'POST', `/api/v1/stations/${s.id}/checkins`, { 'x-device-token': pick(tokens) }, body];
    }
    if (x < 0.9) {
      const amenity = random() < 0.2 ? 'drinking_water' : pick(EQUIPMENT);
      const state = amenity === 'drinking_water' ? pick(['working', 'empty']) : pick(['working', 'broken']);
      return ['report', 'POST', `/api/v1/stations/${s.id}/reports`, { 'x-device-token': pick(tokens) }, { ...near(s), amenity, state }];
    }
    seats = (seats + 1) % 20;
    return ['put', 'PUT', `/api/v1/stations/${s.id}/live`, { 'x-api-key': o.key }, { source: 'sensor', seats_free: seats }];
  }

  async function run(seconds, record) {
    const latencies = [], kinds = {}, statuses = {};
    let errors = 0;
    const deadline = performance.now() + seconds * 1000;
    async function worker() {
      while (performance.now() < deadline) {
        const [kind, method, path, headers, body] = next();
        const r = await request(agent, method, path, headers, body);
        if (!record) continue;
        statuses[r.status] = (statuses[r.status] ?? 0) + 1;
        if (r.status >= 200 && r.status < 300) {
          latencies.push(r.ms);
          kinds[kind] = (kinds[kind] ?? 0) + 1;
        } else errors += 1;
      }
    }
    const started = performance.now();
    await Promise.all(Array.from({ length: concurrency }, worker));
    return { latencies, errors, kinds, statuses, elapsed: (performance.now() - started) / 1000 };
  }

  await run(Number(o.warmup), false);
  const cpuBefore = cpuSnapshot();
  const { latencies, errors, kinds, statuses, elapsed } = await run(Number(o.seconds), true);
  const cpuAfter = cpuSnapshot();
  latencies.sort((a, b) => a - b);
  console.log(JSON.stringify({
    requests: latencies.length, errors, seconds: round(elapsed, 2), throughput: round(latencies.length / elapsed, 1),
    p50_ms: round(quantile(latencies, 0.5)), p95_ms: round(quantile(latencies, 0.95)), p99_ms: round(quantile(latencies, 0.99)),
    kinds, statuses,
    api_cpu_ms: cpuPerSignal(cpuBefore.api, cpuAfter.api, latencies.length),
    db_cpu_ms: cpuPerSignal(cpuBefore.db, cpuAfter.db, latencies.length),
  }));
  agent.destroy();
}

/** utime + stime of a process in clock ticks (100 a second on Linux), or null when it is gone. */
function ticks(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), cpu: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return null;
  }
}

/** CPU ticks of the API process and of every child of the postmaster (its backends), per pid. */
function cpuSnapshot() {
  const api = o['api-pid'] ? ticks(o['api-pid'])?.cpu ?? null : null;
  const db = new Map();
  if (o['pg-pid']) {
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      const t = ticks(name);
      if (t && t.ppid === Number(o['pg-pid'])) db.set(name, t.cpu);
    }
  }
  return { api, db };
}

/** Milliseconds of CPU per answered signal between two snapshots (backends that started in between count from 0). */
function cpuPerSignal(before, after, signals) {
  if (before === null || after === null || signals === 0) return null;
  const used = typeof before === 'number' ? after - before : [...after].reduce((sum, [pid, cpu]) => sum + cpu - (before.get(pid) ?? 0), 0);
  return round((used * 10) / signals, 3);
}

async function fanout() {
  const count = Number(o.subscribers), puts = Number(o.puts), interval = Number(o['interval-ms']);
  const deadline = performance.now() + Number(o['max-seconds']) * 1000;
  const stations = readStations().slice(0, puts);
  if (stations.length < puts) throw new Error(`--puts ${puts} needs as many distinct stations; ${stations.length} given`);
  const watched = new Set(stations.map((s) => s.id));
  const agent = new http.Agent({ keepAlive: false, maxSockets: count + 16 });
  const putAgent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  let errors = 0;
  const subscribers = [];

  // One subscriber: its stream's events for the watched stations, as (station, arrival time).
  function subscribe() {
    return new Promise((resolve) => {
      const sub = { open: false, events: new Map(), req: null };
      let buffer = '';
      sub.req = http.get(new URL(`/api/v1/live/stream?bbox=${o.bbox}`, base), { agent, headers: { accept: 'text/event-stream' } }, (res) => {
        if (res.statusCode !== 200) { errors += 1; res.resume(); resolve(sub); return; }
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          const now = performance.now();
          buffer += chunk;
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            if (block.startsWith('retry:')) { if (!sub.open) { sub.open = true; resolve(sub); } continue; }
            if (!block.includes('event: live')) continue;
            const m = /"station_id":(\d+)/.exec(block);
            if (!m) continue;
            const station = Number(m[1]);
            if (!watched.has(station)) continue;
            if (!sub.events.has(station)) sub.events.set(station, []);
            sub.events.get(station).push(now);
          }
        });
        res.on('error', () => {});
      });
      sub.req.on('error', () => { errors += 1; resolve(sub); });
    });
  }

  for (let i = 0; i < count && performance.now() < deadline; i += 50) {
    subscribers.push(...await Promise.all(Array.from({ length: Math.min(50, count - i) }, subscribe)));
  }
  const open = subscribers.filter((s) => s.open);
  await new Promise((r) => setTimeout(r, 1000));

  const sent = [];
  for (let i = 0; i < stations.length && performance.now() < deadline; i++) {
    const s = stations[i];
    const at = performance.now();
    const r = await request(putAgent, 'PUT', `/api/v1/stations/${s.id}/live`, { 'x-api-key': o.key },
      { source: 'sensor', seats_free: 1000 + i, occupancy: i });
    if (r.status === 200 && JSON.parse(r.body).written > 0) sent.push({ station: s.id, at });
    else errors += 1;
    const wait = at + interval - performance.now();
    if (wait > 0) await new Promise((res) => setTimeout(res, wait));
  }
  const expected = sent.length * open.length;
  const delays = [];
  const countReceived = () => {
    delays.length = 0;
    for (const sub of open)
      for (const p of sent) {
        const t = (sub.events.get(p.station) ?? []).find((x) => x >= p.at);
        if (t !== undefined) delays.push(t - p.at);
      }
    return delays.length;
  };
  // Until every subscriber has every event, 5 s after the last PUT at most.
  const giveUp = Math.min(deadline, (sent.at(-1)?.at ?? performance.now()) + 5000);
  while (countReceived() < expected && performance.now() < giveUp) await new Promise((r) => setTimeout(r, 250));
  countReceived();
  for (const sub of subscribers) sub.req?.destroy();
  agent.destroy();
  putAgent.destroy();
  delays.sort((a, b) => a - b);
  console.log(JSON.stringify({
    subscribers: count, connected: open.length, puts: sent.length, expected, received: delays.length,
    p50_ms: round(quantile(delays, 0.5), 1), p95_ms: round(quantile(delays, 0.95), 1), max_ms: round(delays[delays.length - 1] ?? NaN, 1), errors,
  }));
}

const modes = { devices, ingest, fanout };
if (!modes[mode]) throw new Error('usage: node live-load.mjs devices|ingest|fanout --url http://127.0.0.1:PORT …');
await modes[mode]();

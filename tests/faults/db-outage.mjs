// Fault test: the API under a read+write load while its PostgreSQL is crashed and restarted.
// Run by `./stationmap test` (phase "fault: PostgreSQL crash under load"), which owns the cluster:
//
//   node db-outage.mjs load   --url http://127.0.0.1:PORT --key EDITOR_KEY --max-id N --out answers.jsonl
//                             --ready-file FILE --stop-file FILE [--concurrency 4] [--max-seconds 60] [--max-requests 30000]
//   node db-outage.mjs report --answers answers.jsonl --marks marks.env --db stations.csv [--recovery-ms 5000]
//
// `load` keeps a few workers sending a mix of reads (nearest, station by id, list) and writes (POST
// a station named fault-…, and couriers' check-ins at the seed stations) to a loopback address only, until FILE exists or a time or count bound
// is hit, and writes one JSON line per answer. `report` splits the answers by phase using the
// script's marks (epoch ms: down = PostgreSQL killed, up = it accepts connections again), prints
// a table and exits 1 on a violation: an answer other than 2xx or 503 problem+json with
// Retry-After, a connection error or timeout, anything but 2xx before the crash or from 5 s after
// the return, or an acknowledged write (2xx with an id) missing from the database afterwards: a
// station (by id and name) or a check-in (by its signal id, in --signals).
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const [command, ...rest] = process.argv.slice(2);
const { values: o } = parseArgs({
  args: rest,
  options: {
    url: { type: 'string' }, key: { type: 'string' }, out: { type: 'string' }, 'stop-file': { type: 'string' },
    'ready-file': { type: 'string' },
    'max-id': { type: 'string', default: '50' }, concurrency: { type: 'string', default: '4' },
    'max-seconds': { type: 'string', default: '60' }, 'max-requests': { type: 'string', default: '30000' },
    answers: { type: 'string' }, marks: { type: 'string' }, db: { type: 'string' }, signals: { type: 'string' },
    'recovery-ms': { type: 'string', default: '5000' },
  },
});

// mulberry32, seeded: the same mix every run.
let seed = 20261201;
function random() {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function load() {
  const base = new URL(o.url);
  // Fault drills send traffic to this machine's loopback address only.
  if (base.hostname !== '127.0.0.1') throw new Error(`refusing to load ${base.hostname}: loopback (127.0.0.1) only`);
  const out = createWriteStream(o.out);
  let deadline = 0;
  const maxRequests = Number(o['max-requests']);
  const maxId = Number(o['max-id']);
  let sent = 0;
  // The station writes go inside the small generated road network, so the service-area job has work during the outage.
  const kinds = [['nearest', 0.3], ['by-id', 0.2], ['list', 0.1], ['write', 0.25], ['checkin', 0.15]];
  let device = null;
  function pick() {
    let x = random();
    for (const [k, p] of kinds) { if ((x -= p) < 0) return k; }
    return 'write';
  }
  function request(kind, worker, n) {
    const lon = (120.002 + random() * 0.016).toFixed(6), lat = (30.052 + random() * 0.016).toFixed(6);
    switch (kind) {
      case 'nearest': return [`/api/v1/stations/nearest?lon=${lon}&lat=${lat}&limit=5`, {}];
      case 'by-id': return [`/api/v1/stations/${1 + Math.floor(random() * maxId)}`, {}];
      case 'list': return [`/api/v1/stations?bbox=120.0,30.0,120.4,30.4&limit=20&page=${1 + Math.floor(random() * 3)}`, {}];
      case 'checkin': {
        // The seed stations: station g at (120.002 + (g % 8) · 0.002, 30.052 + ⌊g / 8⌋ · 0.002); the phone within ~50 m.
        const g = 1 + Math.floor(random() * maxId);
        const here = { lon: 120.002 + (g % 8) * 0.002 + (random() - 0.5) * 0.0008, lat: 30.052 + Math.floor(g / 8) * 0.002 + (random() - 0.5) * 0.0008 };
        const crowding = ['empty', 'some_seats', 'full'][Math.floor(random() * 3)];
        return [`/api/v1/stations/${g}/checkins`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-device-token': device },
          body: JSON.stringify({ ...here, crowding }),
        }];
      }
      default: {
        const name = `fault-${worker}-${n}`;
        return ['/api/v1/stations', {
          method: 'POST', name,
          headers: { 'content-type': 'application/json', 'x-api-key': o.key },
          body: JSON.stringify({ name, lon: Number(lon), lat: Number(lat), tier: 'convenience', opening_hours: '24/7' }),
        }];
      }
    }
  }
  // Warm-up, not recorded: a cold API (JIT, EF model) can take seconds per first request on a
  // busy machine; the crash must hit a warm one. Then tell the script it may start the clock.
  const warmUntil = Date.now() + 120000;
  while (!device) {
    const res = await fetch(new URL('/api/v1/devices', base), { method: 'POST', signal: AbortSignal.timeout(60000) }).catch(() => null);
    if (res?.status === 201) device = (await res.json()).token;
    else { await res?.text(); if (Date.now() > warmUntil) throw new Error(`warm-up: no device token (last ${res?.status})`); await sleep(500); }
  }
  for (const kind of ['nearest', 'by-id', 'list', 'write', 'checkin']) {
    for (;;) {
      const [path, init] = request(kind, 'warm', Math.floor(random() * 1e9));
      const res = await fetch(new URL(path, base), { ...init, signal: AbortSignal.timeout(60000) }).catch(() => null);
      await res?.text();
      if (res?.ok) break;
      if (Date.now() > warmUntil) throw new Error(`warm-up: ${kind} ${path} never answered 2xx (last ${res?.status})`);
      await sleep(500);
    }
  }
  deadline = Date.now() + Number(o['max-seconds']) * 1000;
  if (o['ready-file']) createWriteStream(o['ready-file']).end();
  async function worker(w) {
    for (let n = 0; Date.now() < deadline && sent < maxRequests && !existsSync(o['stop-file']); n++) {
      sent++;
      const kind = pick();
      const [path, init] = request(kind, w, n);
      const t0 = Date.now();
      const a = { kind, path, t0 };
      try {
        const res = await fetch(new URL(path, base), { ...init, signal: AbortSignal.timeout(10000) });
        const text = await res.text();
        Object.assign(a, { status: res.status, retryAfter: res.headers.get('retry-after'), type: res.headers.get('content-type') });
        if (res.status >= 300) a.body = text.slice(0, 300);
        if (res.status === 503) { try { a.problem = JSON.parse(text).type; } catch { a.problem = null; } }
        if (kind === 'write' && res.ok) { a.id = JSON.parse(text).id; a.name = init.name; }
        if (kind === 'checkin' && res.ok) a.id = JSON.parse(text).id;
      } catch (e) {
        a.error = `${e.name}: ${e.cause?.code ?? e.message}`;
      }
      a.t1 = Date.now();
      out.write(JSON.stringify(a) + '\n');
      await sleep(10);   // bounded pressure: the machine is shared
    }
  }
  await Promise.all(Array.from({ length: Number(o.concurrency) }, (_, w) => worker(w)));
  await new Promise((r) => out.end(r));
  console.log(`sent ${sent} requests`);
}

function report() {
  const answers = readFileSync(o.answers, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const marks = Object.fromEntries(readFileSync(o.marks, 'utf8').split('\n').filter(Boolean).map((l) => l.split('=')).map(([k, v]) => [k, Number(v)]));
  const { down, up } = marks;
  const recoveryLimit = Number(o['recovery-ms']);
  const rows = readFileSync(o.db, 'utf8').split('\n').filter(Boolean).map((l) => l.split(','));
  const inDb = new Map(rows.map(([id, name]) => [Number(id), name]));
  const signals = new Set((o.signals ? readFileSync(o.signals, 'utf8') : '').split('\n').filter(Boolean).map(Number));
  const violations = [];
  const ok = (a) => a.status >= 200 && a.status < 300;
  const good503 = (a) => a.status === 503 && /^\d+$/.test(a.retryAfter ?? '') && (a.type ?? '').startsWith('application/problem+json')
    && a.problem === '/problems/database-unavailable';
  // Phases by when the request was sent: before the crash, while down (crash .. accepting
  // connections again), recovering (the first 5 s after), after.
  const phase = (a) => a.t0 < down ? 'before' : a.t0 < up ? 'down' : a.t0 < up + recoveryLimit ? 'recovering' : 'after';
  const phases = ['before', 'down', 'recovering', 'after'];
  const table = new Map();
  for (const a of answers) {
    const p = phase(a);
    const col = a.error ? 'error' : ok(a) ? '2xx' : a.status === 503 ? (good503(a) ? '503' : '503 (bad)') : String(a.status);
    const key = `${p}|${col}`;
    table.set(key, (table.get(key) ?? 0) + 1);
    if (a.error) violations.push(`${p}: ${a.kind} ${a.path}: no answer (${a.error})`);
    else if (!ok(a) && !good503(a)) violations.push(`${p}: ${a.kind} ${a.path}: ${a.status} retry-after=${a.retryAfter} ${a.type} ${a.body ?? ''}`);
    // A request sent before the crash may still be in flight when it comes: only one answered before it must be 2xx.
    else if (!ok(a) && ((p === 'before' && a.t1 < down) || p === 'after')) violations.push(`${p}: ${a.kind} ${a.path}: ${a.status} outside the outage`);
  }
  // Recovery: from "accepting connections" to the end of the last failed answer to a request sent after it.
  const lastFailure = Math.max(up, ...answers.filter((a) => a.t0 >= up && !ok(a)).map((a) => a.t1));
  const recoveryMs = lastFailure - up;
  if (recoveryMs > recoveryLimit) violations.push(`full service came back ${recoveryMs} ms after PostgreSQL accepted connections (limit ${recoveryLimit} ms)`);
  const after = answers.filter((a) => a.t0 >= up);
  if (!after.some((a) => ok(a) && a.kind === 'write') || !after.some((a) => ok(a) && a.kind !== 'write')) {
    violations.push('no successful read and write after PostgreSQL returned');
  }
  const downWrites = answers.filter((a) => phase(a) === 'down' && a.kind === 'write');
  if (!downWrites.some(good503)) violations.push('no write answered 503 while PostgreSQL was down: the outage was not observed');
  const acked = answers.filter((a) => a.kind === 'write' && ok(a));
  const lost = acked.filter((a) => inDb.get(Number(a.id)) !== a.name);
  for (const a of lost.slice(0, 20)) violations.push(`acknowledged write lost: id ${a.id} (${a.name}), answered ${a.status} at +${a.t1 - down} ms`);
  const checkins = answers.filter((a) => a.kind === 'checkin' && ok(a));
  const lostCheckins = checkins.filter((a) => !signals.has(Number(a.id)));
  for (const a of lostCheckins.slice(0, 20)) violations.push(`acknowledged check-in lost: signal ${a.id}, answered ${a.status} at +${a.t1 - down} ms`);
  if (!answers.some((a) => a.kind === 'checkin' && phase(a) === 'down' && good503(a))) violations.push('no check-in answered 503 while PostgreSQL was down');

  const cols = ['2xx', '503', ...new Set([...table.keys()].map((k) => k.split('|')[1]).filter((c) => c !== '2xx' && c !== '503'))];
  const pad = (s, n) => String(s).padStart(n);
  console.log(`\nfault test: PostgreSQL killed (pg_ctl stop -m immediate) under load, back after ${((up - down) / 1000).toFixed(1)} s`);
  console.log(`  ${'phase'.padEnd(11)}${cols.map((c) => pad(c, 10)).join('')}`);
  for (const p of phases) console.log(`  ${p.padEnd(11)}${cols.map((c) => pad(table.get(`${p}|${c}`) ?? 0, 10)).join('')}`);
  console.log(`  recovery: ${recoveryMs} ms after PostgreSQL accepted connections (limit ${recoveryLimit} ms)`);
  console.log(`  writes: ${acked.length} acknowledged, ${acked.length - lost.length} found in the database, ${lost.length} lost; ` +
    `${answers.filter((a) => a.kind === 'write' && a.status === 503).length} answered 503`);
  console.log(`  check-ins: ${checkins.length} acknowledged, ${checkins.length - lostCheckins.length} found in the database, ${lostCheckins.length} lost; ` +
    `${answers.filter((a) => a.kind === 'checkin' && a.status === 503).length} answered 503`);
  if (violations.length) {
    console.log(`  ${violations.length} violation(s):`);
    for (const v of violations.slice(0, 40)) console.log(`    ${v}`);
  }
  console.log(`fault: ${answers.length} answers, ${violations.length} violations`);
  process.exitCode = violations.length ? 1 : 0;
}

if (command === 'load') await load();
else if (command === 'report') report();
else { console.error('usage: db-outage.mjs load|report …'); process.exitCode = 2; }

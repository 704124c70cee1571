// Fault drill of the replicated topology (./stationmap cluster drill), through the nginx front:
//
//   node cluster-drill.mjs load   --url http://127.0.0.1:FRONT --key EDITOR_KEY --stations stations.csv --run RUN
//                                 --out answers.jsonl --ready-file FILE --stop-file FILE
//                                 [--concurrency 4] [--max-seconds 300] [--max-requests 60000]
//   node cluster-drill.mjs report --answers answers.jsonl --marks marks.env --dumps DIR
//
// `load` sends a bounded mix of reads (station list and tiles, which may come from the replica; nearest,
// one station, which come from the primary) and writes (POST a station named RUN-…, each with an
// Idempotency-Key and an editor key; couriers' check-ins at real stations with a device token) to a
// loopback address only, until FILE exists or a time or count bound is hit; one JSON line per answer.
// `report` splits the answers by the script's phase marks (epoch ms: PHASE_start, PHASE_end, PHASE_dump =
// when the database was read after the phase) and prints per phase: answers by status, the time from the
// first failure to the last, and acknowledged writes lost: every write answered 2xx before a phase's dump
// must be in that dump (DIR/PHASE.csv, read from the primary). It ends with
// Writes answered after the last phase's dump are checked against DIR/final.csv (read once the load stopped).
//   drill: lost writes N, max recovery S s, 5xx other than 503 K
// and exits 1 when N > 0, K > 0, a request got no answer or a 503 had no Retry-After; a recovery longer
// than --max-recovery-s (30) is reported against that target, not failed on (times are printed, not asserted).
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';

const [command, ...rest] = process.argv.slice(2);
const { values: o } = parseArgs({
  args: rest,
  options: {
    url: { type: 'string' }, key: { type: 'string' }, stations: { type: 'string' }, run: { type: 'string', default: 'drill' },
    out: { type: 'string' }, 'stop-file': { type: 'string' }, 'ready-file': { type: 'string' },
    concurrency: { type: 'string', default: '4' }, 'max-seconds': { type: 'string', default: '300' },
    'max-requests': { type: 'string', default: '60000' },
    answers: { type: 'string' }, marks: { type: 'string' }, dumps: { type: 'string' }, 'max-recovery-s': { type: 'string', default: '30' },
  },
});

let seed = 20261201;
function random() {   // mulberry32, seeded: the same mix every run
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function tileOf(lon, lat, z) {
  const n = 2 ** z, rad = (lat * Math.PI) / 180;
  return [z, Math.floor(((lon + 180) / 360) * n), Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n)];
}

async function load() {
  const base = new URL(o.url);
  // Fault drills send traffic to this machine's loopback address only.
  if (base.hostname !== '127.0.0.1') throw new Error(`refusing to load ${base.hostname}: loopback (127.0.0.1) only`);
  const stations = readFileSync(o.stations, 'utf8').split('\n').filter(Boolean).map((l) => l.split(',').map(Number));
  if (stations.length === 0) throw new Error('no stations to check in at');
  const lons = stations.map((s) => s[1]), lats = stations.map((s) => s[2]);
  const box = [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)];
  const out = createWriteStream(o.out);
  const maxRequests = Number(o['max-requests']);
  let sent = 0, device = null;
  const kinds = [['list', 0.2], ['tile', 0.15], ['nearest', 0.15], ['by-id', 0.15], ['write', 0.2], ['checkin', 0.15]];
  const pick = () => { let x = random(); for (const [k, p] of kinds) if ((x -= p) < 0) return k; return 'write'; };
  function request(kind, worker, n) {
    const lon = box[0] + random() * (box[2] - box[0]), lat = box[1] + random() * (box[3] - box[1]);
    const s = stations[Math.floor(random() * stations.length)];
    switch (kind) {
      case 'list': return [`/api/v1/stations?bbox=${box.map((v) => v.toFixed(4)).join(',')}&limit=20&page=${1 + Math.floor(random() * 3)}`, {}];
      case 'tile': { const [z, x, y] = tileOf(s[1], s[2], 12 + Math.floor(random() * 4)); return [`/api/v1/tiles/stations/${z}/${x}/${y}.mvt`, {}]; }
      case 'nearest': return [`/api/v1/stations/nearest?lon=${lon.toFixed(6)}&lat=${lat.toFixed(6)}&limit=5`, {}];
      case 'by-id': return [`/api/v1/stations/${s[0]}`, {}];
      case 'checkin': {
        const crowding = ['empty', 'some_seats', 'full'][Math.floor(random() * 3)];
        return [`/api/v1/stations/${s[0]}/checkins`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-device-token': device, 'idempotency-key': randomUUID() },
          body: JSON.stringify({ lon: s[1] + (random() - 0.5) * 0.0004, lat: s[2] + (random() - 0.5) * 0.0004, crowding }),
        }];
      }
      default: {
        const name = `${o.run}-${worker}-${n}`;
        return ['/api/v1/stations', {
          method: 'POST', name,
          headers: { 'content-type': 'application/json', 'x-api-key': o.key, 'idempotency-key': randomUUID() },
          body: JSON.stringify({ name, lon: Number(lon.toFixed(6)), lat: Number(lat.toFixed(6)), tier: 'convenience', opening_hours: '24/7' }),
        }];
      }
    }
  }
  // Warm-up, not recorded: both instances' first requests (JIT, EF model) must not count as the fault.
  const warmUntil = Date.now() + 180000;
  while (!device) {
    const res = await fetch(new URL('/api/v1/devices', base), { method: 'POST', signal: AbortSignal.timeout(60000) }).catch(() => null);
    if (res?.status === 201) device = (await res.json()).token;
    else { await res?.text(); if (Date.now() > warmUntil) throw new Error(`warm-up: no device token (last ${res?.status})`); await sleep(500); }
  }
  for (const kind of ['list', 'tile', 'nearest', 'by-id', 'write', 'checkin']) {
    for (let ok = 0; ok < 4;) {   // round-robin: each instance answers each kind at least once
      const [path, init] = request(kind, 'warm', Math.floor(random() * 1e9));
      const res = await fetch(new URL(path, base), { ...init, signal: AbortSignal.timeout(60000) }).catch(() => null);
      await res?.text();
      if (res?.ok) { ok++; continue; }
      if (Date.now() > warmUntil) throw new Error(`warm-up: ${kind} ${path} never answered 2xx (last ${res?.status})`);
      await sleep(500);
    }
  }
  const deadline = Date.now() + Number(o['max-seconds']) * 1000;
  if (o['ready-file']) createWriteStream(o['ready-file']).end();
  async function worker(w) {
    for (let n = 0; Date.now() < deadline && sent < maxRequests && !existsSync(o['stop-file']); n++) {
      sent++;
      const kind = pick();
      const [path, init] = request(kind, w, n);
      const a = { kind, path, t0: Date.now() };
      try {
        // 35 s: longer than the front's proxy_read_timeout (30 s), so a slow instance is answered for by the front.
        const res = await fetch(new URL(path, base), { ...init, signal: AbortSignal.timeout(35000) });
        const text = await res.text();
        Object.assign(a, { status: res.status, retryAfter: res.headers.get('retry-after'), type: res.headers.get('content-type') });
        if (res.status >= 300 && res.status !== 304) a.body = text.slice(0, 300);
        if (kind === 'write' && res.ok) { a.id = JSON.parse(text).id; a.name = init.name; }
        if (kind === 'checkin' && res.ok) a.id = JSON.parse(text).id;
      } catch (e) {
        a.error = `${e.name}: ${e.cause?.code ?? e.message}`;
      }
      a.t1 = Date.now();
      out.write(JSON.stringify(a) + '\n');
      await sleep(20);   // bounded pressure: the machine is shared
    }
  }
  await Promise.all(Array.from({ length: Number(o.concurrency) }, (_, w) => worker(w)));
  await new Promise((r) => out.end(r));
  console.log(`drill load: sent ${sent} requests`);
}

function report() {
  const answers = readFileSync(o.answers, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const marks = Object.fromEntries(readFileSync(o.marks, 'utf8').split('\n').filter(Boolean).map((l) => l.split('=')).map(([k, v]) => [k, Number(v)]));
  const phases = Object.keys(marks).filter((k) => k.endsWith('_start')).map((k) => k.slice(0, -6)).sort((a, b) => marks[`${a}_start`] - marks[`${b}_start`]);
  const ok = (a) => a.status >= 200 && a.status < 400;   // 304 on a tile is a good answer
  const failed = (a) => a.error || !ok(a);
  const maxRecovery = Number(o['max-recovery-s']);
  const checked = new Set();
  let lostTotal = 0, other5xx = 0, noAnswer = 0, worstRecovery = 0;
  const problems = [];
  console.log(`\ncluster drill: ${answers.length} answers through the front`);
  console.log(`  ${'phase'.padEnd(10)}${'2xx/304'.padStart(9)}${'503'.padStart(7)}${'other 5xx'.padStart(11)}${'4xx'.padStart(6)}${'no answer'.padStart(11)}` +
    `${'recovery'.padStart(10)}${'writes ok'.padStart(11)}${'lost'.padStart(6)}`);
  for (const p of phases) {
    const start = marks[`${p}_start`], end = marks[`${p}_end`] ?? Infinity, dumpAt = marks[`${p}_dump`];
    const mine = answers.filter((a) => a.t0 >= start && a.t0 < end);
    const count = (f) => mine.filter(f).length;
    const fails = mine.filter(failed);
    const recovery = fails.length ? (Math.max(...fails.map((a) => a.t1)) - Math.min(...fails.map((a) => a.t0))) / 1000 : 0;
    worstRecovery = Math.max(worstRecovery, recovery);
    const o5 = mine.filter((a) => a.status >= 500 && a.status !== 503);
    other5xx += o5.length; noAnswer += count((a) => a.error);
    for (const a of o5.slice(0, 5)) problems.push(`${p}: ${a.kind} ${a.path}: ${a.status} ${a.body ?? ''}`);
    for (const a of mine.filter((x) => x.error).slice(0, 5)) problems.push(`${p}: ${a.kind} ${a.path}: no answer (${a.error})`);
    for (const a of mine.filter((x) => x.status >= 400 && x.status < 500).slice(0, 3)) problems.push(`${p}: ${a.kind} ${a.path}: ${a.status} ${a.body ?? ''}`);
    // Writes acknowledged before this phase's dump (from any phase, not yet checked) must be in it.
    let lost = 0, acked = 0;
    if (dumpAt && existsSync(`${o.dumps}/${p}.csv`)) {
      const rows = readFileSync(`${o.dumps}/${p}.csv`, 'utf8').split('\n').filter(Boolean).map((l) => l.split(','));
      const stations = new Map(rows.filter((r) => r[0] === 's').map((r) => [Number(r[1]), r[2]]));
      const signals = new Set(rows.filter((r) => r[0] === 'c').map((r) => Number(r[1])));
      for (const a of answers) {
        if (!(a.kind === 'write' || a.kind === 'checkin') || !ok(a) || a.t1 >= dumpAt || checked.has(a)) continue;
        checked.add(a); acked++;
        const there = a.kind === 'write' ? stations.get(Number(a.id)) === a.name : signals.has(Number(a.id));
        if (!there) { lost++; if (lost <= 10) problems.push(`${p}: acknowledged ${a.kind} ${a.id} ${a.name ?? ''} (answered at ${new Date(a.t1).toISOString()}) is not in the database`); }
      }
    }
    lostTotal += lost;
    console.log(`  ${p.padEnd(10)}${String(count(ok)).padStart(9)}${String(count((a) => a.status === 503)).padStart(7)}${String(o5.length).padStart(11)}` +
      `${String(count((a) => a.status >= 400 && a.status < 500)).padStart(6)}${String(count((a) => a.error)).padStart(11)}` +
      `${(recovery.toFixed(1) + ' s').padStart(10)}${String(acked).padStart(11)}${String(lost).padStart(6)}`);
  }
  // The load runs on a little after the last phase: its writes are checked against a dump taken once it stopped.
  const rest = answers.filter((a) => (a.kind === 'write' || a.kind === 'checkin') && ok(a) && !checked.has(a));
  if (rest.length && existsSync(`${o.dumps}/final.csv`)) {
    const rows = readFileSync(`${o.dumps}/final.csv`, 'utf8').split('\n').filter(Boolean).map((l) => l.split(','));
    const stations = new Map(rows.filter((r) => r[0] === 's').map((r) => [Number(r[1]), r[2]]));
    const signals = new Set(rows.filter((r) => r[0] === 'c').map((r) => Number(r[1])));
    let lost = 0;
    for (const a of rest) {
      checked.add(a);
      if (!(a.kind === 'write' ? stations.get(Number(a.id)) === a.name : signals.has(Number(a.id)))) {
        lost++; if (lost <= 10) problems.push(`after the load: acknowledged ${a.kind} ${a.id} is not in the database`);
      }
    }
    lostTotal += lost;
    console.log(`  ${'(tail)'.padEnd(10)}${' '.repeat(54)}${String(rest.length).padStart(11)}${String(lost).padStart(6)}`);
  }
  const unchecked = answers.filter((a) => (a.kind === 'write' || a.kind === 'checkin') && ok(a) && !checked.has(a)).length;
  if (unchecked) problems.push(`${unchecked} acknowledged writes were not checked (no final dump)`);
  const bad503 = answers.filter((a) => a.status === 503 && !/^\d+$/.test(a.retryAfter ?? '')).length;
  if (bad503) problems.push(`${bad503} answers 503 without Retry-After`);
  console.log('  recovery: from the first failed answer of the phase to the end of its last; writes ok: acknowledged writes checked after the phase');
  for (const p of problems.slice(0, 40)) console.log(`    ${p}`);
  console.log(`drill: lost writes ${lostTotal}, max recovery ${worstRecovery.toFixed(1)} s, 5xx other than 503 ${other5xx}`);
  // Times are printed against the target, not asserted (a shared machine's load moves them); lost writes,
  // other 5xx, requests left without an answer and 503s without Retry-After fail the drill.
  if (worstRecovery > maxRecovery) console.log(`  note: max recovery ${worstRecovery.toFixed(1)} s is over the ${maxRecovery} s target`);
  process.exitCode = lostTotal > 0 || other5xx > 0 || noAnswer > 0 || bad503 > 0 ? 1 : 0;
}

if (command === 'load') await load();
else if (command === 'report') report();
else { console.error('usage: cluster-drill.mjs load|report …'); process.exitCode = 2; }

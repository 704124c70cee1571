// Two real API processes on one database, with a Redis of their own (./stationmap instances-test
// prepares the database and runs this; see instances_test there). Everything goes to 127.0.0.1 only,
// every wait is bounded, and every process this file starts is stopped at its end.
//
// Checks (issue 11, "Many API instances on one database"):
//   - each background job is led by exactly one instance, and both instances agree which;
//   - the service-area job ran exactly once per trigger: one computation per station at start, one for a moved station;
//   - a station changed through A is seen through B (by id and through B's in-memory nearest index) within 1 s;
//   - B's notification listener, its connection dropped, reconnects and reloads (a change made meanwhile is seen);
//   - the live stream on B gets a check-in taken by A;
//   - rate limits are shared through Redis (requests split over A and B draw on one budget) and key on the address
//     a known proxy forwards (X-Forwarded-For); with Redis stopped
//     requests still succeed with per-instance limits, and the limits are shared again once Redis is back;
//   - the leader's leadership connection dropped, or the leader process killed: the other leads within seconds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { createWriteStream } from 'node:fs';

const env = (name, fallback) => process.env[name] ?? fallback;
const DLL = env('STATIONMAP_API_DLL');
const APP_CS = env('STATIONMAP_INSTANCES_CS');          // the app role's connection string
const PSQL = env('STATIONMAP_INSTANCES_PSQL', '').split('\u001f').filter(Boolean); // psql argv, admin role
const KEY = env('STATIONMAP_INSTANCES_KEY');            // an editor key
const PORT_A = Number(env('STATIONMAP_INSTANCES_PORT_A', '8093'));
const PORT_B = Number(env('STATIONMAP_INSTANCES_PORT_B', '8094'));
const REDIS_PORT = Number(env('STATIONMAP_INSTANCES_REDIS_PORT', '6390'));
const LOGS = env('STATIONMAP_INSTANCES_LOGS', '/tmp');
const AUTH_BUDGET = 30;   // StationMap:RateLimits:AuthFailures per hour, per client address

for (const [k, v] of Object.entries({ DLL, APP_CS, KEY })) if (!v) throw new Error(`missing ${k}: run through ./stationmap instances-test`);
for (const port of [PORT_A, PORT_B, REDIS_PORT]) if (!(port > 1024 && port < 65536)) throw new Error(`bad port ${port}`);

const children = new Set();
function start(name, command, args, extraEnv = {}) {
  const log = createWriteStream(`${LOGS}/instances-${name}.log`, { flags: 'a' });
  const child = spawn(command, args, { env: { ...process.env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(log); child.stderr.pipe(log);
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}
function stopAll() { for (const c of children) { try { c.kill('SIGKILL'); } catch { /* gone */ } } }
process.on('exit', stopAll);

const redisArgs = ['--port', String(REDIS_PORT), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'];
const startRedis = () => start('redis', 'redis-server', redisArgs);

function api(name, port) {
  return start(name, 'dotnet', [DLL, '--urls', `http://127.0.0.1:${port}`], {
    ConnectionStrings__Stations: APP_CS,
    ASPNETCORE_ENVIRONMENT: 'Production',
    Spa__RootPath: '/nonexistent-stationmap-client',
    StationMap__InstanceId: name,
    StationMap__Redis: `127.0.0.1:${REDIS_PORT}`,
    StationMap__RateLimits__Anonymous__PermitLimit: '1000000',
    StationMap__RateLimits__Keyed__PermitLimit: '1000000',
    StationMap__RateLimits__AuthFailures__PermitLimit: String(AUTH_BUDGET),
    StationMap__RateLimits__AuthFailures__WindowSeconds: '3600',
    StationMap__Live__Limits__Enabled: 'false',
    StationMap__WarmCoverageCaches: 'false',
    Logging__LogLevel__Microsoft: 'Warning',
  });
}

const base = (port) => `http://127.0.0.1:${port}`;
// Generous time limits: on a shared 2-core machine a cold endpoint's first call (JIT, EF model) can take seconds.
async function call(port, path, init) {
  try { return await fetch(base(port) + path, { ...init, signal: AbortSignal.timeout(30000) }); }
  catch (e) { throw new Error(`${init.method ?? 'GET'} ${base(port)}${path}: ${e.name} ${e.message}`); }
}
async function get(port, path, headers = {}) {
  const r = await call(port, path, { headers: { accept: 'application/json', ...headers } });
  const text = await r.text();
  let body = null; try { body = JSON.parse(text); } catch { /* not JSON */ }
  return { status: r.status, headers: r.headers, body, text };
}
async function send(port, method, path, body, headers = {}) {
  const r = await call(port, path, {
    method, body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', accept: 'application/json', 'X-Api-Key': KEY, ...headers },
  });
  const text = await r.text();
  let json = null; try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: r.status, headers: r.headers, body: json, text };
}
async function until(what, fn, seconds, stepMs = 25) {
  const t0 = Date.now();
  let last;
  while (Date.now() - t0 < seconds * 1000) {
    try { last = await fn(); if (last) return { value: last, ms: Date.now() - t0 }; } catch (e) { last = e; }
    await sleep(stepMs);
  }
  throw new Error(`${what}: not within ${seconds} s (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
}
const status = async (port) => (await get(port, '/api/v1/status')).body;
const psql = (sql) => execFileSync(PSQL[0], [...PSQL.slice(1), '-tAc', sql], { encoding: 'utf8' }).trim();
const timings = [];
const note = (what, ms) => { timings.push([what, ms]); console.log(`  ${what}: ${ms} ms`); };

test('two API instances on one database', { timeout: 150_000 }, async (t) => {
  let redis = startRedis();
  let a = api('a', PORT_A);
  let b = api('b', PORT_B);
  t.after(stopAll);
  const t0 = Date.now();
  await until('both instances ready', async () => (await get(PORT_A, '/readyz')).status === 200 && (await get(PORT_B, '/readyz')).status === 200, 90, 200);
  note('both instances ready after start', Date.now() - t0);
  assert.equal(redis.exitCode, null, `redis-server exited (is port ${REDIS_PORT} taken?): see ${LOGS}/instances-redis.log`);
  const stations = Number(psql('SELECT count(*) FROM station WHERE deleted_at IS NULL'));
  // Warm both instances' endpoints (JIT, EF model) so the timings below measure propagation, not a cold start.
  const spare = Number(psql('SELECT max(id) FROM station WHERE deleted_at IS NULL'));
  for (const port of [PORT_A, PORT_B]) {
    const r = await get(port, `/api/v1/stations/${spare}`);
    await get(port, `/api/v1/stations/nearest?lon=${r.body.lon}&lat=${r.body.lat}&limit=1`);
    await get(port, '/api/v1/service-areas/status');
    const w = await send(port, 'PATCH', `/api/v1/stations/${spare}`, { name: `warm-${port}` },
      { 'content-type': 'application/merge-patch+json', 'If-Match': r.headers.get('etag') });
    assert.equal(w.status, 200, w.text);
  }
  note('both instances warmed', Date.now() - t0);

  await t.test('each job is led by exactly one instance, and both agree which', async () => {
    const { value } = await until('every job led', async () => {
      const [sa, sb] = [await status(PORT_A), await status(PORT_B)];
      const jobs = sa.jobs.map((j) => j.job);
      return jobs.every((j) => sa.jobs.find((x) => x.job === j).leads_here !== sb.jobs.find((x) => x.job === j).leads_here) ? [sa, sb] : null;
    }, 10);
    const [sa, sb] = value;
    assert.deepEqual(sa.jobs.map((j) => j.leader), sb.jobs.map((j) => j.leader), 'both instances name the same leaders');
    for (const j of sa.jobs) assert.ok(['a', 'b'].includes(j.leader), `job ${j.job} led by ${j.leader}`);
    assert.ok(sa.notifications.connected && sb.notifications.connected, 'both listeners connected');
    assert.ok(sa.notifications.channels.includes('stationmap_station_change') && sa.notifications.channels.includes('stationmap_graph'),
      `one listener for every cache: ${sa.notifications.channels}`);
    assert.equal(sa.rate_limits.store, 'redis');
  });

  const leaderOf = async (job) => (await status(PORT_A)).jobs.find((j) => j.job === job).leader;
  const saLeader = await leaderOf('service-areas');
  const [leaderPort, otherPort] = saLeader === 'a' ? [PORT_A, PORT_B] : [PORT_B, PORT_A];

  await t.test('the service-area job computed every station exactly once at start, in one instance', async () => {
    const { value: s } = await until('all service areas computed', async () => {
      const s = (await get(otherPort, '/api/v1/service-areas/status')).body;
      return s.stations > 0 && s.up_to_date === s.stations ? s : null;
    }, 40, 200);
    await sleep(1500);   // a second computation, if any instance were to make one, would show now
    const rows = psql('SELECT instance || \':\' || count(*) || \':\' || count(DISTINCT station_id) FROM service_area_computation GROUP BY instance');
    assert.equal(rows, `${saLeader}:${s.stations}:${s.stations}`, 'one computation per station, all by the leader');
    assert.equal(s.stations, stations);
  });

  const id = Number(psql("SELECT min(id) FROM station WHERE deleted_at IS NULL"));
  await t.test('a station changed through A is seen through B within a second, and its move is computed once', async () => {
    const before = (await get(PORT_A, `/api/v1/stations/${id}`));
    assert.equal(before.status, 200, before.text);
    const [lon, lat] = before.body.geometry ? before.body.geometry.coordinates : [before.body.lon, before.body.lat];
    const name = `moved-${Date.now()}`;
    const changedAt = new Date();
    const put = await send(PORT_A, 'PATCH', `/api/v1/stations/${id}`, { name, lon: lon + 0.0004, lat },
      { 'content-type': 'application/merge-patch+json', 'If-Match': before.headers.get('etag') });
    assert.equal(put.status, 200, put.text);
    const byId = await until('B shows the new name', async () => {
      const r = await get(PORT_B, `/api/v1/stations/${id}`);
      return JSON.stringify(r.body).includes(name);
    }, 5, 10);
    note('station PATCH via A -> GET by id via B', byId.ms);
    const nearest = await until('B\'s nearest index has it', async () => {
      const r = await get(PORT_B, `/api/v1/stations/nearest?lon=${lon + 0.0004}&lat=${lat}&limit=1`);
      return JSON.stringify(r.body).includes(name);
    }, 5, 10);
    note('station PATCH via A -> nearest (in-memory index) via B', byId.ms + nearest.ms);
    assert.ok(byId.ms + nearest.ms < 1000, `seen through B after ${byId.ms + nearest.ms} ms`);

    await until('the move computed', async () => {
      const s = (await get(otherPort, `/api/v1/service-areas/status?station_id=${id}`)).body;
      return s.recent.some((c) => new Date(c.computed_at) >= new Date(changedAt.getTime() - 1000) && s.stale === 0);
    }, 20, 100);
    await sleep(1500);
    for (const port of [PORT_A, PORT_B]) {
      const s = (await get(port, `/api/v1/service-areas/status?station_id=${id}`)).body;
      const after = s.recent.filter((c) => new Date(c.computed_at) >= new Date(changedAt.getTime() - 1000));
      assert.equal(after.length, 1, `one computation for one move, seen from ${s.instance}: ${JSON.stringify(s.recent)}`);
      assert.equal(after[0].instance, saLeader);
      assert.equal(s.leader, saLeader);
    }
    const bad = (await get(PORT_B, '/api/v1/service-areas/status?station_id=x'));
    assert.equal(bad.status, 400);
    assert.match(bad.text, /station_id/);
  });

  await t.test('B\'s listener, its connection dropped, reconnects and reloads what changed meanwhile', async () => {
    const before = (await status(PORT_B)).notifications.connects;
    // Drop B's listener and, in the same breath, change a station through A: B must not miss it.
    psql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'stationmap-listener:b'");
    const r = await get(PORT_A, `/api/v1/stations/${id}`);
    const name = `after-drop-${Date.now()}`;
    const put = await send(PORT_A, 'PATCH', `/api/v1/stations/${id}`, { name }, { 'content-type': 'application/merge-patch+json', 'If-Match': r.headers.get('etag') });
    assert.equal(put.status, 200, put.text);
    const seen = await until('B reconnected and has the change', async () => {
      const s = await status(PORT_B);
      if (!(s.notifications.connected && s.notifications.connects > before)) return null;
      const n = await get(PORT_B, `/api/v1/stations/nearest?lon=${put.body.geometry?.coordinates?.[0] ?? put.body.lon}&lat=${put.body.geometry?.coordinates?.[1] ?? put.body.lat}&limit=1`);
      return JSON.stringify(n.body).includes(name);
    }, 10, 50);
    note('listener dropped -> reconnected and resynchronised', seen.ms);
  });

  await t.test('the live stream on B gets a check-in taken by A', async () => {
    const s = (await get(PORT_A, `/api/v1/stations/${id}`)).body;
    const [lon, lat] = s.geometry ? s.geometry.coordinates : [s.lon, s.lat];
    const controller = new AbortController();
    const stream = await fetch(`${base(PORT_B)}/api/v1/live/stream?bbox=${lon - 0.01},${lat - 0.01},${lon + 0.01},${lat + 0.01}`,
      { headers: { accept: 'text/event-stream' }, signal: controller.signal });
    assert.equal(stream.status, 200);
    const reader = stream.body.getReader();
    let text = '';
    const got = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return false;
        text += new TextDecoder().decode(value);
        if (text.includes('event: live') && text.includes(`"station_id":${id}`)) return true;
      }
    })();
    await sleep(300);
    const device = await send(PORT_A, 'POST', '/api/v1/devices', {}, { 'X-Api-Key': '' });
    assert.equal(device.status, 201, device.text);
    const t1 = Date.now();
    const checkin = await send(PORT_A, 'POST', `/api/v1/stations/${id}/checkins`, { lon, lat, crowding: 'full' },
      { 'X-Device-Token': device.body.token, 'X-Api-Key': '' });
    assert.equal(checkin.status, 201, checkin.text);
    const ok = await Promise.race([got, sleep(5000).then(() => false)]);
    controller.abort();
    assert.ok(ok, `no live event on B within 5 s: ${text.slice(0, 300)}`);
    note('check-in via A -> SSE event on B', Date.now() - t1);
  });

  const bogus = { 'X-Api-Key': 'sm_not_a_key_00000000000000000000' };
  await t.test('rate limits are shared through Redis: requests split over A and B draw on one budget', async () => {
    // The window is an hour, aligned to the clock: wait out its last seconds so the burst falls in one.
    const first = await get(PORT_A, '/api/v1/keys/me', bogus);
    const left = Number(/t=(\d+)/.exec(first.headers.get('ratelimit') ?? '')?.[1] ?? 3600);
    if (left < 15) await sleep((left + 1) * 1000);
    const codes = [];
    for (let i = 0; i < 2 * AUTH_BUDGET; i++) codes.push((await get(i % 2 ? PORT_B : PORT_A, '/api/v1/keys/me', bogus)).status);
    const refused = codes.filter((c) => c === 429).length;
    const other = codes.filter((c) => c !== 429 && c !== 401);
    assert.deepEqual(other, [], `only 401 and 429: ${codes}`);
    // One budget of 30 for both (the first probe counted too); per instance it would have been 30 each and no 429 at all.
    assert.equal(2 * AUTH_BUDGET - refused, AUTH_BUDGET - (left < 15 ? 0 : 1), `answered without 429: ${codes}`);
    // Behind a known proxy (loopback is one by default) the limit keys on the forwarded client address:
    // another client through the same proxy has a budget of its own.
    const forwarded = await get(PORT_B, '/api/v1/keys/me', { ...bogus, 'X-Forwarded-For': '203.0.113.9' });
    assert.equal(forwarded.status, 401, forwarded.text);
  });

  await t.test('with Redis stopped requests still succeed with per-instance limits, and Redis is used again when back', async () => {
    redis.kill('SIGKILL');
    await until('both instances count in process', async () =>
      (await status(PORT_A)).rate_limits.store === 'in-process' && (await status(PORT_B)).rate_limits.store === 'in-process', 10, 100);
    const codes = { a: [], b: [] };
    for (let i = 0; i < 20; i++) {
      codes.a.push((await get(PORT_A, '/api/v1/stations?limit=1')).status);
      codes.b.push((await get(PORT_B, '/api/v1/keys/me', bogus)).status);
    }
    assert.ok(codes.a.every((c) => c === 200), `reads while Redis is down: ${codes.a}`);
    // The shared budget is spent, but each instance now counts alone: B's own budget lets these through.
    assert.ok(codes.b.every((c) => c === 401), `auth failures on B counted by B alone: ${codes.b}`);
    redis = startRedis();
    await sleep(300);
    assert.equal(redis.exitCode, null, `redis-server did not start again: see ${LOGS}/instances-redis.log`);
    const back = await until('Redis used again', async () =>
      (await status(PORT_A)).rate_limits.store === 'redis' && (await status(PORT_B)).rate_limits.store === 'redis', 20, 200);
    note('Redis restarted -> limits shared again', back.ms);
  });

  await t.test('the leader\'s leadership connection dropped: exactly one instance leads again within seconds', async () => {
    const leader = await leaderOf('service-areas');
    const held = (await status(leader === 'a' ? PORT_A : PORT_B)).leads;
    const droppedAt = Date.now();
    const n = psql(`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'stationmap-leader:${leader}'`);
    assert.equal(n, '1', 'the leader has one leadership connection');
    // Every job it held is then held anew (by the other instance, or by the same one on a new connection): its "since" moves.
    let last;
    const { ms } = await until('one leader again', async () => {
      const [sa, sb] = [await status(PORT_A), await status(PORT_B)];
      last = [sa.jobs, sb.jobs];
      return sa.jobs.every((j, i) => j.leads_here !== sb.jobs[i].leads_here && j.leader && j.leader === sb.jobs[i].leader
        && (!held.includes(j.job) || new Date((j.leads_here ? j : sb.jobs[i]).since).getTime() >= droppedAt - 50));
    }, 10, 50).catch((e) => { throw new Error(`${e.message}; jobs held by ${leader}: ${held}; now: ${JSON.stringify(last)}`); });
    note('leadership connection dropped -> one leader again', ms);
  });

  await t.test('the leader process killed: the other leads every job within seconds and computes the next change once', async () => {
    const leader = await leaderOf('service-areas');
    const [victim, survivorPort, survivor] = leader === 'a' ? [a, PORT_B, 'b'] : [b, PORT_A, 'a'];
    const killedAt = Date.now();
    victim.kill('SIGKILL');
    const { ms } = await until('the survivor leads every job', async () => {
      const s = await status(survivorPort);
      return s.jobs.every((j) => j.leads_here) ? s : null;
    }, 10, 50);
    note('leader killed -> the other leads every job', Date.now() - killedAt);
    assert.ok(ms < 5000, `took ${ms} ms`);
    const r = await get(survivorPort, `/api/v1/stations/${id}`);
    const [lon, lat] = r.body.geometry ? r.body.geometry.coordinates : [r.body.lon, r.body.lat];
    const movedAt = new Date();
    const put = await send(survivorPort, 'PATCH', `/api/v1/stations/${id}`, { lon: lon - 0.0004, lat },
      { 'content-type': 'application/merge-patch+json', 'If-Match': r.headers.get('etag') });
    assert.equal(put.status, 200, put.text);
    await until('the survivor computed the move', async () => {
      const s = (await get(survivorPort, `/api/v1/service-areas/status?station_id=${id}`)).body;
      return s.recent.some((c) => new Date(c.computed_at) >= new Date(movedAt.getTime() - 1000) && c.instance === survivor);
    }, 20, 100);
    await sleep(1000);
    const s = (await get(survivorPort, `/api/v1/service-areas/status?station_id=${id}`)).body;
    assert.equal(s.recent.filter((c) => new Date(c.computed_at) >= new Date(movedAt.getTime() - 1000)).length, 1);
  });

  console.log('\n  two instances: timings');
  for (const [what, ms] of timings) console.log(`  ${String(ms).padStart(7)} ms  ${what}`);
});

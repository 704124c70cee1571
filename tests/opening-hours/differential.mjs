// Differential test of the API's opening-hours evaluator (`StationMap.Api.dll opening-hours-eval`)
// against opening_hours.js 3.15.0, the OpenStreetMap community's reference evaluator.
//
//   node tests/opening-hours/differential.mjs --dll PATH [--values FILE] [--first N] [--count N]
//        [--seed N] [--next-change state|any] [--reference-only] [--out FILE] [--api-input FILE]
//
// Every value is evaluated in four zones (one reference worker per zone, run with TZ=<zone>, and
// one API process for all cases), at 56 or more instants of 2026 per zone. Prints the acceptance
// table, the agreement rates and the first disagreements, and ends with one summary line; exits
// non-zero when a threshold is missed (README.md in this folder says which and why).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateCorpus, hash32, rng } from './generator.mjs';
import { isoLocal, isoUtc, jsonLinesChild, localParts, offsetChanges, zonedToUtc } from './lib.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const DAY = 86400e3;
const MINUTE = 60e3;
const YEAR_START = Date.UTC(2026, 0, 1);
const YEAR_END = Date.UTC(2027, 0, 1);
const INSTANTS_PER_CASE = 56;
// Variable times: the reference truncates suncalc's event to the minute
// (getHours() * 60 + getMinutes()); the API's NOAA computation may differ from suncalc by up to a
// minute (the solar check holds it to 60 s). 60 s + 60 s.
const VARIABLE_TOLERANCE_MS = 120e3;
const THRESHOLDS = { state: 99.5, next_change: 99, comment: 99 };

// Each zone is evaluated at its own place: the reference takes PH and SH from its per-country data
// for the nominatim object, and sunrise/sunset from suncalc at lat/lon; the API gets the same
// position and the holiday dates the reference reports for it.
const ZONES = [
  { tz: 'Asia/Shanghai', name: 'Hangzhou', place: { lat: 30.2741, lon: 120.1551, address: { country_code: 'cn', state: '浙江省' } } },
  { tz: 'Asia/Urumqi', name: 'Urumqi', place: { lat: 43.8256, lon: 87.6168, address: { country_code: 'cn', state: '新疆维吾尔自治区' } } },
  { tz: 'Europe/Berlin', name: 'Berlin', place: { lat: 52.52, lon: 13.405, address: { country_code: 'de', state: 'Berlin' } } },
  { tz: 'America/New_York', name: 'New York', place: { lat: 40.7128, lon: -74.006, address: { country_code: 'us', state: 'New York' } } },
];
// Where the reference has no school holidays for the country (cn, us), its constructor throws for
// any value with SH ("There are no holidays (SH) defined for country …"): such (value, zone) cases
// have no reference answer and are counted apart; SH is compared in Berlin, where it has data.
const NO_SH_DATA = /There are no holidays \(SH\) defined/;

function parseArgs(argv) {
  const args = { dll: null, values: null, first: 25, count: 2000, seed: 20260101, referenceOnly: false, out: null, nextChange: 'state' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => { if (i + 1 >= argv.length) throw new Error(`${a} needs a value`); return argv[++i]; };
    if (a === '--dll') args.dll = next();
    else if (a === '--values') args.values = next();
    else if (a === '--first') args.first = Number(next());
    else if (a === '--count') args.count = Number(next());
    else if (a === '--seed') args.seed = Number(next());
    else if (a === '--out') args.out = next();
    else if (a === '--api-input') args.apiInput = next();
    else if (a === '--reference-only') args.referenceOnly = true;
    else if (a === '--next-change') { args.nextChange = next(); if (!['any', 'state'].includes(args.nextChange)) throw new Error('--next-change any|state'); }
    else if (a === '-h' || a === '--help') { console.log(fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(3, 6).join('\n').replace(/^\/\/ ?/gm, '')); process.exit(0); }
    else throw new Error(`unknown argument: ${a}`);
  }
  if (!args.dll && !args.referenceOnly) throw new Error('--dll PATH (the built StationMap.Api.dll) is required, or --reference-only');
  return args;
}

function readValues(file, { notes }) {
  return fs.readFileSync(file, 'utf8').split(/\r?\n/)
    .filter((line) => line.trim() !== '' && !(notes && line.startsWith('#')));
}

function loadCorpus(args) {
  if (args.values) {
    const values = readValues(args.values, { notes: false });
    return { values, allZones: values.map(() => true), sources: `${values.length} values from ${args.values}, each in every zone` };
  }
  const generated = generateCorpus({ seed: args.seed, count: args.count });
  const realistic = readValues(path.join(HERE, 'corpus/realistic.txt'), { notes: true });
  const seen = new Set();
  const values = [];
  const allZones = [];
  for (const v of realistic) if (!seen.has(v)) { seen.add(v); values.push(v); allZones.push(true); }
  for (const v of generated) if (!seen.has(v)) { seen.add(v); values.push(v); allZones.push(false); }
  return {
    values, allZones,
    sources: `realistic ${realistic.length} (corpus/realistic.txt, each in every zone) + generated ${generated.length} (seed ${args.seed}, each in two zones, every pair in turn; values with SH in Berlin only)`,
  };
}

/** Deliberate differences: narrow predicates on the value, each with its reason. */
function loadDeliberate(values) {
  const file = path.join(HERE, 'deliberate-differences.json');
  const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  const entries = (doc.differences ?? []).map((d) => {
    if (!d.id || !d.reason || !d.value_pattern || !Array.isArray(d.fields) || !d.fields.length) {
      throw new Error(`deliberate-differences.json: entry ${JSON.stringify(d.id)} needs id, reason, value_pattern and fields`);
    }
    return { ...d, re: new RegExp(d.value_pattern, d.flags ?? ''), zones: d.zones ?? null, pairs: 0, disagreeing: 0 };
  });
  // An entry is a predicate on a pattern, never a blanket: one that matches more than 3 % of the
  // corpus would hide a whole class of answers.
  const problems = [];
  for (const e of entries) {
    const n = values.filter((v) => e.re.test(v)).length;
    e.values = n;
    if (n > Math.max(3, values.length * 0.03)) problems.push(`deliberate difference ${e.id} matches ${n} of ${values.length} values: not narrow`);
  }
  return { entries, problems };
}

// --- instants --------------------------------------------------------------------------------

/** The calendar days of 2026 (local) as [y, mo, d]. */
const DAYS_2026 = (() => {
  const out = [];
  for (let t = YEAR_START; t < YEAR_END; t += DAY) { const d = new Date(t); out.push([d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()]); }
  return out;
})();

/**
 * 56 or more instants of 2026 for one value in one zone, seeded by both: midnight, the first and
 * last minute of the year, public and school holidays (and the evening before one), the zone's DST
 * switches (a minute before and after, an hour after), the minute before and at each clock time
 * the value names, around sunrise and sunset when it names a variable time, the rest spread over
 * the year.
 */
function instantsFor(value, zone, calendar) {
  const r = rng(hash32(`${zone.tz}\u0000${value}`));
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  const at = (ymd, h, mi) => zonedToUtc(zone.tz, ymd[0], ymd[1], ymd[2], h, mi);
  const set = new Set();
  const add = (ms) => { if (ms >= YEAR_START - DAY && ms < YEAR_END + DAY) set.add(ms); };
  const day = () => pick(DAYS_2026);

  add(at([2026, 1, 1], 0, 0));
  add(at([2026, 12, 31], 23, 59));
  for (let i = 0; i < 2; i++) { const d = day(); add(at(d, 0, 0)); add(at(d, 23, 59)); }

  const ymd = (s) => s.split('-').map(Number);
  const ph = Object.keys(calendar.ph ?? {}).filter((d) => d.startsWith('2026'));
  for (let i = 0; i < Math.min(4, ph.length); i++) add(at(ymd(pick(ph)), pick([0, 9, 10, 12, 15, 19, 23]), pick([0, 30, 59])));
  if (ph.length) { const d = ymd(pick(ph)); add(at(d, 0, 0) - MINUTE); add(at(d, 8, 0)); }
  const sh = Object.keys(calendar.sh ?? {}).filter((d) => d.startsWith('2026'));
  for (let i = 0; i < Math.min(3, sh.length); i++) add(at(ymd(pick(sh)), pick([8, 10, 14, 18]), pick([0, 30])));

  for (const t of calendar.dst) { add(t - MINUTE); add(t); add(t + MINUTE); add(t + 3600e3); }

  const clockTimes = [...new Set([...value.matchAll(/(\d{1,2}):(\d{2})/g)].map((m) => (Number(m[1]) % 24) * 60 + Number(m[2])))].slice(0, 8);
  for (const minutes of clockTimes) {
    for (let i = 0; i < 2; i++) {
      const t = at(day(), Math.floor(minutes / 60), minutes % 60);
      add(t - MINUTE); add(t);
      if (i === 0) add(t + MINUTE);
    }
  }
  if (/sunrise|sunset|dawn|dusk/i.test(value)) {
    for (let i = 0; i < 4; i++) { add(at(day(), 4 + Math.floor(r() * 4), Math.floor(r() * 60))); add(at(day(), 16 + Math.floor(r() * 5), Math.floor(r() * 60))); }
  }
  while (set.size < INSTANTS_PER_CASE) {
    const minute = r() < 0.3 ? pick([0, 59, 30, 1]) : Math.floor(r() * 12) * 5;
    add(at(day(), Math.floor(r() * 24), minute));
  }
  return [...set].sort((a, b) => a - b);
}

// --- running both sides ------------------------------------------------------------------------

function startReference(zone) {
  const answers = [];
  let waiting = null;
  const worker = jsonLinesChild(process.execPath, [path.join(HERE, 'reference-worker.mjs')], {
    name: `reference (${zone.tz})`,
    env: { TZ: zone.tz, OH_PLACE: JSON.stringify(zone.place) },
    onLine: (line) => { const msg = JSON.parse(line); if (waiting) { const w = waiting; waiting = null; w(msg); } else answers.push(msg); },
  });
  return {
    worker,
    answers,
    calendar: () => new Promise((resolve) => { waiting = resolve; worker.send({ op: 'calendar', from: '2025-12-01', to: '2028-01-01' }); }),
  };
}

function startApi(dll) {
  const answers = [];
  const api = jsonLinesChild('dotnet', [dll, 'opening-hours-eval'], {
    name: 'StationMap.Api opening-hours-eval',
    env: { DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1', Logging__LogLevel__Default: 'Warning' },
    onLine: (line) => {
      try { answers.push(JSON.parse(line)); } catch { answers.push({ unparsable: line.slice(0, 300) }); }
    },
  });
  return { api, answers };
}

// --- comparison --------------------------------------------------------------------------------

function refStatus(answer) {
  if (!answer) return 'none';
  if (!answer.ok) return NO_SH_DATA.test(answer.error) ? 'no-sh-data' : 'refused';
  return answer.warnings.length ? 'warned' : 'accepted';
}

const pct = (a, n) => (n === 0 ? 100 : (100 * a) / n);
const fmtPct = (x) => `${x >= 99.95 && x < 100 ? x.toFixed(2) : x.toFixed(1)} %`;
const fmtAnswer = (zone, r) => r
  ? `${r.state}${r.error ? ` (${r.error})` : ''}, next ${r.next_change == null ? 'none' : `${isoUtc(r.next_change)} (${isoLocal(zone.tz, r.next_change)})`}, comment ${r.comment == null ? 'none' : JSON.stringify(r.comment)}`
  : 'no answer';

function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows.map((r) => '  ' + r.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('   ')).join('\n');
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const { values, allZones, sources } = loadCorpus(args);
  const deliberate = loadDeliberate(values);

  const refs = ZONES.map(startReference);
  const calendars = [];
  for (let z = 0; z < ZONES.length; z++) {
    const c = await refs[z].calendar();
    calendars.push({ ...c, dst: offsetChanges(ZONES[z].tz, YEAR_START, YEAR_END) });
  }

  // One case per (value, zone); the same UTC instants go to both sides. The realistic and a
  // held-out corpus go to every zone; a generated value to two of them (the reference's cost
  // bounds the run time).
  const zoneIndex = (tz) => ZONES.findIndex((z) => z.tz === tz);
  const SHANGHAI = zoneIndex('Asia/Shanghai');
  const BERLIN = zoneIndex('Europe/Berlin');
  // A value with SH goes only to zones the reference has school holidays for (elsewhere its
  // constructor throws "There are no holidays (SH) defined"): Berlin of these four.
  const namesSH = (value) => /\bSH\b/i.test(value.replace(/"[^"]*"/g, ''));
  const hasSH = ZONES.map((_, z) => calendars[z].sh !== null);
  const skippedSH = { cases: 0 };
  const zonesOf = values.map((value, v) => {
    // Every ordered pair of zones in turn, so the four workers get about the same work.
    const first = v % ZONES.length;
    let zs = allZones[v] ? ZONES.map((_, i) => i) : [first, (first + 1 + (Math.floor(v / ZONES.length) % (ZONES.length - 1))) % ZONES.length];
    if (namesSH(value)) {
      const kept = zs.filter((z) => hasSH[z]);
      skippedSH.cases += zs.length - kept.length;
      zs = kept.length ? kept : [BERLIN];
    }
    return zs;
  });
  // The zone whose reference answer classes the value (accepted, warned, refused): Berlin where
  // the value is evaluated there (the reference has PH and SH data for it), else Shanghai, else
  // the first.
  const classZone = zonesOf.map((zs) => (zs.includes(BERLIN) ? BERLIN : zs.includes(SHANGHAI) ? SHANGHAI : zs[0]));
  const cases = [];
  values.forEach((value, v) => zonesOf[v].forEach((z) => {
    cases.push({ id: `v${v}z${z}`, v, z, instants: instantsFor(value, ZONES[z], calendars[z]) });
  }));
  const minInstants = Math.min(...cases.map((c) => c.instants.length));
  if (minInstants < 50) throw new Error(`a case has only ${minInstants} instants (want 50 or more)`);

  const api = args.referenceOnly ? null : startApi(args.dll);
  const apiInput = args.apiInput ? [] : null; // the API's input, to replay cases by hand
  // Warnings decide a value's class only, and getWarnings is costly: asked in its class zone.
  for (const c of cases) {
    refs[c.z].worker.send({ op: 'eval', id: c.id, value: values[c.v], instants: c.instants, warnings: c.z === classZone[c.v] });
    if (api) {
      const cal = calendars[c.z];
      const zone = ZONES[c.z];
      const line = { id: c.id, value: values[c.v], tz: zone.tz, lat: zone.place.lat, lon: zone.place.lon, instants: c.instants.map(isoUtc) };
      if (cal.ph) line.ph = cal.ph;
      if (cal.sh) line.sh = cal.sh;
      // No make-up working days: the reference knows none (deliberate-differences.json).
      api.api.send(line);
      apiInput?.push(JSON.stringify(line));
    }
  }
  if (apiInput) fs.writeFileSync(args.apiInput, apiInput.join('\n') + '\n');
  refs.forEach((r) => r.worker.end());
  api?.api.end();
  const watchdog = setTimeout(() => { console.error('opening-hours: no answer within 600 s; stopping'); process.exit(2); }, 600e3);
  const [refDone, apiDone] = await Promise.all([Promise.all(refs.map((r) => r.worker.done)), api ? api.api.done : null]);
  clearTimeout(watchdog);
  const elapsed = (Date.now() - started) / 1000;

  const failures = [...deliberate.problems];
  refDone.forEach((d, z) => { if (d.code !== 0) failures.push(`reference worker for ${ZONES[z].tz} exited with ${d.code}: ${d.stderr.slice(-500)}`); });
  const refById = new Map();
  refs.forEach((r) => r.answers.forEach((a) => refById.set(a.id, a)));
  const apiById = new Map();
  if (api) {
    if (apiDone.code !== 0) failures.push(`the API's opening-hours-eval exited with ${apiDone.code}: ${apiDone.stderr.slice(-800)}`);
    api.answers.forEach((a, i) => {
      if (a.unparsable) { if (failures.length < 20) failures.push(`API answer ${i + 1} is not JSON: ${a.unparsable}`); return; }
      apiById.set(a.id, a);
    });
    if (api.answers.length !== cases.length) failures.push(`the API answered ${api.answers.length} of ${cases.length} cases`);
    const ordered = api.answers.every((a, i) => a.id === cases[i]?.id);
    if (api.answers.length === cases.length && !ordered) failures.push('the API answered out of order');
  }

  // --- acceptance per value (Berlin: the one zone where the reference has both PH and SH data)
  const workerFailures = [...refById.values()].filter((a) => a.worker_failure);
  if (workerFailures.length) failures.push(`the reference worker failed on ${workerFailures.length} cases, e.g. ${workerFailures[0].error}`);
  const derived = [...refById.values()].reduce((s, a) => s + (a.derived ?? 0), 0);
  const acceptance = { accepted: [0, 0], warned: [0, 0], refused: [0, 0] }; // [API ok, API refused]
  const mustAccept = []; const refusedWarned = []; const acceptedRefused = []; const apiInconsistent = [];
  const perValue = values.map((value, v) => {
    const cz = classZone[v];
    const ref = refStatus(refById.get(`v${v}z${cz}`));
    const apiAnswers = zonesOf[v].map((z) => apiById.get(`v${v}z${z}`));
    const apiOk = api ? apiById.get(`v${v}z${cz}`)?.ok === true : null;
    if (api && new Set(apiAnswers.map((a) => a?.ok === true)).size > 1) apiInconsistent.push(value);
    if (api && acceptance[ref]) {
      acceptance[ref][apiOk ? 0 : 1]++;
      const err = apiById.get(`v${v}z${cz}`)?.error ?? 'no answer';
      if (ref === 'accepted' && !apiOk) mustAccept.push({ value, err });
      if (ref === 'warned' && !apiOk) refusedWarned.push({ value, err, warnings: refById.get(`v${v}z${cz}`).warnings });
      if (ref === 'refused' && apiOk) acceptedRefused.push({ value, err: refById.get(`v${v}z${cz}`).error });
    } else if (!api && acceptance[ref]) acceptance[ref][0]++;
    return { ref, apiOk };
  });

  // --- pairs
  const fields = ['state', 'next_change', 'comment'];
  const agree = { state: 0, next_change: 0, comment: 0 };
  const compared = { state: 0, next_change: 0, comment: 0 };
  const zoneStats = ZONES.map(() => ({ pairs: 0, agree: { state: 0, next_change: 0, comment: 0 }, compared: { state: 0, next_change: 0, comment: 0 } }));
  const disagreements = [];
  let otherAgree = 0; let refNextErrors = 0;
  const refErrorKinds = new Map();
  const errorKind = (e) => e.replace(/"[^"]*"/g, '…').replace(/^.*(?=\.\s*[^.]*\.\)?$)/s, '').slice(-110);
  let pairs = 0; let tolerated = 0; let noShData = 0; let refInstantErrors = 0; let deliberatePairs = 0; let lengthMismatch = 0;
  for (const c of cases) {
    const ref = refById.get(c.id);
    if (refStatus(ref) === 'no-sh-data') { noShData += c.instants.length; continue; }
    if (!api) { if (ref?.ok) pairs += c.instants.length; continue; }
    const a = apiById.get(c.id);
    if (!ref?.ok || !a?.ok) continue;
    const value = values[c.v];
    const zone = ZONES[c.z];
    const variable = /sunrise|sunset|dawn|dusk/i.test(value);
    // A change at a clock time the value names (to the second) is a fixed boundary even in a
    // value with variable times: the tolerance is only for the others.
    const clock = new Set([...value.matchAll(/(\d{1,2}):(\d{2})/g)].map((m) => ((Number(m[1]) % 24) * 60 + Number(m[2]))));
    const atVariableTime = (n) => {
      if (n == null) return false;
      if (n % MINUTE !== 0) return true;
      const lp = localParts(zone.tz, n);
      return !clock.has(lp.h * 60 + lp.mi);
    };
    const matches = deliberate.entries.filter((e) => e.re.test(value) && (!e.zones || e.zones.includes(zone.tz)));
    if (!Array.isArray(a.results) || a.results.length !== c.instants.length) { lengthMismatch++; failures.push(`the API gave ${a.results?.length} results for ${c.instants.length} instants (${c.id})`); continue; }
    c.instants.forEach((t, i) => {
      const raw = ref.results[i];
      if (raw.error) { refInstantErrors++; refErrorKinds.set(errorKind(raw.error), (refErrorKinds.get(errorKind(raw.error)) ?? 0) + 1); return; }
      pairs++;
      zoneStats[c.z].pairs++;
      // next_change as the API defines it, the next change of state (getNextChange), or with
      // --next-change any the next change of state or comment (the reference's iterator's advance()).
      const rr = { ...raw, next_change: args.nextChange === 'state' ? raw.next_state_change : raw.next_change };
      const other = args.nextChange === 'state' ? raw.next_change : raw.next_state_change;
      const ar = a.results[i];
      const an = { state: ar.state, next_change: ar.next_change == null ? null : Date.parse(ar.next_change), comment: ar.comment ?? null };
      // Near a variable time the two sides may stand on either side of the change (the
      // reference's minute truncation, the solar algorithms' difference): within the tolerance of
      // a change either side reports, a different state or comment is tolerated too.
      const near = (n) => n != null && n - t <= VARIABLE_TOLERANCE_MS && atVariableTime(n);
      const nearChange = variable && (near(rr.next_change) || near(an.next_change));
      const close = (x, y) => variable && x != null && y != null && Math.abs(x - y) <= VARIABLE_TOLERANCE_MS && (atVariableTime(x) || atVariableTime(y));
      const same = {
        state: rr.state === an.state,
        next_change: rr.next_change === an.next_change || close(rr.next_change, an.next_change),
        comment: rr.comment === an.comment,
      };
      if (raw.next_error) { refNextErrors++; refErrorKinds.set(errorKind(raw.next_error), (refErrorKinds.get(errorKind(raw.next_error)) ?? 0) + 1); same.next_change = true; }
      const wrong = fields.filter((f) => !same[f]);
      const sameOther = other === an.next_change || close(other, an.next_change) || nearChange;
      if (sameOther) otherAgree++;
      if (wrong.length && nearChange) { tolerated++; wrong.length = 0; fields.forEach((f) => { same[f] = true; }); }
      const excused = matches.filter((e) => e.fields.some((f) => wrong.includes(f)));
      if (matches.length) deliberatePairs++;
      for (const e of matches) { e.pairs++; if (excused.includes(e)) e.disagreeing++; }
      for (const f of fields) {
        if (matches.some((e) => e.fields.includes(f))) continue; // excluded from the rate
        if (f === 'next_change' && raw.next_error) continue; // no reference answer
        compared[f]++; zoneStats[c.z].compared[f]++; zoneStats[c.z].agree[f] += same[f] ? 1 : 0;
        if (same[f]) agree[f]++;
      }
      if (wrong.length && !excused.length && disagreements.length < 5000) {
        disagreements.push({ value, zone, t, wrong, ref: rr, api: an });
      }
    });
  }

  // --- report
  const out = [];
  const p = (s = '') => out.push(s);
  p('opening-hours differential: opening_hours.js 3.15.0 (TZ per zone) vs ' + (api ? `${path.basename(args.dll)} opening-hours-eval` : 'nothing (--reference-only)'));
  p(`corpus: ${values.length} values: ${sources}`);
  p(`zones: ${ZONES.map((z) => `${z.tz} (${z.name}, PH ${Object.keys(calendars[ZONES.indexOf(z)].ph ?? {}).length} days, SH ${calendars[ZONES.indexOf(z)].sh ? Object.keys(calendars[ZONES.indexOf(z)].sh).length + ' days' : 'none in the reference'})`).join(', ')}`);
  p(`reference next changes carried over from the previous instant (nothing changes in between; see reference-worker.mjs): ${derived} pairs`);
  const refMs = ZONES.map((_, z) => cases.filter((c) => c.z === z).reduce((sum, c) => sum + (refById.get(c.id)?.ms ?? 0), 0));
  p(`reference evaluation time by zone: ${ZONES.map((z, i) => `${z.tz} ${(refMs[i] / 1000).toFixed(1)} s`).join(', ')}`);
  if (process.env.OH_DIFF_SLOWEST) {
    [...cases].sort((a, b) => (refById.get(b.id)?.ms ?? 0) - (refById.get(a.id)?.ms ?? 0)).slice(0, Number(process.env.OH_DIFF_SLOWEST))
      .forEach((c) => p(`  ${refById.get(c.id)?.ms} ms ${ZONES[c.z].tz} ${JSON.stringify(values[c.v])}`));
  }
  p(`instants: ${minInstants} to ${Math.max(...cases.map((c) => c.instants.length))} per value and zone, ${cases.reduce((s, c) => s + c.instants.length, 0)} in all; ${elapsed.toFixed(1)} s`);
  p();
  p('acceptance (values; the reference as in Berlin where the value is evaluated there, else Asia/Shanghai, else its first zone)');
  const rows = [['reference', 'values', 'API accepts', 'API refuses']];
  for (const k of ['accepted', 'warned', 'refused']) rows.push([k === 'accepted' ? 'accepted, no warning' : k === 'warned' ? 'accepted with warnings' : 'refused', acceptance[k][0] + acceptance[k][1], api ? acceptance[k][0] : '-', api ? acceptance[k][1] : '-']);
  p(table(rows));
  const noSh = perValue.filter((x) => x.ref === 'no-sh-data').length;
  if (noSh) p(`  (${noSh} values with SH not evaluated in Berlin: the reference has no SH data elsewhere; not classed)`);
  const show = (title, list, fmt, n = 20) => {
    if (!list.length) return;
    p(); p(`${title}: ${list.length}${list.length > n ? ` (first ${n})` : ''}`);
    list.slice(0, n).forEach((x) => p(`  ${fmt(x)}`));
  };
  if (api) {
    show('REFUSED by the API though the reference accepts them without a warning (must be 0)', mustAccept, (x) => `${JSON.stringify(x.value)}: ${x.err}`, 100);
    show('refused by the API, accepted by the reference with warnings (reported, not failed)', refusedWarned, (x) => `${JSON.stringify(x.value)}: ${x.err} | reference: ${x.warnings[0]?.replace(/\s+/g, ' ').slice(0, 140)}`);
    show('accepted by the API, refused by the reference (reported, not failed)', acceptedRefused, (x) => `${JSON.stringify(x.value)} | reference: ${x.err.slice(0, 160)}`);
    show('values the API accepts in one zone and refuses in another', apiInconsistent, (x) => JSON.stringify(x));
  }
  p();
  p(`agreement over the ${pairs} (value, instant) pairs both sides accepted`
    + `; ${skippedSH.cases} (value, zone) cases with SH not run in zones the reference has no SH data for`
    + `${noShData ? `, ${noShData} pairs more the reference refused for that reason` : ''}`);
  const arows = [['field', 'agree', 'disagree', 'rate', 'threshold', '']];
  for (const f of fields) {
    const rate = pct(agree[f], compared[f]);
    const ok = rate >= THRESHOLDS[f];
    arows.push([f, agree[f], compared[f] - agree[f], fmtPct(rate), `${THRESHOLDS[f]} %`, api ? (ok ? 'ok' : 'FAIL') : '-']);
    if (api && !ok) failures.push(`${f} agreement ${fmtPct(rate)} is below ${THRESHOLDS[f]} %`);
  }
  p(table(arows));
  if (api) p(`  next_change against ${args.nextChange === 'state' ? "the reference's next state or comment change (its iterator's advance())" : "getNextChange (the next state change; the API's definition)"}, for information: ${fmtPct(pct(otherAgree, pairs))}`);
  p(`  variable-time pairs within ${VARIABLE_TOLERANCE_MS / 1000} s of a change and told apart only there: ${tolerated} (tolerated)`);
  if (refInstantErrors || refNextErrors) {
    p(`  pairs where the reference failed, left out: ${refInstantErrors} at the instant (all fields), ${refNextErrors} looking for the next change (next_change only)`);
    [...refErrorKinds.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5).forEach(([k, n]) => p(`    ${n} × ${k}`));
  }
  const zrows = [['zone', 'pairs', 'state', 'next_change', 'comment']];
  ZONES.forEach((z, i) => { const s = zoneStats[i]; zrows.push([z.tz, s.pairs, ...fields.map((f) => fmtPct(pct(s.agree[f], s.compared[f])))]); });
  if (api) { p(); p('by zone'); p(table(zrows)); }
  p();
  p(`deliberate differences (deliberate-differences.json): ${deliberate.entries.length} entries, ${deliberatePairs} pairs excluded from the rates`);
  deliberate.entries.forEach((e) => p(`  ${e.id}: ${e.values} values, ${e.pairs} pairs, ${e.disagreeing} of them disagreeing (${e.fields.join(', ')})`));

  if (api && pairs === 0) failures.push('no (value, instant) pair was compared');
  if (api && mustAccept.length) failures.push(`${mustAccept.length} values the reference accepts without a warning are refused by the API`);
  if (disagreements.length) {
    // The first disagreements, at most three per value so one broken construct does not fill the list.
    const perValueShown = new Map();
    const shown = disagreements.filter((d) => { const n = perValueShown.get(d.value) ?? 0; perValueShown.set(d.value, n + 1); return n < 3; }).slice(0, args.first);
    const distinct = new Set(disagreements.map((d) => d.value)).size;
    p(); p(`disagreements: ${disagreements.length >= 5000 ? '5000 or more' : disagreements.length} pairs over ${distinct} values; the first ${shown.length}:`);
    for (const d of shown) {
      p(`  ${JSON.stringify(d.value)} in ${d.zone.tz} at ${isoUtc(d.t)} (${isoLocal(d.zone.tz, d.t)}) [${d.wrong.join(', ')}]`);
      p(`      reference: ${fmtAnswer(d.zone, d.ref)}`);
      p(`      API:       ${fmtAnswer(d.zone, d.api)}`);
    }
  }
  if (args.out) {
    fs.writeFileSync(args.out, disagreements.map((d) => JSON.stringify({ value: d.value, tz: d.zone.tz, at: isoUtc(d.t), fields: d.wrong, reference: d.ref, api: { ...d.api, next_change: d.api.next_change == null ? null : isoUtc(d.api.next_change) } })).join('\n') + '\n');
    p(); p(`all disagreements written to ${args.out}`);
  }
  p();
  failures.slice(0, 20).forEach((f) => p(`FAIL: ${f}`));
  const verdict = !api ? 'reference only' : failures.length ? 'FAIL' : 'pass';
  p(`opening-hours: values ${values.length}, pairs ${pairs}, state ${fmtPct(pct(agree.state, compared.state))}, next_change ${fmtPct(pct(agree.next_change, compared.next_change))}, comment ${fmtPct(pct(agree.comment, compared.comment))}: ${verdict}`);
  console.log(out.join('\n'));
  process.exitCode = api && failures.length ? 1 : 0;
}

main().catch((e) => { console.error(`opening-hours: ${/required|unknown argument|needs a value|--next-change/.test(e?.message) ? e.message : e?.stack ?? e}`); process.exit(2); });

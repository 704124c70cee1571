// The reference side of the differential test: opening_hours.js evaluated in this process's local
// time zone (the parent starts one worker per zone with TZ=<zone>), reading JSON lines on stdin and
// answering one JSON line per request, in order.
//
//   {"op":"calendar","from":"2025-12-01","to":"2028-01-01"}
//     -> {"ph":{"2026-01-01":"元旦",...}|null,"ph_error":null|"...","sh":{...}|null,"sh_error":...}
//   {"op":"eval","id":"v1","value":"Mo-Fr 08:00-18:00","instants":[1767225600000,...]}
//     -> {"id":"v1","ok":true,"error":null,"warnings":[...],"results":[{"state":"open","next_change":ms|null,"comment":null},...]}
//
// The place (nominatim object: lat, lon, country code and state) comes from the environment
// (OH_PLACE, JSON): PH and SH come from the reference's own per-country data for that place, and
// sunrise/sunset from suncalc at its position.
import readline from 'node:readline';
import OpeningHours from 'opening_hours';

const given = JSON.parse(process.env.OH_PLACE ?? 'null');
if (!given) throw new Error('OH_PLACE (a nominatim object as JSON) is required');
// The reference reads the position only when lat and lon are strings (as Nominatim sends them;
// its type declarations say number): with numbers it silently uses fixed times (sunrise 06:00,
// sunset 18:00, dawn 05:30, dusk 18:30) instead of suncalc.
const place = { ...given, lat: String(given.lat), lon: String(given.lon) };
const options = { mode: 0, tag_key: 'opening_hours', warnings_severity: 4 };
const DAY_MS = 24 * 3600 * 1000;
const LOOKAHEAD_MS = 366 * DAY_MS;
// OH_VERIFY=1: also call getNextChange (and a fresh iterator) at every instant and report where
// they differ from the answers derived from the previous instant (a check of the derivation).
const VERIFY = process.env.OH_VERIFY === '1';

// The reference prints its own evaluation errors with console.error as well as throwing them; the
// thrown message is what we report, so keep stderr for real failures of this worker.
console.error = () => {};
console.warn = () => {};
console.log = () => {}; // answers go through process.stdout.write only

const pad = (n) => String(n).padStart(2, '0');
const localDate = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const parseLocal = (s) => { const [y, m, d] = s.split('-').map(Number); return new Date(y, m - 1, d); };

// Local dates on which the selector `keyword` (PH or SH) applies, with the name the reference gives
// them (its comment for the day), from its own data for this place.
function holidayDates(keyword, from, to) {
  let oh;
  try {
    oh = new OpeningHours(keyword, place, options);
  } catch (e) {
    return { dates: null, error: String(e?.message ?? e) };
  }
  const dates = {};
  for (const [start, end, , comment] of oh.getOpenIntervals(parseLocal(from), parseLocal(to))) {
    for (let d = new Date(start.getFullYear(), start.getMonth(), start.getDate()); d < end; d.setDate(d.getDate() + 1)) {
      dates[localDate(d)] = comment ?? keyword;
    }
  }
  return { dates, error: null };
}

/** The first instant after `fromMs`, before `limitMs`, at which the state or the comment changes
 * (the iterator's advance(): the contract's next_change), or null. */
function nextAnyChange(oh, fromMs, limitMs) {
  const it = oh.getIterator(new Date(fromMs));
  return it.advance(new Date(limitMs)) ? it.getDate().getTime() : null;
}

/** The first instant after `fromMs`, before `limitMs`, at which the state changes (the loop of
 * getNextChange, which skips comment-only boundaries), or null. */
function nextStateChange(oh, fromMs, limitMs) {
  const it = oh.getIterator(new Date(fromMs));
  const state = it.getState(); const unknown = it.getUnknown();
  const limit = new Date(limitMs);
  while (it.advance(limit)) {
    if (it.getState() !== state || it.getUnknown() !== unknown) return it.getDate().getTime();
  }
  return null;
}

function evaluate(value, instants, withWarnings) {
  let oh;
  try {
    oh = new OpeningHours(value, place, options);
  } catch (e) {
    return { ok: false, error: String(e?.message ?? e).split('\n')[0], warnings: [], results: [] };
  }
  let warnings = [];
  if (withWarnings) {
    try {
      warnings = oh.getWarnings();
    } catch (e) {
      // getWarnings looks years ahead and throws where the reference's SH data ends (it has school
      // holidays a few years out): the value is accepted, its warnings are unknown.
      warnings = [`(the reference could not compute its warnings: ${String(e?.message ?? e).split('\n')[0].slice(-120)})`];
    }
  }
  const results = [];
  const mismatches = [];
  let derived = 0;
  let prev = null; // the previous instant's answer (instants come sorted)
  for (const ms of instants) {
    const at = new Date(ms);
    let it; let state; let comment; let open0; let unknown0;
    try {
      // One evaluation of the instant: the iterator holds getState, getUnknown and getComment of
      // its start (all three are getStatePair(date) underneath), and its advance() is the scan.
      it = oh.getIterator(at);
      open0 = it.getState(); unknown0 = it.getUnknown();
      state = unknown0 ? 'unknown' : open0 ? 'open' : 'closed';
      comment = it.getComment() ?? null;
    } catch (e) {
      // The reference failing at an instant (a variable time it cannot place on the day, an
      // easter offset across the year, "infinite loop in nextChange") gives no answer to compare:
      // the harness counts such pairs apart.
      results.push({ state: null, next_change: null, next_state_change: null, comment: null, error: String(e?.message ?? e).split('\n')[0] });
      prev = null;
      continue;
    }
    try {
      const limit = new Date(ms + LOOKAHEAD_MS);
      let exhausted = false; let advanced = false;
      const step = () => {
        if (exhausted) return null;
        if (it.advance(limit)) return it.getDate().getTime();
        exhausted = true;
        return null;
      };
      // Both next changes of the previous instant carry over where nothing changed in between
      // (the reference steps through every rule boundary: a year's scan costs up to half a second
      // for some values, and 56 of them per case would bound the run time). Exact: the state (and
      // comment) is constant from the previous instant up to its next change, so an instant in
      // between has the same next change; and where there was none within 366 days of the previous
      // instant, only the stretch beyond that window is left to look at.
      const follows = prev && prev.ms <= ms && ms - prev.ms < LOOKAHEAD_MS;
      const next = {};
      if (follows && prev.state === state && prev.comment === comment && prev.next.any !== null && ms < prev.next.any) {
        next.any = prev.next.any; derived++;
      } else if (follows && prev.state === state && prev.comment === comment && prev.next.any === null) {
        next.any = nextAnyChange(oh, prev.ms + LOOKAHEAD_MS, ms + LOOKAHEAD_MS); derived++;
      } else {
        next.any = step(); advanced = true;
      }
      if (follows && prev.state === state && prev.next.state !== null && ms < prev.next.state) {
        next.state = prev.next.state;
      } else if (follows && prev.state === state && prev.next.state === null) {
        next.state = nextStateChange(oh, prev.ms + LOOKAHEAD_MS, ms + LOOKAHEAD_MS);
      } else {
        // getNextChange's loop: on from the first change until the state changes.
        let t = advanced ? next.any : step();
        while (t !== null && it.getState() === open0 && it.getUnknown() === unknown0) t = step();
        next.state = t;
      }
      if (VERIFY) {
        const direct = oh.getNextChange(at, new Date(ms + LOOKAHEAD_MS))?.getTime() ?? null;
        const first = oh.getIterator(at);
        const directAny = first.advance(new Date(ms + LOOKAHEAD_MS)) ? first.getDate().getTime() : null;
        if (direct !== next.state || directAny !== next.any) mismatches.push({ ms, direct, directAny, next });
      }
      results.push({ state, next_change: next.any, next_state_change: next.state, comment });
      prev = { ms, state, comment, next };
    } catch (e) {
      // State and comment known, the next change not (the failure lies ahead of the instant).
      results.push({ state, next_change: null, next_state_change: null, comment, next_error: String(e?.message ?? e).split('\n')[0] });
      prev = null;
    }
  }
  return { ok: true, error: null, warnings, derived, results, ...(VERIFY ? { mismatches } : {}) };
}

const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
const out = [];
const flush = () => { if (out.length) { process.stdout.write(out.join('')); out.length = 0; } };
rl.on('line', (line) => {
  if (!line.trim()) return;
  const req = JSON.parse(line);
  let res;
  const t0 = performance.now();
  try {
    res = answer(req);
    if (res.id) res.ms = Math.round(performance.now() - t0);
  } catch (e) {
    res = { id: req.id, ok: false, error: `reference worker failure: ${e?.message ?? e}`, worker_failure: true, warnings: [], results: [] };
  }
  out.push(JSON.stringify(res) + '\n');
  if (out.length >= 64 || req.op === 'calendar') flush();
});
rl.on('close', flush);

function answer(req) {
  let res;
  if (req.op === 'calendar') {
    const ph = holidayDates('PH', req.from, req.to);
    const sh = holidayDates('SH', req.from, req.to);
    res = { ph: ph.dates, ph_error: ph.error, sh: sh.dates, sh_error: sh.error };
  } else {
    res = { id: req.id, ...evaluate(req.value, req.instants, req.warnings === true) };
  }
  return res;
}

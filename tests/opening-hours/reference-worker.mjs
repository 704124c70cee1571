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

const place = JSON.parse(process.env.OH_PLACE ?? 'null');
if (!place) throw new Error('OH_PLACE (a nominatim object as JSON) is required');
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

/**
 * From `fromMs` (where the iterator's state is `(state, unknown, comment)`) up to `limitMs`: the first
 * instant the state or the comment changes (the iterator's advance(), the contract's next_change)
 * and the first the state changes (the loop of getNextChange, which skips comment-only
 * boundaries), each null when there is none before the limit.
 */
function scan(oh, fromMs, limitMs) {
  const it = oh.getIterator(new Date(fromMs));
  const state = it.getState(); const unknown = it.getUnknown();
  const limit = new Date(limitMs);
  let any = null;
  while (it.advance(limit)) {
    const t = it.getDate().getTime();
    if (any === null) any = t;
    if (it.getState() !== state || it.getUnknown() !== unknown) return { any, state: t };
  }
  return { any, state: null };
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
    try {
      const state = oh.getUnknown(at) ? 'unknown' : oh.getState(at) ? 'open' : 'closed';
      const comment = oh.getComment(at) ?? null;
      let next;
      const same = prev && prev.ms <= ms && prev.state === state && prev.comment === comment;
      if (same && prev.next.any !== null && ms < prev.next.any) {
        // Nothing changes between the previous instant and its next change, and this instant lies
        // in between: both next changes are the previous instant's. The answer getNextChange(ms,
        // ms + 366 d) gives, without scanning that stretch again (the reference steps through
        // every rule boundary, up to half a second a year for some values).
        // A state change beyond the previous instant's window may fall within this one's.
        next = prev.next.state !== null ? prev.next
          : { any: prev.next.any, state: scan(oh, prev.ms + LOOKAHEAD_MS, ms + LOOKAHEAD_MS).state };
        derived++;
      } else if (same && prev.next.any === null) {
        // Nothing changes within 366 days of the previous instant: look only beyond that window.
        next = scan(oh, prev.ms + LOOKAHEAD_MS, ms + LOOKAHEAD_MS); derived++;
      } else {
        next = scan(oh, ms, ms + LOOKAHEAD_MS);
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
      // An evaluation failure at one instant (e.g. a variable time on a polar day) is an answer of
      // its own; the comparison counts it as a disagreement, never as agreement.
      results.push({ state: 'error', next_change: null, next_state_change: null, comment: null, error: String(e?.message ?? e).split('\n')[0] });
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

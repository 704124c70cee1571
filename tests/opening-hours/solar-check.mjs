// Solar times of the API (`StationMap.Api.dll solar-times`, NOAA) against suncalc 2.0.2 (the
// package opening_hours.js computes sunrise, sunset, dawn and dusk with) on a grid of places,
// every fifth day of 2026: sunrise/sunset (−0.833°) and civil dawn/dusk (−6°) must agree within
// 60 s wherever both have the event that local day.
//
//   node tests/opening-hours/solar-check.mjs --dll PATH
import { getTimes } from 'suncalc';
import { isoDate, isoUtc, jsonLinesChild, localParts, zonedToUtc } from './lib.mjs';

const LIMIT_S = 60;
const PLACES = [
  { name: 'Hangzhou', lat: 30.2741, lon: 120.1551, tz: 'Asia/Shanghai' },
  { name: 'Harbin', lat: 45.8038, lon: 126.535, tz: 'Asia/Shanghai' },
  { name: 'Mohe', lat: 52.9726, lon: 122.5386, tz: 'Asia/Shanghai' },
  { name: 'Sanya', lat: 18.2528, lon: 109.512, tz: 'Asia/Shanghai' },
  { name: 'Lhasa', lat: 29.652, lon: 91.172, tz: 'Asia/Shanghai' },
  { name: 'Kashgar', lat: 39.4677, lon: 75.9938, tz: 'Asia/Shanghai' },
  { name: 'Urumqi', lat: 43.8256, lon: 87.6168, tz: 'Asia/Urumqi' },
  { name: 'Berlin', lat: 52.52, lon: 13.405, tz: 'Europe/Berlin' },
  { name: 'Tromsø', lat: 69.6492, lon: 18.9553, tz: 'Europe/Oslo' },
  { name: 'Reykjavík', lat: 64.1466, lon: -21.9426, tz: 'Atlantic/Reykjavik' },
  { name: 'New York', lat: 40.7128, lon: -74.006, tz: 'America/New_York' },
  { name: 'Sydney', lat: -33.8688, lon: 151.2093, tz: 'Australia/Sydney' },
];
const EVENTS = ['sunrise', 'sunset', 'dawn', 'dusk'];

function parseArgs(argv) {
  const args = { dll: null };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--dll') args.dll = argv[++i];
    else throw new Error(`unknown argument: ${argv[i]}`);
  }
  if (!args.dll) throw new Error('--dll PATH (the built StationMap.Api.dll) is required');
  return args;
}

/**
 * suncalc's event on the local date `date` in `tz`, or null: it answers for the solar day nearest
 * the instant it is given, so ask at local noon of that date and of the days either side and keep
 * the event that falls on the date (what opening_hours.js does, issue 377 of that project).
 */
function suncalcEvent(place, date, event) {
  const [y, mo, d] = date.split('-').map(Number);
  for (const offset of [0, -1, 1]) {
    const noon = zonedToUtc(place.tz, y, mo, d + offset, 12, 0);
    const t = getTimes(new Date(noon), place.lat, place.lon)[event];
    if (t instanceof Date && !Number.isNaN(t.getTime()) && isoDate(localParts(place.tz, t.getTime())) === date) return t.getTime();
  }
  return null;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const requests = [];
  for (const place of PLACES) {
    for (let day = 0; day < 365; day += 5) {
      const date = new Date(Date.UTC(2026, 0, 1 + day)).toISOString().slice(0, 10);
      requests.push({ place, date });
    }
  }
  const answers = [];
  const api = jsonLinesChild('dotnet', [args.dll, 'solar-times'], {
    name: 'StationMap.Api solar-times',
    env: { DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1', Logging__LogLevel__Default: 'Warning' },
    onLine: (line) => { try { answers.push(JSON.parse(line)); } catch { answers.push({ unparsable: line.slice(0, 200) }); } },
  });
  for (const r of requests) api.send({ date: r.date, lat: r.place.lat, lon: r.place.lon, tz: r.place.tz });
  api.end();
  const done = await api.done;

  const failures = [];
  if (done.code !== 0) failures.push(`solar-times exited with ${done.code}: ${done.stderr.slice(-500)}`);
  if (answers.length !== requests.length) failures.push(`solar-times answered ${answers.length} of ${requests.length} lines`);
  const diffs = { sunrise: [], sunset: [], dawn: [], dusk: [] };
  const oneSided = [];
  const worst = [];
  requests.forEach((r, i) => {
    const a = answers[i];
    if (!a || a.unparsable) return;
    if (a.date !== r.date) { failures.push(`answer ${i + 1} is for ${a.date}, asked ${r.date}`); return; }
    for (const ev of EVENTS) {
      const ref = suncalcEvent(r.place, r.date, ev);
      const got = a[ev] == null ? null : Date.parse(a[ev]);
      if (a[ev] != null && Number.isNaN(got)) { failures.push(`${r.place.name} ${r.date} ${ev}: not an instant: ${a[ev]}`); continue; }
      if (ref === null || got === null) {
        if ((ref === null) !== (got === null)) oneSided.push({ r, ev, ref, got });
        continue;
      }
      const d = Math.abs(got - ref) / 1000;
      diffs[ev].push(d);
      if (d > LIMIT_S) worst.push({ r, ev, ref, got, d });
    }
  });

  const rows = [['event', 'compared', 'max s', 'p95 s', 'mean s', 'over 60 s']];
  const all = [];
  for (const ev of EVENTS) {
    const xs = diffs[ev].slice().sort((a, b) => a - b);
    all.push(...xs);
    const p95 = xs.length ? xs[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))] : 0;
    rows.push([ev, xs.length, (xs.at(-1) ?? 0).toFixed(1), p95.toFixed(1), (xs.reduce((s, x) => s + x, 0) / (xs.length || 1)).toFixed(1), xs.filter((x) => x > LIMIT_S).length]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  console.log(`solar times: StationMap.Api solar-times vs suncalc 2.0.2, ${PLACES.length} places (${PLACES.map((p) => p.name).join(', ')}), every 5th day of 2026`);
  console.log(rows.map((r) => '  ' + r.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('   ')).join('\n'));
  if (oneSided.length) {
    console.log(`events only one side has that day: ${oneSided.length} (polar day or night, or a day the event moves across midnight)`);
    oneSided.slice(0, 10).forEach((o) => console.log(`  ${o.r.place.name} ${o.r.date} ${o.ev}: suncalc ${o.ref == null ? 'none' : isoUtc(o.ref)}, API ${o.got == null ? 'none' : isoUtc(o.got)}`));
    // Below the polar circles every event happens every day: an event missing there is a bug.
    const lowLat = oneSided.filter((o) => Math.abs(o.r.place.lat) < 60);
    if (lowLat.length) failures.push(`${lowLat.length} events one side lacks at places below 60° latitude`);
  }
  if (worst.length) {
    worst.sort((a, b) => b.d - a.d);
    console.log(`differences over ${LIMIT_S} s: ${worst.length} (largest first)`);
    worst.slice(0, 10).forEach((w) => console.log(`  ${w.r.place.name} ${w.r.date} ${w.ev}: suncalc ${isoUtc(Math.round(w.ref / 1000) * 1000)}, API ${isoUtc(w.got)} (${w.d.toFixed(0)} s)`));
    failures.push(`${worst.length} events differ by more than ${LIMIT_S} s`);
  }
  if (!all.length) failures.push('no event was compared (the API answered none)');
  failures.slice(0, 10).forEach((f) => console.log(`FAIL: ${f}`));
  all.sort((a, b) => a - b);
  const p95 = all.length ? all[Math.min(all.length - 1, Math.floor(all.length * 0.95))] : 0;
  console.log(`solar-times: places ${PLACES.length}, events ${all.length}, max ${(all.at(-1) ?? 0).toFixed(1)} s, p95 ${p95.toFixed(1)} s: ${failures.length ? 'FAIL' : 'pass'}`);
  process.exitCode = failures.length ? 1 : 0;
}

main().catch((e) => { console.error(`solar-times: ${e.stack ?? e}`); process.exit(2); });

// Shared helpers of the differential and solar checks: wall-clock time in an IANA zone (through
// Intl, so this process's own TZ does not matter) and a JSON-lines child process.
import { spawn } from 'node:child_process';
import readline from 'node:readline';

const formatters = new Map();
function formatter(zone) {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit', weekday: 'short',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** The wall clock in `zone` at UTC instant `ms`: {y, mo, d, h, mi, s, wd}. */
export function localParts(zone, ms) {
  const p = {};
  for (const { type, value } of formatter(zone).formatToParts(new Date(ms))) p[type] = value;
  return { y: +p.year, mo: +p.month, d: +p.day, h: +p.hour, mi: +p.minute, s: +p.second, wd: p.weekday };
}

/** The zone's offset from UTC at instant `ms`, in milliseconds. */
export function offsetMs(zone, ms) {
  const p = localParts(zone, ms);
  return Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s) - Math.floor(ms / 1000) * 1000;
}

/**
 * The UTC instant of a wall-clock time in `zone`. In a gap (spring forward) the time is read with
 * the offset before the switch, so it lands after the gap; in an overlap the earlier instant wins.
 * Both sides of the comparison are handed the resulting UTC instant, so the choice only decides
 * which instants are tested.
 */
export function zonedToUtc(zone, y, mo, d, h = 0, mi = 0) {
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  const before = offsetMs(zone, wall - 36 * 3600e3);
  const t1 = wall - before;
  const o1 = offsetMs(zone, t1);
  if (o1 === before) return t1;
  const t2 = wall - o1;
  return offsetMs(zone, t2) === o1 ? t2 : t1;
}

export const isoDate = (p) => `${p.y}-${String(p.mo).padStart(2, '0')}-${String(p.d).padStart(2, '0')}`;
export const isoUtc = (ms) => new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
export const isoLocal = (zone, ms) => {
  const p = localParts(zone, ms);
  return `${isoDate(p)} ${String(p.h).padStart(2, '0')}:${String(p.mi).padStart(2, '0')}:${String(p.s).padStart(2, '0')} ${p.wd}`;
};

/** UTC instants in [fromMs, toMs) at which the zone's offset changes (DST switches), to the second. */
export function offsetChanges(zone, fromMs, toMs) {
  const out = [];
  const step = 3600e3;
  let prev = offsetMs(zone, fromMs);
  for (let t = fromMs + step; t < toMs; t += step) {
    const o = offsetMs(zone, t);
    if (o !== prev) {
      let lo = t - step; let hi = t;
      while (hi - lo > 1000) { const mid = Math.floor((lo + hi) / 2000) * 1000; if (offsetMs(zone, mid) === prev) lo = mid; else hi = mid; }
      out.push(hi);
      prev = o;
    }
  }
  return out;
}

/**
 * A child process spoken to in JSON lines: `send(obj)` writes a line; answers are handed to
 * `onLine` in order. `done` resolves with the exit code once stdout has closed.
 */
export function jsonLinesChild(cmd, args, { env, onLine, name }) {
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (b) => { if (stderr.length < 20000) stderr += b; });
  child.stdin.on('error', () => {}); // a child that exits early is reported through `done`
  const rl = readline.createInterface({ input: child.stdout, crlfDelay: Infinity });
  rl.on('line', (line) => { if (line.trim()) onLine(line); });
  const done = new Promise((resolve) => {
    let closed = false; let code = null;
    const finish = () => { if (closed && code !== null) resolve({ code, stderr }); };
    rl.on('close', () => { closed = true; finish(); });
    child.on('exit', (c, signal) => { code = c ?? (signal ? 128 : 1); finish(); });
    child.on('error', (e) => { stderr += `\n${name}: ${e.message}`; code = 127; closed = true; finish(); });
  });
  return {
    child,
    done,
    send: (obj) => child.stdin.write(JSON.stringify(obj) + '\n'),
    end: () => child.stdin.end(),
  };
}

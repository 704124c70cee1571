// A grammar-driven generator of opening_hours values for the differential test: seeded and
// deterministic (the same seed gives the same corpus on every machine), covering every selector,
// modifier and separator of the OpenStreetMap specification, with case variations and a share of
// malformed values made by corrupting valid ones.

/** mulberry32: a small, fast, seeded PRNG (uniform in [0, 1)). */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit FNV-1a hash: seeds derived from a string (a value, a zone). */
export function hash32(s) {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const WEEKDAYS = ['Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa', 'Su'];
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const COMMENTS = [
  '午休', '无人值守', '暂停开放', '节假日照常', '电话预约', '仅限快递员', '冬季时间', '夏季时间',
  '春节休息', '周末值班', '临时关闭', '装修中', '需提前预约', '24小时自助', '请按门铃',
  'by appointment', 'call ahead', 'summer hours', 'closed for renovation', 'self service',
];

class Gen {
  constructor(seed) { this.r = rng(seed); }
  int(lo, hi) { return lo + Math.floor(this.r() * (hi - lo + 1)); }
  pick(xs) { return xs[Math.floor(this.r() * xs.length)]; }
  chance(p) { return this.r() < p; }
  /** pick by weight: [[weight, fn], ...] */
  weighted(options) {
    const total = options.reduce((s, [w]) => s + w, 0);
    let x = this.r() * total;
    for (const [w, f] of options) { if ((x -= w) < 0) return f(); }
    return options[options.length - 1][1]();
  }

  hhmm(h, m) { return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`; }
  minute() { return this.weighted([[6, () => 0], [3, () => 30], [2, () => this.pick([15, 45])], [1, () => this.int(0, 59)]]); }
  clock(lo = 0, hi = 23) { return { h: this.int(lo, hi), m: this.minute() }; }

  year() {
    return this.weighted([
      [4, () => String(this.int(2025, 2027))],
      [3, () => `${this.int(2024, 2026)}-${this.int(2026, 2030)}`],
      [1, () => `${this.int(2020, 2026)}-${this.int(2027, 2040)}/${this.int(2, 4)}`],
      [1, () => `${this.int(2026, 2027)}+`],
    ]);
  }

  month() {
    return this.weighted([
      [3, () => this.pick(MONTHS)],
      [4, () => { const a = this.int(0, 11); const b = this.int(0, 11); return `${MONTHS[a]}-${MONTHS[b]}`; }],
      [1, () => `${this.pick(MONTHS)},${this.pick(MONTHS)}`],
    ]);
  }

  day(month) { return String(this.int(1, MONTH_DAYS[month])).padStart(2, '0'); }

  monthDay() {
    const m = this.int(0, 11);
    return this.weighted([
      [3, () => `${MONTHS[m]} ${this.day(m)}`],
      [2, () => { const d = this.int(1, MONTH_DAYS[m] - 2); return `${MONTHS[m]} ${String(d).padStart(2, '0')},${String(d + 1).padStart(2, '0')}`; }],
      [2, () => { const d = this.int(1, MONTH_DAYS[m] - 3); return `${MONTHS[m]} ${String(d).padStart(2, '0')}-${String(this.int(d + 1, MONTH_DAYS[m])).padStart(2, '0')}`; }],
      [3, () => { const m2 = this.int(0, 11); return `${MONTHS[m]} ${this.day(m)}-${MONTHS[m2]} ${this.day(m2)}`; }],
      [1, () => `${this.int(2026, 2027)} ${MONTHS[m]} ${this.day(m)}`],
      [1, () => { const y = this.int(2025, 2026); const m2 = this.int(0, 11); return `${y} ${MONTHS[m]} ${this.day(m)}-${y + 1} ${MONTHS[m2]} ${this.day(m2)}`; }],
      [1, () => this.pick(['easter', 'easter -2 days', 'easter +1 day'])],
      [1, () => `${MONTHS[m]} ${this.day(m)}+`],
    ]);
  }

  week() {
    const a = this.int(1, 52);
    return 'week ' + this.weighted([
      [3, () => `${String(a).padStart(2, '0')}-${String(this.int(a, 53)).padStart(2, '0')}`],
      [2, () => `${this.pick(['1', '01', '2'])}-53/${this.int(2, 4)}`],
      [1, () => `${String(a).padStart(2, '0')}`],
      [1, () => `${a},${Math.min(53, a + this.int(1, 10))}`],
    ]);
  }

  nth() {
    return this.weighted([
      [3, () => `[${this.int(1, 4)}]`],
      [2, () => '[-1]'],
      [2, () => `[1,3]`],
      [1, () => `[2,4]`],
      [1, () => `[1-2]`],
      [1, () => `[${this.pick(['-2', '5'])}]`],
    ]);
  }

  weekdayItem() {
    return this.weighted([
      [4, () => this.pick(WEEKDAYS)],
      [6, () => { const a = this.int(0, 6); const b = this.int(0, 6); return `${WEEKDAYS[a]}-${WEEKDAYS[b]}`; }],
      [2, () => this.pick(WEEKDAYS) + this.nth()],
      [1, () => `${this.pick(WEEKDAYS)}${this.nth()} ${this.pick(['-1 day', '+1 day', '+2 days'])}`],
    ]);
  }

  weekdays() {
    return this.weighted([
      [8, () => this.weekdayItem()],
      [3, () => `${this.weekdayItem()},${this.weekdayItem()}`],
      [3, () => this.pick(['PH', 'SH', 'PH,SH', 'SH,PH'])],
      [3, () => this.pick([`${this.weekdayItem()},PH`, `PH,${this.weekdayItem()}`, `${this.weekdayItem()},SH`])],
      [1, () => `SH ${this.weekdayItem()}`],
      [1, () => `PH ${this.weekdayItem()}`],
      [1, () => this.pick(['PH +1 day', 'PH -1 day'])],
    ]);
  }

  variableTime() {
    const ev = this.pick(['sunrise', 'sunset', 'dawn', 'dusk']);
    return this.chance(0.5) ? ev : `(${ev}${this.pick(['+', '-'])}${this.hhmm(this.int(0, 2), this.pick([0, 15, 30, 45]))})`;
  }

  timeSpan() {
    return this.weighted([
      [10, () => { const a = this.clock(0, 22); const b = this.clock(a.h + 1, 23); return `${this.hhmm(a.h, a.m)}-${this.hhmm(b.h, b.m)}`; }],
      [3, () => { const a = this.clock(17, 23); const b = this.clock(0, 5); return `${this.hhmm(a.h, a.m)}-${this.hhmm(b.h, b.m)}`; }],
      [2, () => { const a = this.clock(12, 23); return `${this.hhmm(a.h, a.m)}-${this.hhmm(this.int(24, 30), this.pick([0, 30]))}`; }],
      [1, () => this.pick(['00:00-24:00', '00:00-48:00', '12:00-36:00', '22:00-26:00', '00:00-00:00'])],
      [2, () => { const a = this.clock(6, 22); return `${this.hhmm(a.h, a.m)}+`; }],
      [1, () => { const a = this.clock(6, 18); const b = this.clock(a.h + 1, 23); return `${this.hhmm(a.h, a.m)}-${this.hhmm(b.h, b.m)}+`; }],
      [3, () => { const a = this.variableTime(); const b = this.pick(['sunset', 'dusk', '(sunset+01:00)', '(sunset-00:30)', '20:00', '18:00', '22:00']); return `${a}-${b}`; }],
      [2, () => `${this.hhmm(this.int(5, 9), this.minute())}-${this.variableTime()}`],
    ]);
  }

  times() {
    return this.weighted([
      [6, () => this.timeSpan()],
      [3, () => {
        // lunch breaks: two spans of one day
        const a = this.int(6, 9); const b = this.int(11, 12); const c = b + this.int(1, 2); const d = this.int(16, 21);
        return `${this.hhmm(a, this.minute())}-${this.hhmm(b, this.minute())},${this.hhmm(c, this.minute())}-${this.hhmm(d, this.minute())}`;
      }],
      [1, () => `${this.timeSpan()},${this.timeSpan()},${this.timeSpan()}`],
    ]);
  }

  modifier() {
    return this.weighted([
      [10, () => ''],
      [2, () => 'open'],
      [3, () => 'off'],
      [2, () => 'closed'],
      [2, () => 'unknown'],
    ]);
  }

  comment() { return `"${this.pick(COMMENTS)}"`; }

  wideSelectors() {
    const parts = [];
    if (this.chance(0.12)) parts.push(this.year());
    const k = this.weighted([[5, () => 'none'], [3, () => 'month'], [3, () => 'monthday'], [2, () => 'week']]);
    if (k === 'month') parts.push(this.month());
    else if (k === 'monthday') parts.push(this.monthDay());
    else if (k === 'week') parts.push(this.week());
    if (this.chance(0.05) && k === 'week') parts.push(this.month());
    if (!parts.length) return '';
    return parts.join(' ') + (this.chance(0.5) ? ':' : '');
  }

  rule() {
    if (this.chance(0.06)) return this.weighted([[3, () => '24/7'], [2, () => `24/7 ${this.comment()}`], [1, () => `24/7 ${this.pick(['off', 'unknown'])}`], [2, () => this.comment()]]);
    const parts = [];
    const wide = this.wideSelectors();
    if (wide) parts.push(wide);
    const hasDays = this.chance(0.8);
    if (hasDays) parts.push(this.weekdays());
    const mod = this.modifier();
    const hasTimes = mod === 'off' || mod === 'closed' ? this.chance(0.4) : this.chance(0.9) || !parts.length;
    if (hasTimes) parts.push(this.times());
    if (mod) parts.push(mod);
    if (this.chance(0.2) || (!hasTimes && !mod && !parts.length)) parts.push(this.comment());
    return parts.join(' ') || '24/7';
  }

  value() {
    const n = this.weighted([[5, () => 1], [5, () => 2], [2, () => 3], [0.5, () => 4]]);
    let v = this.rule();
    for (let i = 1; i < n; i++) {
      const sep = this.weighted([[8, () => '; '], [2, () => ', '], [2, () => ' || ']]);
      v += sep + this.rule();
    }
    return this.chance(0.1) ? this.caseVariation(v) : v;
  }

  /** weekday, month and keyword names in lower or upper case (the reference normalises them). */
  caseVariation(v) {
    const f = this.pick([(s) => s.toLowerCase(), (s) => s.toUpperCase()]);
    return v.replace(/"[^"]*"|[A-Za-z]+/g, (w) => (w.startsWith('"') ? w : f(w)));
  }

  /** a valid value corrupted once: typos, bad times, dangling separators, unbalanced quotes. */
  malformed() {
    const v = this.value();
    const corrupt = this.pick([
      (s) => s.replace(/Mo|Tu|We|Th|Fr|Sa|Su/, (w) => this.pick(['Mx', 'Mon', 'Fri', 'Tue', 'Thur', 'Satur', w + 'o'])),
      (s) => s.replace(/Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec/, (w) => this.pick(['Janu', 'Febr', 'Mrz', 'Sept', 'Dez', w + 'x'])),
      (s) => s.replace(/\d\d:\d\d/, () => this.pick(['25:00', '08:60', '8:00', '08.00', '0800', '08:0', '99:99', '08h00', '8'])),
      (s) => s + this.pick([';', ';;', ',', ' ||', '; ', ' -']),
      (s) => this.pick([';', ',', '|| ']) + s,
      (s) => s.replace(/"/, '') === s ? `${s} "${this.pick(COMMENTS)}` : s.replace(/"/, ''),
      (s) => s.replace(/-/, this.pick(['--', '–', ' to ', '~'])),
      (s) => s.replace(/ /, this.pick(['', '  ', ':'])),
      (s) => s.replace(/\d\d:\d\d-\d\d:\d\d/, (t) => t.split('-').reverse().join('-') + '-'),
      (s) => `${s} ${this.pick(['open open', 'off on', 'xyz', '???', '[1]', 'week'])}`,
      (s) => s.replace(/[a-z]/i, (c) => c + this.pick(['#', '@', '%'])),
      (s) => this.pick(['', ' ', ';', '24/8', '7/24', 'Mo-Fr 08:00-18:00 Sa', 'sunrise-', '(sunrise-00:30', 'Mo[0] 10:00-12:00', 'week 54 Mo 10:00-12:00', 'Feb 30 off', 'Mo-Fr 8-18']),
    ]);
    return corrupt(v);
  }
}

/**
 * The generated corpus: `count` values (default 2,000), about one in eight malformed, deduplicated,
 * in a stable order. The same seed gives the same list.
 */
export function generateCorpus({ seed = 20260101, count = 2000 } = {}) {
  const g = new Gen(seed);
  const seen = new Set();
  const out = [];
  for (let guard = 0; out.length < count && guard < count * 20; guard++) {
    const v = g.chance(0.12) ? g.malformed() : g.value();
    if (seen.has(v)) continue;
    seen.add(v);
    out.push(v);
  }
  return out;
}

// `node generator.mjs [COUNT] [SEED]` prints the corpus, one value a line (to read it or to make a
// held-out file from another seed).
if (import.meta.url === `file://${process.argv[1]}`) {
  const count = Number(process.argv[2] ?? 2000);
  const seed = Number(process.argv[3] ?? 20260101);
  for (const v of generateCorpus({ seed, count })) process.stdout.write(v.replace(/\n/g, ' ') + '\n');
}

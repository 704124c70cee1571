// The differential harness's own parts: the generated corpus covers the grammar and is the same on
// every run, and wall-clock times map to the right UTC instants across DST switches.
import assert from 'node:assert/strict';
import test from 'node:test';
import { generateCorpus } from './generator.mjs';
import { isoUtc, offsetChanges, zonedToUtc } from './lib.mjs';

const corpus = generateCorpus();

test('The generated corpus has 2,000 distinct values and is the same on every run', () => {
  assert.equal(corpus.length, 2000);
  assert.equal(new Set(corpus).size, 2000);
  assert.deepEqual(generateCorpus().slice(0, 50), corpus.slice(0, 50));
  assert.notDeepEqual(generateCorpus({ seed: 7 }).slice(0, 50), corpus.slice(0, 50));
});

test('The generated corpus covers every part of the grammar', () => {
  const share = (re) => corpus.filter((v) => re.test(v)).length;
  const constructs = {
    'year': /\b20\d\d\b/, 'year range with step': /\b20\d\d-20\d\d\/\d/, 'year open end': /\b20\d\d\+/,
    'month range': /\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b/i,
    'wide-range colon': /\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|week \S+|\d\d):(?!\d)/i,
    'month-day list': /\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d\d,\d\d\b/i,
    'month-day range': /\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d\d-(\d\d|(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d\d)/i,
    'easter': /easter/i, 'week': /\bweek \d/i, 'week step': /\bweek \d+-\d+\/\d/i,
    'nth weekday': /\b(Mo|Tu|We|Th|Fr|Sa|Su)\[\d\]/i, 'last weekday': /\[-1\]/, 'nth list': /\[1,3\]/,
    'day offset': /[+-]\d days?\b/i, 'PH': /\bPH\b/i, 'SH': /\bSH\b/i, 'PH with weekdays': /\bPH,(Mo|Tu|We|Th|Fr|Sa|Su)|(Mo|Tu|We|Th|Fr|Sa|Su),PH\b/i,
    'overnight': /\b(1[7-9]|2[0-3]):\d\d-0[0-5]:\d\d/, 'extended': /-(2[4-9]|3\d|48):\d\d/, 'open end': /\d\d:\d\d\+/,
    'variable time': /\b(sunrise|sunset|dawn|dusk)\b/i, 'variable offset': /\((sunrise|sunset|dawn|dusk)[+-]\d\d:\d\d\)/i,
    'lunch break': /\d\d:\d\d-\d\d:\d\d,\d\d:\d\d-\d\d:\d\d/, '24/7': /24\/7/,
    'open': /\bopen\b/i, 'off': /\boff\b/i, 'closed': /\bclosed\b/i, 'unknown': /\bunknown\b/i,
    'comment': /"[^"]+"/, 'Chinese comment': /"[\u4e00-\u9fff]/, "';'": /; /, "','": /, [A-Za-z0-9"]/, "'||'": / \|\| /,
    'lower case': /\b(mo|tu|we|th|fr|sa|su|jan|ph)\b/, 'upper case': /\b(MO|TU|WE|TH|FR|SA|SU|JAN|FEB|OFF|OPEN)\b/,
  };
  const missing = Object.entries(constructs).filter(([, re]) => share(re) < 10).map(([k, re]) => `${k} (${share(re)})`);
  assert.deepEqual(missing, [], `constructs with fewer than 10 values: ${missing.join(', ')}`);
  const unbalanced = corpus.filter((v) => (v.match(/"/g) ?? []).length % 2 === 1).length;
  const malformed = share(/Mx|Mon\b|Fri\b|Janu|Sept|25:00|08:60|99:99|08\.00|;;|(;|,|\|\|) *$|^[;,|]|--|–|~| to |#|@|%|7\/24|24\/8|\bxyz\b|\?\?\?/);
  assert.ok(unbalanced >= 10, `values with unbalanced quotes: ${unbalanced}`);
  assert.ok(malformed >= 100, `values with a recognisable corruption: ${malformed}`);
});

test('Wall-clock times map to UTC across the DST switches of Berlin and New York', () => {
  assert.equal(isoUtc(zonedToUtc('Asia/Shanghai', 2026, 2, 17, 0, 0)), '2026-02-16T16:00:00Z');
  assert.equal(isoUtc(zonedToUtc('Asia/Urumqi', 2026, 2, 17, 0, 0)), '2026-02-16T18:00:00Z');
  assert.equal(isoUtc(zonedToUtc('Europe/Berlin', 2026, 3, 29, 12, 0)), '2026-03-29T10:00:00Z');
  // In the gap (02:00-03:00 does not exist) the time lands after it; in the overlap the earlier one wins.
  assert.equal(isoUtc(zonedToUtc('Europe/Berlin', 2026, 3, 29, 2, 30)), '2026-03-29T01:30:00Z');
  assert.equal(isoUtc(zonedToUtc('Europe/Berlin', 2026, 10, 25, 2, 30)), '2026-10-25T00:30:00Z');
  assert.equal(isoUtc(zonedToUtc('America/New_York', 2026, 11, 1, 12, 0)), '2026-11-01T17:00:00Z');
  assert.deepEqual(offsetChanges('Europe/Berlin', Date.UTC(2026, 0, 1), Date.UTC(2027, 0, 1)).map(isoUtc),
    ['2026-03-29T01:00:00Z', '2026-10-25T01:00:00Z']);
  assert.deepEqual(offsetChanges('America/New_York', Date.UTC(2026, 0, 1), Date.UTC(2027, 0, 1)).map(isoUtc),
    ['2026-03-08T07:00:00Z', '2026-11-01T06:00:00Z']);
  assert.deepEqual(offsetChanges('Asia/Shanghai', Date.UTC(2026, 0, 1), Date.UTC(2027, 0, 1)), []);
});

import { describe, expect, it } from 'vitest';
import { crowdingDay, formatRanges, peakRanges, profileFrom, todayWeekday } from './crowding.js';

const WEEK = ['Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa', 'Su'];
function profile() {
  const scores = WEEK.map(() => Array(24).fill(null));
  const samples = WEEK.map(() => Array(24).fill(0));
  // Tuesday: lunch and dinner peaks, a quiet morning.
  Object.assign(scores[1], { 8: 0.2, 11: 1.6, 12: 1.9, 13: 1.5, 14: 0.9, 18: 1.7 });
  Object.assign(samples[1], { 8: 3, 11: 6, 12: 9, 13: 5, 14: 4, 18: 7 });
  return { window_days: 56, weekdays: WEEK, scores, samples };
}

describe('crowdingDay', () => {
  it('gives the 24 hours of a weekday with null where check-ins are too few', () => {
    const day = crowdingDay(profile(), 'Tu');
    expect(day).toHaveLength(24);
    expect(day[12]).toEqual({ hour: 12, score: 1.9, samples: 9 });
    expect(day[3]).toEqual({ hour: 3, score: null, samples: 0 });
    expect(crowdingDay(profile(), 'Mo').every((d) => d.score == null)).toBe(true);
    expect(crowdingDay(null, 'Mo').every((d) => d.score == null)).toBe(true);
  });
});

describe('peakRanges', () => {
  it('joins consecutive usually-full hours into ranges', () => {
    const ranges = peakRanges(crowdingDay(profile(), 'Tu'));
    expect(ranges).toEqual([[11, 13], [18, 18]]);
    expect(formatRanges(ranges, 'zh')).toBe('11–13 时、18 时');
    expect(formatRanges(ranges, 'en')).toBe('11–13 h, 18 h');
  });

  it('has no peak on a quiet day', () => {
    expect(peakRanges(crowdingDay(profile(), 'Mo'))).toEqual([]);
  });
});

describe('profileFrom', () => {
  it('reads the profile from a /stats/crowding list, a single answer or a /live answer', () => {
    const p = profile();
    expect(profileFrom({ items: [{ station_id: 3, typical_profile: p }, { station_id: 4, typical_profile: null }] }, 3)).toBe(p);
    expect(profileFrom({ stations: [{ station_id: 3, ...p }] }, 3).scores).toBe(p.scores);
    expect(profileFrom({ station_id: 3, live: {}, typical_profile: p }, 3)).toBe(p);
    expect(profileFrom({ items: [] }, 3)).toBeNull();
  });
});

describe('todayWeekday', () => {
  it('is the weekday in Shanghai, not the machine zone', () => {
    // 2026-12-01 17:00 UTC is Wednesday 01:00 in Shanghai.
    expect(todayWeekday(new Date('2026-12-01T17:00:00Z'))).toBe('We');
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  addDays, isoToWallTime, nextHourWallTime, openAtFilter, presetAt, wallTimeToIso, zoneDay,
} from './openAt.js';

describe('"open at" instants in the stations\' zone', () => {
  it('tonight 23:00 and tomorrow 07:00 from today in Shanghai', () => {
    const now = new Date('2026-12-01T04:00:00Z'); // 12:00 in Shanghai
    expect(presetAt('tonight', now)).toBe('2026-12-01T23:00:00+08:00');
    expect(presetAt('morning', now)).toBe('2026-12-02T07:00:00+08:00');
  });

  it('takes the date in Shanghai, not in UTC, across the date boundary', () => {
    // 17:30 UTC on Dec 1 is already 01:30 on Dec 2 in Shanghai.
    const afterMidnight = new Date('2026-12-01T17:30:00Z');
    expect(presetAt('tonight', afterMidnight)).toBe('2026-12-02T23:00:00+08:00');
    expect(presetAt('morning', afterMidnight)).toBe('2026-12-03T07:00:00+08:00');
    // 15:59 UTC is 23:59 on Dec 1 in Shanghai: still Dec 1.
    expect(presetAt('tonight', new Date('2026-12-01T15:59:00Z'))).toBe('2026-12-01T23:00:00+08:00');
    expect(presetAt('morning', new Date('2026-12-31T16:30:00Z'))).toBe('2027-01-02T07:00:00+08:00');
  });

  it('rolls over months and years', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(presetAt('morning', new Date('2026-12-31T04:00:00Z'))).toBe('2027-01-01T07:00:00+08:00');
  });

  it('a picked wall time gets the zone\'s offset, including a zone with daylight saving', () => {
    expect(wallTimeToIso('2026-12-02T23:00')).toBe('2026-12-02T23:00:00+08:00');
    expect(wallTimeToIso('2026-07-01T09:30', 'Europe/Berlin')).toBe('2026-07-01T09:30:00+02:00');
    expect(wallTimeToIso('2026-12-01T09:30', 'Europe/Berlin')).toBe('2026-12-01T09:30:00+01:00');
    expect(() => wallTimeToIso('tomorrow')).toThrow(RangeError);
  });

  it('an instant back to the picker\'s wall time, and the picker\'s first value', () => {
    expect(isoToWallTime('2026-12-02T15:00:00Z')).toBe('2026-12-02T23:00');
    expect(nextHourWallTime(new Date('2026-12-01T15:20:00Z'))).toBe('2026-12-02T00:00');
  });

  it('the filter part of each choice; now clears the instant', () => {
    const now = new Date('2026-12-01T04:00:00Z');
    expect(openAtFilter('now', { now })).toEqual({ atChoice: null, at: null });
    expect(openAtFilter('tonight', { now })).toEqual({ atChoice: 'tonight', at: '2026-12-01T23:00:00+08:00' });
    expect(openAtFilter('custom', { now, wall: '2026-12-05T06:15' })).toEqual({ atChoice: 'custom', at: '2026-12-05T06:15:00+08:00' });
  });

});

describe('in a browser whose zone is not Shanghai', () => {
  const saved = process.env.TZ;
  beforeEach(() => { process.env.TZ = 'America/Los_Angeles'; });
  afterEach(() => { process.env.TZ = saved; });

  it('still means 23:00 and 07:00 in Shanghai, on Shanghai\'s date', () => {
    // 09:00 on Dec 1 in Los Angeles is 01:00 on Dec 2 in Shanghai.
    const now = new Date('2026-12-01T17:00:00Z');
    expect(new Date(2026, 11, 1).getTimezoneOffset()).toBe(480); // the zone really changed
    expect(now.getDate()).toBe(1);
    expect(zoneDay(now)).toBe('2026-12-02');
    expect(presetAt('tonight', now)).toBe('2026-12-02T23:00:00+08:00');
    expect(presetAt('morning', now)).toBe('2026-12-03T07:00:00+08:00');
    expect(wallTimeToIso('2026-12-02T23:00')).toBe('2026-12-02T23:00:00+08:00');
    expect(isoToWallTime('2026-12-02T23:00:00+08:00')).toBe('2026-12-02T23:00');
  });
});

import { describe, expect, it } from 'vitest';
import { formatDistance, formatShortDate, formatVerified, haversineMeters, localParts, offsetParts, openBadge } from './format.js';

describe('formatDistance', () => {
  it('shows metres rounded to 10 under a kilometre', () => {
    expect(formatDistance(0, 'zh')).toBe('0 米');
    expect(formatDistance(7.4, 'en')).toBe('7 m');
    expect(formatDistance(354, 'zh')).toBe('350 米');
    expect(formatDistance(355, 'en')).toBe('360 m');
    expect(formatDistance(994, 'en')).toBe('990 m');
  });

  it('switches to kilometres with one decimal from 1 km', () => {
    expect(formatDistance(995, 'en')).toBe('1.0 km');
    expect(formatDistance(1234, 'zh')).toBe('1.2 公里');
    expect(formatDistance(9940, 'en')).toBe('9.9 km');
  });

  it('drops the decimal from 10 km', () => {
    expect(formatDistance(9960, 'en')).toBe('10 km');
    expect(formatDistance(12345, 'zh')).toBe('12 公里');
  });

  it('returns nothing for a missing or negative distance', () => {
    expect(formatDistance(undefined, 'zh')).toBe('');
    expect(formatDistance(-1, 'zh')).toBe('');
  });
});

describe('haversineMeters', () => {
  it('is zero for the same point and ~111 km per degree of latitude', () => {
    expect(haversineMeters([120.16, 30.27], [120.16, 30.27])).toBe(0);
    expect(haversineMeters([120, 30], [120, 31])).toBeCloseTo(111195, -2);
  });

  it('shrinks longitude degrees by cos(latitude)', () => {
    const d = haversineMeters([120, 30], [121, 30]);
    expect(d).toBeGreaterThan(96000);
    expect(d).toBeLessThan(96500);
  });
});

describe('openBadge', () => {
  // 2026-11-22 10:00 in Shanghai (UTC+8) is 02:00 UTC.
  const now = new Date('2026-11-22T02:00:00Z');
  const base = { time_zone: 'Asia/Shanghai', status: 'open' };

  it('says when an open station closes today, in the station time zone', () => {
    const b = openBadge({ ...base, open_state: { state: 'open', next_change: '2026-11-22T20:00:00+08:00' } }, 'zh', now);
    expect(b).toEqual({ state: 'open', label: '营业中', detail: '20:00 关门' });
  });

  it('says tomorrow for a change on the next local day', () => {
    const b = openBadge({ ...base, open_state: { state: 'closed', next_change: '2026-11-23T08:00:00+08:00' } }, 'en', now);
    expect(b).toEqual({ state: 'closed', label: 'Closed', detail: 'opens tomorrow 08:00' });
  });

  it('names the weekday for a change later in the week', () => {
    const b = openBadge({ ...base, open_state: { state: 'closed', next_change: '2026-11-25T08:30:00+08:00' } }, 'zh', now);
    expect(b.detail).toBe('周三 08:30 开门');
  });

  it('uses local day boundaries, not UTC ones', () => {
    // 23:30 Shanghai on the 22nd is 15:30 UTC on the 22nd; 00:30 Shanghai on the 23rd is still the 22nd in UTC.
    const late = new Date('2026-11-22T15:30:00Z');
    const b = openBadge({ ...base, open_state: { state: 'open', next_change: '2026-11-23T00:30:00+08:00' } }, 'en', late);
    expect(b.detail).toBe('closes tomorrow 00:30');
  });

  it('shows unknown as unknown with no next change', () => {
    const b = openBadge({ ...base, open_state: { state: 'unknown', next_change: null } }, 'zh', now);
    expect(b).toEqual({ state: 'unknown', label: '时间未知', detail: '' });
  });

  it('treats a missing open_state as unknown, not as closed', () => {
    expect(openBadge({ ...base }, 'en', now).state).toBe('unknown');
  });

  it('gives the reason for a temporarily closed station', () => {
    const b = openBadge({ ...base, status: 'temporarily_closed', open_state: { state: 'closed', next_change: null } }, 'zh', now);
    expect(b).toEqual({ state: 'closed', label: '暂停开放', detail: '' });
  });
});

describe('openBadge without Intl', () => {
  /** An instant written as the API writes it: in the zone's own offset at that instant. */
  function inZone(date, timeZone) {
    const p = localParts(date, timeZone);
    const offset = Math.round((Date.parse(`${p.day}T${p.time}:00Z`) - Math.floor(date.getTime() / 60000) * 60000) / 60000);
    const sign = offset < 0 ? '-' : '+';
    const abs = Math.abs(offset);
    return `${p.day}T${p.time}:00${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  }

  it('reads the parts of an instant written in its offset from the text', () => {
    expect(offsetParts('2026-12-02T11:30:00+08:00')).toEqual({ day: '2026-12-02', weekday: 'We', time: '11:30', offsetMinutes: 480 });
    expect(offsetParts('2026-03-08T01:59:00.1234567-05:00')).toEqual({ day: '2026-03-08', weekday: 'Su', time: '01:59', offsetMinutes: -300 });
    expect(offsetParts('2026-12-02T03:30:00Z')).toBeNull();
    expect(offsetParts(null)).toBeNull();
  });

  it('gives what Intl gives, in zones with and without daylight saving, across their changes', () => {
    const zones = ['Asia/Shanghai', 'America/New_York', 'Europe/Berlin', 'Australia/Lord_Howe', 'Asia/Kathmandu'];
    // Every 97 minutes through the weeks around 2026's changes of offset, next changes up to 3 days on.
    const starts = ['2026-03-06T00:00:00Z', '2026-03-27T00:00:00Z', '2026-04-03T00:00:00Z', '2026-10-23T00:00:00Z', '2026-10-30T00:00:00Z', '2026-11-19T00:00:00Z'];
    let checked = 0;
    for (const timeZone of zones) {
      for (const start of starts) {
        for (let i = 0; i < 160; i += 1) {
          const at = new Date(Date.parse(start) + i * 97 * 60000);
          const now = new Date(at.getTime() + ((i * 7919) % 3600) * 1000);
          const next = new Date(at.getTime() + (((i * 104729) % 72) + 1) * 3600000 + 30 * 60000);
          const station = { time_zone: timeZone, status: 'open', open_state: { state: i % 2 ? 'open' : 'closed', next_change: inZone(next, timeZone), at: inZone(at, timeZone) } };
          const withIntl = { ...station, open_state: { ...station.open_state, at: null } };
          expect(openBadge(station, 'en', now)).toEqual(openBadge(withIntl, 'en', now));
          checked += 1;
        }
      }
    }
    expect(checked).toBe(zones.length * starts.length * 160);
  });

  it('asks Intl when the next change is written in another offset than the evaluated instant', () => {
    // New York falls back at 2026-11-01 02:00 EDT → 01:00 EST. Now is 00:45 EDT on the 1st; read
    // at the next change's offset (EST) it would be 23:45 on the 31st, and the close "tomorrow".
    const station = { time_zone: 'America/New_York', status: 'open', open_state: { state: 'open', next_change: '2026-11-01T23:30:00-05:00', at: '2026-11-01T00:30:00-04:00' } };
    expect(openBadge(station, 'en', new Date('2026-11-01T04:45:00Z')).detail).toBe('closes 23:30');
  });
});

describe('formatVerified', () => {
  const now = new Date('2026-11-22T02:00:00Z');
  it('shows the local date and how long ago', () => {
    expect(formatVerified('2026-11-20T03:00:00Z', 'zh', now)).toBe('2026-11-20 · 2 天前');
    expect(formatVerified('2026-11-22T01:00:00Z', 'en', now)).toBe('2026-11-22 · today');
    expect(formatVerified('2026-11-21T01:00:00Z', 'en', now)).toBe('2026-11-21 · yesterday');
    expect(formatVerified('2026-06-01T01:00:00Z', 'en', now)).toBe('2026-06-01 · 5 months ago');
  });

  it('returns null for a station never verified', () => {
    expect(formatVerified(null, 'zh', now)).toBeNull();
  });
});

describe('dates', () => {
  it('localParts uses the given time zone', () => {
    expect(localParts(new Date('2026-11-22T16:30:00Z'), 'Asia/Shanghai')).toEqual({ day: '2026-11-23', weekday: 'Mo', time: '00:30' });
  });

  it('formatShortDate reads in both languages', () => {
    expect(formatShortDate('2026-11-22', 'zh')).toBe('11月22日');
    expect(formatShortDate('2026-11-22', 'en')).toBe('Nov 22');
  });
});

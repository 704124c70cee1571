import { describe, expect, it } from 'vitest';
import { nextOccurrenceText, serviceLines } from './services.js';
import { atPhrase, dayWord } from './when.js';

// Tuesday 1 December 2026, 10:00 in Shanghai.
const now = new Date('2026-12-01T02:00:00Z');
const clinic = (over = {}) => ({
  kind: 'free_clinic', description: '社区医生量血压', hours: 'Tu 14:00-16:00',
  open_state: { state: 'closed', next_change: '2026-12-01T14:00:00+08:00', comment: null },
  next: { from: '2026-12-01T14:00:00+08:00', to: '2026-12-01T16:00:00+08:00' },
  ...over,
});

describe('next occurrence of a service', () => {
  it('later today, tomorrow, this week and beyond the week', () => {
    expect(nextOccurrenceText(clinic(), 'zh', { now })).toBe('下次: 今天 14:00–16:00');
    const tomorrow = clinic({ next: { from: '2026-12-02T09:00:00+08:00', to: '2026-12-02T11:30:00+08:00' } });
    expect(nextOccurrenceText(tomorrow, 'zh', { now })).toBe('下次: 明天 09:00–11:30');
    const nextWeek = clinic({ next: { from: '2026-12-08T14:00:00+08:00', to: '2026-12-08T16:00:00+08:00' } });
    expect(nextOccurrenceText(nextWeek, 'zh', { now: new Date('2026-12-01T09:00:00Z') })).toBe('下次: 12月8日 周二 14:00–16:00');
    const friday = clinic({ next: { from: '2026-12-04T14:00:00+08:00', to: '2026-12-04T16:00:00+08:00' } });
    expect(nextOccurrenceText(friday, 'zh', { now })).toBe('下次: 周五 14:00–16:00');
    expect(nextOccurrenceText(friday, 'en', { now })).toBe('Next: Fri 14:00–16:00');
  });

  it('a Tuesday clinic seen on Wednesday is next Tuesday, by its weekday', () => {
    const wed = new Date('2026-12-02T02:00:00Z');
    const next = clinic({ next: { from: '2026-12-08T14:00:00+08:00', to: '2026-12-08T16:00:00+08:00' } });
    expect(nextOccurrenceText(next, 'zh', { now: wed })).toBe('下次: 周二 14:00–16:00');
  });

  it('ongoing: until its end', () => {
    const on = clinic({ open_state: { state: 'open', next_change: '2026-12-01T16:00:00+08:00' } });
    expect(nextOccurrenceText(on, 'zh', { now: new Date('2026-12-01T06:30:00Z') })).toBe('进行中, 至 16:00');
    expect(nextOccurrenceText(on, 'en', { now: new Date('2026-12-01T06:30:00Z') })).toBe('On now, until 16:00');
    const overnight = clinic({ open_state: { state: 'open' }, next: { from: '2026-12-01T20:00:00+08:00', to: '2026-12-02T02:00:00+08:00' } });
    expect(nextOccurrenceText(overnight, 'zh', { now: new Date('2026-12-01T13:00:00Z') })).toBe('进行中, 至 明天 02:00');
    expect(nextOccurrenceText(clinic({ open_state: { state: 'open' }, next: null }), 'zh', { now })).toBe('进行中');
  });

  it('reads times given without an offset as the station\'s own clock', () => {
    const wall = clinic({ next: { from: '2026-12-01T14:00', to: '2026-12-01T16:00' } });
    expect(nextOccurrenceText(wall, 'zh', { now })).toBe('下次: 今天 14:00–16:00');
  });

  it('shows the times in the station\'s zone, not in UTC', () => {
    const utc = clinic({ next: { from: '2026-12-01T06:00:00Z', to: '2026-12-01T08:00:00Z' } });
    expect(nextOccurrenceText(utc, 'zh', { now, timeZone: 'Asia/Shanghai' })).toBe('下次: 今天 14:00–16:00');
  });

  it('nothing scheduled, or unknown', () => {
    expect(nextOccurrenceText(clinic({ next: null }), 'zh', { now })).toBe('暂无安排');
    expect(nextOccurrenceText(clinic({ next: null, open_state: { state: 'unknown' } }), 'zh', { now })).toBe('时间不确定');
  });
});

describe('service lines', () => {
  it('Chinese names for every kind, English beside them', () => {
    const kinds = ['free_clinic', 'haircut', 'legal_advice', 'counselling', 'classes', 'summer_drinks'];
    const services = kinds.map((kind) => clinic({ kind }));
    expect(serviceLines(services, 'zh', { now }).map((l) => l.name)).toEqual(['义诊', '理发', '法律咨询', '心理咨询', '公益课堂', '送清凉']);
    expect(serviceLines(services, 'en', { now }).map((l) => l.name)).toEqual(['Free clinic', 'Haircut', 'Legal advice', 'Counselling', 'Classes', 'Summer drinks']);
    expect(serviceLines([clinic()], 'zh', { now })[0]).toMatchObject({ description: '社区医生量血压', hours: 'Tu 14:00-16:00', state: 'closed' });
    expect(serviceLines(undefined, 'zh')).toEqual([]);
  });
});

describe('words for a day and an "open at" time', () => {
  it('relative to today in the zone', () => {
    expect(dayWord('2026-12-01', '2026-12-01', 'zh')).toBe('今天');
    expect(dayWord('2026-12-01', '2026-12-01', 'zh', { omitToday: true })).toBe('');
    expect(dayWord('2026-12-02', '2026-12-01', 'en')).toBe('tomorrow');
    expect(atPhrase('2026-12-01T23:00:00+08:00', 'zh', now)).toBe('23:00');
    expect(atPhrase('2026-12-01T23:00:00+08:00', 'en', now)).toBe('at 23:00');
    expect(atPhrase('2026-12-02T07:00:00+08:00', 'zh', now)).toBe('明天 07:00');
    expect(atPhrase('2026-12-02T07:00:00+08:00', 'en', now)).toBe('tomorrow at 07:00');
  });
});

import { describe, expect, it } from 'vitest';
import { crowdingView, formatAge, liveBadgeViews, markerLive, sourceLabel } from './format.js';

const now = new Date('2026-12-01T05:30:00Z');
const ago = (minutes) => new Date(now.getTime() - minutes * 60000).toISOString();
const value = (v, minutes, source = 'crowd') => ({ value: v, confidence: 0.7, as_of: ago(minutes), source });
const typical = { crowding: 'some_seats', score: 1.2, samples: 9, weekday: 'Tu', hour: 13 };

describe('formatAge', () => {
  it('says just now under a minute, then minutes, hours and days, in both languages', () => {
    expect(formatAge(ago(0.5), 'zh', now)).toBe('刚刚');
    expect(formatAge(ago(3), 'zh', now)).toBe('3 分钟前');
    expect(formatAge(ago(3), 'en', now)).toBe('3 min ago');
    expect(formatAge(ago(59), 'en', now)).toBe('59 min ago');
    expect(formatAge(ago(60), 'zh', now)).toBe('1 小时前');
    expect(formatAge(ago(25 * 60), 'en', now)).toBe('1 d ago');
  });

  it('gives nothing for a missing instant and never a negative age for a clock ahead of ours', () => {
    expect(formatAge(null, 'zh', now)).toBe('');
    expect(formatAge(new Date(now.getTime() + 120000).toISOString(), 'en', now)).toBe('just now');
  });
});

describe('sourceLabel', () => {
  it('names couriers, staff and sensors', () => {
    expect(['crowd', 'staff', 'sensor'].map((s) => sourceLabel(s, 'zh'))).toEqual(['骑手', '工作人员', '传感器']);
    expect(['crowd', 'staff', 'sensor'].map((s) => sourceLabel(s, 'en'))).toEqual(['couriers', 'staff', 'sensor']);
  });
});

describe('crowdingView', () => {
  it('shows a live value with its age and source', () => {
    const v = crowdingView({ crowding: value('full', 3, 'staff'), typical: null }, 'zh', now);
    expect(v).toMatchObject({ kind: 'live', value: 'full', text: '满', age: '3 分钟前', sourceText: '工作人员' });
    expect(v.title).toBe('满 · 3 分钟前 · 来源：工作人员');
  });

  it('marks a typical value as usual, never as live', () => {
    const zh = crowdingView({ crowding: null, typical }, 'zh', now);
    expect(zh).toMatchObject({ kind: 'typical', value: 'some_seats', text: '通常有座' });
    expect(zh.age).toBeUndefined();
    expect(zh.title).toContain('不是实时');
    const en = crowdingView({ crowding: null, typical }, 'en', now);
    expect(en.text).toBe('Usually seats free');
    expect(en.title).toContain('Tue at 13:00, not live');
  });

  it('prefers the live value when both are there, and is null when neither is', () => {
    expect(crowdingView({ crowding: value('empty', 1), typical }, 'en', now).kind).toBe('live');
    expect(crowdingView({ crowding: null, typical: null }, 'zh', now)).toBeNull();
    expect(crowdingView(null, 'zh', now)).toBeNull();
  });
});

describe('liveBadgeViews', () => {
  it('lists closed now, crowding, seats, batteries and faults in that order', () => {
    const live = {
      operating: value('closed_now', 2, 'staff'),
      crowding: value('some_seats', 4),
      seats_free: value(3, 5, 'sensor'),
      charged_available: value(12, 8, 'sensor'),
      faults: [{ id: 1 }, { id: 2 }],
      typical: null,
    };
    const views = liveBadgeViews(live, 'zh', now);
    expect(views.map((v) => v.key)).toEqual(['operating', 'crowding', 'seats', 'battery', 'faults']);
    expect(views.map((v) => v.text)).toEqual(['暂停开放', '有座', '3 个空座', '满电 12', '2 项故障']);
    expect(views[2]).toMatchObject({ age: '5 分钟前', source: 'sensor' });
  });

  it('shows nothing for an operating station nobody has reported on', () => {
    expect(liveBadgeViews({ operating: value('operating', 1, 'staff'), crowding: null, typical: null, faults: [] }, 'en', now)).toEqual([]);
    expect(liveBadgeViews(undefined, 'en', now)).toEqual([]);
  });
});

describe('markerLive', () => {
  it('flattens crowding for the marker style', () => {
    expect(markerLive({ crowding: value('full', 1), faults: [] })).toEqual({ crowd: 'full', crowd_kind: 'live', seats: -1, charged: -1, faults: 0 });
    expect(markerLive({ crowding: null, typical, seats_free: value(0, 2, 'sensor'), charged_available: value(7, 2, 'sensor'), faults: [{}] }))
      .toEqual({ crowd: 'some_seats', crowd_kind: 'typical', seats: 0, charged: 7, faults: 1 });
    expect(markerLive(null)).toEqual({ crowd: '', crowd_kind: 'none', seats: -1, charged: -1, faults: 0 });
  });
});

import { describe, expect, it } from 'vitest';
import { formatHoursWeek } from './hours.js';

const week = [
  { date: '2026-11-22', weekday: 'Su', today: true, status: 'open', ranges: [{ from: '08:00', to: '20:00' }], comment: null },
  { date: '2026-11-23', weekday: 'Mo', today: false, status: 'open', ranges: [{ from: '07:00', to: '11:30' }, { from: '13:00', to: '21:00' }], comment: null },
  { date: '2026-11-24', weekday: 'Tu', today: false, status: 'closed', ranges: [], comment: null },
  { date: '2026-11-25', weekday: 'We', today: false, status: 'unknown', ranges: [], comment: 'call ahead' },
  { date: '2026-11-26', weekday: 'Th', today: false, status: 'open', ranges: [{ from: '00:00', to: '24:00' }], comment: null },
];

describe('formatHoursWeek', () => {
  it('gives one line per day and marks only today', () => {
    const rows = formatHoursWeek(week, 'zh');
    expect(rows).toHaveLength(5);
    expect(rows.filter((r) => r.today).map((r) => r.date)).toEqual(['2026-11-22']);
  });

  it('labels today as today and other days by weekday', () => {
    const zh = formatHoursWeek(week, 'zh');
    expect(zh[0].day).toBe('今天');
    expect(zh[1].day).toBe('周一');
    const en = formatHoursWeek(week, 'en');
    expect(en[0].day).toBe('Today');
    expect(en[1].day).toBe('Mon');
    expect(en[1].dateLabel).toBe('Nov 23');
  });

  it('joins several ranges of one day', () => {
    expect(formatHoursWeek(week, 'en')[1].text).toBe('07:00–11:30, 13:00–21:00');
  });

  it('says closed for a closed day and unknown for an unknown one — unknown is not closed', () => {
    const rows = formatHoursWeek(week, 'zh');
    expect(rows[2]).toMatchObject({ text: '休息', status: 'closed' });
    expect(rows[3]).toMatchObject({ text: '未知', status: 'unknown', comment: 'call ahead' });
  });

  it('says 24 hours for a whole day', () => {
    expect(formatHoursWeek(week, 'en')[4].text).toBe('24 hours');
    expect(formatHoursWeek(week, 'zh')[4].text).toBe('24 小时');
  });

  it('translates a status code the API puts in a comment', () => {
    const closed = [{ date: '2026-11-22', weekday: 'Su', today: true, status: 'closed', ranges: [], comment: 'temporarily_closed' }];
    expect(formatHoursWeek(closed, 'zh')[0].comment).toBe('暂停开放');
    expect(formatHoursWeek(closed, 'en')[0].comment).toBe('Temporarily closed');
  });

  it('returns no lines when the API sent no week', () => {
    expect(formatHoursWeek(undefined, 'zh')).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { formatHoursWeek, holidayLabel, spanText } from './hours.js';

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

  it('shows a lunch break as two spans', () => {
    const row = formatHoursWeek(week, 'en')[1];
    expect(row.text).toBe('07:00–11:30 · 13:00–21:00');
    expect(row.spans.map((s) => s.text)).toEqual(['07:00–11:30', '13:00–21:00']);
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

  it('marks uncertain spans, an open end as "from"', () => {
    expect(spanText({ from: '18:00', to: '24:00', status: 'unknown' }, 'zh')).toBe('18:00 起 (不确定)');
    expect(spanText({ from: '18:00', to: null, status: 'unknown' }, 'en')).toBe('from 18:00 (uncertain)');
    expect(spanText({ from: '18:00', to: '20:00', status: 'unknown' }, 'zh')).toBe('18:00–20:00 (不确定)');
    expect(spanText({ from: '08:00', to: '12:00', status: 'open' }, 'zh')).toBe('08:00–12:00');
    expect(spanText({ from: '17:00', to: '01:00', status: 'open' }, 'zh')).toBe('17:00–次日 01:00');
    expect(spanText({ from: '17:00', to: '03:00', status: 'open' }, 'en')).toBe('17:00–03:00 next day');
    const day = { date: '2026-11-27', weekday: 'Fr', today: false, status: 'open', comment: null,
      ranges: [{ from: '08:00', to: '12:00', status: 'open' }, { from: '18:00', to: '24:00', status: 'unknown', comment: '营业到客人走' }] };
    const row = formatHoursWeek([day], 'zh')[0];
    expect(row.text).toBe('08:00–12:00 · 18:00 起 (不确定)');
    expect(row.spans.map((s) => s.status)).toEqual(['open', 'unknown']);
    expect(row.comment).toBe('营业到客人走');
    expect(formatHoursWeek([{ ...day, ranges: [day.ranges[1]], status: 'unknown' }], 'zh')[0].status).toBe('unknown');
  });

  it('an uncertain whole day is not called 24 hours', () => {
    const day = { date: '2026-11-27', weekday: 'Fr', status: 'unknown', ranges: [{ from: '00:00', to: '24:00', status: 'unknown' }] };
    expect(formatHoursWeek([day], 'zh')[0].text).toBe('00:00 起 (不确定)');
  });

  it('names a closed holiday instead of the hours, and an open one beside them', () => {
    const closed = { date: '2026-02-17', weekday: 'Tu', status: 'closed', ranges: [], comment: null, holiday: { name: '春节', kind: 'public_holiday' } };
    expect(formatHoursWeek([closed], 'zh')[0]).toMatchObject({ text: '春节 休息', holiday: null, status: 'closed' });
    expect(formatHoursWeek([closed], 'en')[0].text).toBe('春节: closed');
    const open = { ...closed, status: 'open', ranges: [{ from: '09:00', to: '17:00', status: 'open' }] };
    expect(formatHoursWeek([open], 'zh')[0]).toMatchObject({ text: '09:00–17:00', holiday: { text: '春节', kind: 'public_holiday' } });
    const school = { ...open, holiday: { name: '寒假', kind: 'school_holiday' } };
    expect(formatHoursWeek([school], 'zh')[0].holiday.text).toBe('寒假');
  });

  it('marks a make-up working day 调休上班, with the holiday it makes up for as its title', () => {
    const makeup = { date: '2026-02-14', weekday: 'Sa', status: 'open', ranges: [{ from: '08:00', to: '18:00', status: 'open' }], holiday: { name: '春节', kind: 'makeup_workday' } };
    expect(formatHoursWeek([makeup], 'zh')[0].holiday).toMatchObject({ text: '调休上班', title: '春节', kind: 'makeup_workday' });
    expect(formatHoursWeek([makeup], 'en')[0].holiday.text).toBe('Make-up working day');
    expect(holidayLabel({ name: '调休上班', kind: 'makeup_workday' }, { closed: false }, 'zh')).toMatchObject({ text: '调休上班', title: null });
    expect(holidayLabel(null, { closed: true }, 'zh')).toBeNull();
  });

  it('with an "open at" day, names days from the real today and marks the evaluated one', () => {
    const now = new Date('2026-12-01T04:00:00Z'); // Tue 12:00 in Shanghai
    const days = [
      { date: '2026-12-02', weekday: 'We', today: true, status: 'open', ranges: [{ from: '20:00', to: '24:00', status: 'open' }] },
      { date: '2026-12-03', weekday: 'Th', today: false, status: 'closed', ranges: [] },
    ];
    const rows = formatHoursWeek(days, 'zh', { at: '2026-12-02T23:00:00+08:00', now, timeZone: 'Asia/Shanghai' });
    expect(rows.map((r) => r.day)).toEqual(['明天', '周四']);
    expect(formatHoursWeek(days, 'en', { at: '2026-12-02T23:00:00+08:00', now })[0].day).toBe('Tomorrow');
    expect(rows[0].today).toBe(true);
    expect(formatHoursWeek(days, 'zh', { at: '2026-12-02T23:00:00+08:00', now: new Date('2026-12-02T01:00:00Z') })[0].day).toBe('今天');
  });
});

// Opening hours display: the API's hours_week (7 evaluated days in the station's time zone,
// starting at the "open at" day when one is set; variable times such as sunrise already resolved
// to clock times) turned into one line per day: its spans ("08:00–12:00 · 13:00–17:30" for a
// lunch break), uncertain spans marked, the holiday by name, make-up working days, comments.
import { translate } from '../i18n/index.js';
import { DEFAULT_ZONE, addDays } from '../state/openAt.js';
import { atBadgeLabel } from './badge.js';
import { h } from './dom.js';
import { formatShortDate, localParts, openBadge } from './format.js';

const STATES = ['open', 'closed', 'unknown'];
// The API puts the station status code in the comment of days it is closed for that reason.
const STATUS_COMMENTS = new Set(['temporarily_closed', 'closed_permanently']);

function commentText(comment, lang) {
  if (!comment) return null;
  return STATUS_COMMENTS.has(comment) ? translate(lang, `status.${comment}`) : comment;
}

/** An uncertain span without a real end (an open end, "18:00+") reads "18:00 起 (不确定)". */
export function spanText({ from, to, status }, lang) {
  const uncertain = status === 'unknown';
  const openEnd = !to || (uncertain && to === '24:00');
  // The API's to before from (17:00–01:00) runs past midnight into the next day.
  const end = !openEnd && to < from ? translate(lang, 'hours.nextDay', { time: to }) : to;
  const base = openEnd ? translate(lang, 'hours.openEnd', { from }) : `${from}–${end}`;
  return uncertain ? `${base} ${translate(lang, 'hours.uncertain')}` : base;
}

const capitalised = (text) => text.charAt(0).toUpperCase() + text.slice(1);

function isAllDay(ranges) {
  return ranges.length === 1 && ranges[0].status !== 'unknown'
    && ranges[0].from === '00:00' && (ranges[0].to === '24:00' || ranges[0].to === '23:59');
}

/**
 * The holiday of a day in words: a closed public or school holiday replaces the hours
 * ("春节 休息"); otherwise its name goes beside them; a make-up working day is "调休上班".
 */
export function holidayLabel(holiday, { closed }, lang) {
  if (!holiday?.name && holiday?.kind !== 'makeup_workday') return null;
  if (holiday.kind === 'makeup_workday') {
    const text = translate(lang, 'hours.makeupWorkday');
    return { kind: 'makeup_workday', text, title: holiday.name && holiday.name !== text ? holiday.name : null, replacesHours: false };
  }
  if (closed) return { kind: holiday.kind, text: translate(lang, 'hours.holidayClosed', { name: holiday.name }), title: null, replacesHours: true };
  return { kind: holiday.kind, text: holiday.name, title: null, replacesHours: false };
}

/**
 * @param {Array<{date:string, weekday:string, today:boolean, status:string,
 *   ranges:Array<{from:string,to:string,status?:string,comment?:string}>, comment:string|null,
 *   holiday?:{name:string, kind:string}|null}>} hoursWeek
 * @param {'zh'|'en'} lang
 * @param {{at?:string|null, now?:Date, timeZone?:string}} options at: the "open at" instant, when set
 *   days are named relative to the real today (the API's today is then the "open at" day).
 */
export function formatHoursWeek(hoursWeek, lang, { at = null, now = new Date(), timeZone = DEFAULT_ZONE } = {}) {
  if (!Array.isArray(hoursWeek)) return [];
  const realToday = localParts(now, timeZone).day;
  return hoursWeek.map((d) => {
    const ranges = Array.isArray(d.ranges) ? d.ranges : [];
    const status = STATES.includes(d.status) ? d.status : 'unknown';
    const spans = isAllDay(ranges)
      ? [{ text: translate(lang, 'hours.allDay'), status: 'open' }]
      : ranges.map((r) => ({ text: spanText(r, lang), status: r.status === 'unknown' ? 'unknown' : 'open' }));
    const holiday = holidayLabel(d.holiday, { closed: ranges.length === 0 && status === 'closed' }, lang);
    let text;
    if (holiday?.replacesHours) text = holiday.text;
    else if (ranges.length === 0) text = translate(lang, status === 'closed' ? 'hours.closed' : 'hours.unknown');
    else text = spans.map((s) => s.text).join(' · ');
    const comments = [d.comment, ...ranges.map((r) => r.comment)].map((c) => commentText(c, lang)).filter(Boolean);
    const isToday = at ? d.date === realToday : Boolean(d.today);
    return {
      date: d.date,
      day: isToday ? translate(lang, 'hours.today')
        : at && d.date === addDays(realToday, 1) ? capitalised(translate(lang, 'open.tomorrow')) : translate(lang, `weekday.${d.weekday}`),
      dateLabel: formatShortDate(d.date, lang),
      text,
      spans: ranges.length && !holiday?.replacesHours ? spans : [],
      status: ranges.length === 0 ? status : status === 'closed' ? 'closed' : spans.every((s) => s.status === 'unknown') ? 'unknown' : 'open',
      today: Boolean(d.today),
      holiday: holiday?.replacesHours ? null : holiday,
      comment: [...new Set(comments)].join(' · ') || null,
    };
  });
}

function dayCell(r, atText) {
  const spans = r.spans.length
    ? r.spans.map((sp, i) => [i ? h('span', { class: 'hours-sep', 'aria-hidden': 'true' }, ' · ') : null,
      h('span', { class: `hours-span hours-span-${sp.status}`, 'data-span': sp.status }, sp.text)])
    : r.text;
  return h('td', {},
    h('span', { class: 'hours-text', 'data-spans': r.spans.length }, spans),
    r.holiday ? h('span', { class: `tag hours-holiday hours-${r.holiday.kind}`, title: r.holiday.title }, r.holiday.text) : null,
    atText ? h('span', { class: 'hours-at', 'data-testid': 'hours-at' }, atText) : null,
    r.comment ? h('span', { class: 'hours-comment' }, r.comment) : null);
}

/** The sheet's week: one row per day, the evaluated day marked, with the "open at" state on it. */
export function hoursSection(station, lang, { at = null, now = new Date() } = {}) {
  const t = (key, params) => translate(lang, key, params);
  const timeZone = station.time_zone || DEFAULT_ZONE;
  const rows = formatHoursWeek(station.hours_week, lang, { at, now, timeZone });
  const atText = at ? atBadgeLabel(openBadge(station, lang, now), station, lang, at, now) : null;
  const content = rows.length
    ? h('table', { class: 'hours-table' }, h('tbody', {},
      rows.map((r) => h('tr', { class: `hours-row hours-${r.status}${r.today ? ' today' : ''}`, 'aria-current': r.today ? 'date' : null, 'data-date': r.date },
        h('th', { scope: 'row' }, h('span', { class: 'hours-day' }, r.day), h('span', { class: 'hours-date' }, r.dateLabel)),
        dayCell(r, r.today ? atText : null)))))
    : h('p', { class: 'muted' }, t('detail.hoursUnknown'));
  return h('section', { class: 'detail-section', 'aria-labelledby': 'sec-hours', 'data-testid': 'hours' },
    h('h3', { id: 'sec-hours' }, t('detail.hours')),
    content,
    station.opening_hours ? h('p', { class: 'hours-raw' }, t('detail.hoursRaw', { rule: station.opening_hours })) : null);
}

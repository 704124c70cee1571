// Opening hours display: the API's hours_week (7 evaluated days, in the station's time zone)
// turned into one line per day, with today marked so the sheet can highlight it.
import { translate } from '../i18n/index.js';
import { formatShortDate } from './format.js';

function rangeText({ from, to }) {
  return `${from}–${to}`;
}

function isAllDay(ranges) {
  return ranges.length === 1 && ranges[0].from === '00:00' && (ranges[0].to === '24:00' || ranges[0].to === '23:59');
}

// The API puts the station status code in the comment of days it is closed for that reason.
const STATUS_COMMENTS = new Set(['temporarily_closed', 'closed_permanently']);

function commentText(comment, lang) {
  if (!comment) return null;
  return STATUS_COMMENTS.has(comment) ? translate(lang, `status.${comment}`) : comment;
}

/**
 * @param {Array<{date:string, weekday:string, today:boolean, status:string, ranges:Array<{from:string,to:string}>, comment:string|null}>} hoursWeek
 * @param {'zh'|'en'} lang
 * @returns {Array<{date:string, day:string, dateLabel:string, text:string, status:string, today:boolean, comment:string|null}>}
 */
export function formatHoursWeek(hoursWeek, lang) {
  if (!Array.isArray(hoursWeek)) return [];
  return hoursWeek.map((d) => {
    const ranges = Array.isArray(d.ranges) ? d.ranges : [];
    const status = ['open', 'closed', 'unknown'].includes(d.status) ? d.status : 'unknown';
    let text;
    if (ranges.length === 0) text = translate(lang, status === 'closed' ? 'hours.closed' : 'hours.unknown');
    else if (isAllDay(ranges)) text = translate(lang, 'hours.allDay');
    else text = ranges.map(rangeText).join(', ');
    return {
      date: d.date,
      day: d.today ? translate(lang, 'hours.today') : translate(lang, `weekday.${d.weekday}`),
      dateLabel: formatShortDate(d.date, lang),
      text,
      status: ranges.length === 0 ? status : status === 'closed' ? 'closed' : 'open',
      today: Boolean(d.today),
      comment: commentText(d.comment, lang),
    };
  });
}

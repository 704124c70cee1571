// Words for a time of day on some day, relative to today in the station's zone: "23:00",
// "明天 07:00", "周二 14:00", "12月15日 14:00" — used by the "open at" labels and the services'
// next occurrences, so both read the same way.
import { translate } from '../i18n/index.js';
import { DEFAULT_ZONE, addDays } from '../state/openAt.js';
import { formatShortDate, localParts } from './format.js';

const WALL = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/;
const WEEKDAYS = ['Su', 'Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa'];

/**
 * {day, weekday, time} of value in timeZone. value is an ISO instant with an offset or Z, or a
 * wall time without one ('2026-12-08T14:00'), which is taken as already in the zone.
 */
export function wallParts(value, timeZone = DEFAULT_ZONE) {
  if (typeof value !== 'string' && !(value instanceof Date)) return null;
  if (typeof value === 'string' && !/(Z|[+-]\d{2}:?\d{2})$/.test(value)) {
    const m = WALL.exec(value);
    if (!m) return null;
    return { day: m[1], weekday: WEEKDAYS[new Date(`${m[1]}T00:00:00Z`).getUTCDay()], time: m[2] };
  }
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : localParts(date, timeZone);
}

/** The day's name relative to today: '' (today, when omitToday), 今天, 明天, a weekday within the week, else a date. */
export function dayWord(day, today, lang, { omitToday = false } = {}) {
  if (day === today) return omitToday ? '' : translate(lang, 'hours.today');
  if (day === addDays(today, 1)) return translate(lang, 'open.tomorrow');
  const weekday = translate(lang, `weekday.${WEEKDAYS[new Date(`${day}T00:00:00Z`).getUTCDay()]}`);
  const ahead = Math.round((Date.parse(`${day}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86400000);
  return ahead > 1 && ahead < 7 ? weekday : `${formatShortDate(day, lang)} ${weekday}`;
}

/**
 * The "open at" instant in words: zh "23:00" / "明天 07:00" / "周六 09:00",
 * en "at 23:00" / "tomorrow at 07:00" / "Sat at 09:00" (today's day is left out).
 */
export function atPhrase(at, lang, now = new Date(), timeZone = DEFAULT_ZONE) {
  const parts = wallParts(at, timeZone);
  if (!parts) return '';
  const day = dayWord(parts.day, localParts(now, timeZone).day, lang, { omitToday: true });
  return translate(lang, day ? 'at.onDay' : 'at.time', { day, time: parts.time });
}

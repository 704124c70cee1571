// Pure display formatting: distances, open/closed badges, "last verified" dates.
import { LOCALES, translate } from '../i18n/index.js';
import { dateTimeFormat } from '../state/intl.js';

const EARTH_RADIUS_M = 6371008.8; // mean Earth radius (IUGG), metres

/** Great-circle distance in metres between two [lon, lat] points in WGS-84 degrees. */
export function haversineMeters([lon1, lat1], [lon2, lat2]) {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

/**
 * Metres → "350 米" / "1.2 km". Under 1 km rounds to 10 m (a phone fix is not better than that),
 * 1–10 km keeps one decimal, beyond that whole kilometres.
 */
export function formatDistance(meters, lang) {
  if (!Number.isFinite(meters) || meters < 0) return '';
  if (meters < 10) return translate(lang, 'distance.m', { n: Math.round(meters) });
  const rounded = Math.round(meters / 10) * 10;
  if (rounded < 1000) return translate(lang, 'distance.m', { n: rounded });
  const km = meters / 1000;
  const text = km < 9.95 ? km.toFixed(1) : String(Math.round(km));
  return translate(lang, 'distance.km', { n: text });
}

/** Travel seconds → "约 7 分钟" / "~7 min" (at least 1 minute). */
export function formatMinutes(seconds, lang) {
  if (!Number.isFinite(seconds) || seconds < 0) return '';
  return translate(lang, 'minutes.approx', { n: Math.max(1, Math.round(seconds / 60)) });
}

const WEEKDAY_CODES = { Mon: 'Mo', Tue: 'Tu', Wed: 'We', Thu: 'Th', Fri: 'Fr', Sat: 'Sa', Sun: 'Su' };

/** The calendar day ('2026-11-22'), weekday code ('Su') and 'HH:mm' of an instant in timeZone. */
export function localParts(date, timeZone) {
  const parts = Object.fromEntries(
    dateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).formatToParts(date).map((p) => [p.type, p.value]),
  );
  return {
    day: `${parts.year}-${parts.month}-${parts.day}`,
    weekday: WEEKDAY_CODES[parts.weekday],
    time: `${parts.hour}:${parts.minute}`,
  };
}

const WEEKDAY_OF_UTC_DAY = ['Su', 'Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa'];
const ISO_WITH_OFFSET = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?([+-])(\d{2}):(\d{2})$/;

/**
 * An instant the API wrote in the station's local offset ('2026-12-02T11:30:00+08:00'): its
 * calendar day, weekday and 'HH:mm' there, read from the text, and that offset in minutes.
 * Null for any other form ('Z', no offset).
 */
export function offsetParts(iso) {
  const m = ISO_WITH_OFFSET.exec(typeof iso === 'string' ? iso : '');
  if (!m) return null;
  const [, y, mo, d, hh, mm, sign, oh, om] = m;
  return {
    day: `${y}-${mo}-${d}`,
    weekday: WEEKDAY_OF_UTC_DAY[new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d))).getUTCDay()],
    time: `${hh}:${mm}`,
    offsetMinutes: (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om)),
  };
}

/** The parts of date at a fixed offset from UTC. */
function partsAtOffset(date, offsetMinutes) {
  const shifted = new Date(date.getTime() + offsetMinutes * 60000).toISOString();
  return { day: shifted.slice(0, 10), weekday: WEEKDAY_OF_UTC_DAY[new Date(shifted).getUTCDay()], time: shifted.slice(11, 16) };
}

/**
 * The station's wall clock at its next change and now. The API writes the evaluated instant
 * (at) and the next change in the station's offset: when both carry the same offset and now lies
 * between them, no offset change falls in that span (zones change offset months apart, and the
 * span is under a week), so both are read without Intl — whose first time-zone formatter costs
 * a slow phone ~50–100 ms of the first view. Anything else asks Intl.
 */
function badgeParts(openState, next, now, timeZone) {
  const nextParts = offsetParts(openState.next_change);
  const atParts = offsetParts(openState.at);
  const at = atParts ? new Date(openState.at) : null;
  const within = at && at.getTime() <= now.getTime() && now.getTime() <= next.getTime() && next.getTime() - at.getTime() <= 7 * 86400000;
  if (nextParts && atParts && within && nextParts.offsetMinutes === atParts.offsetMinutes) {
    return { at: nextParts, today: partsAtOffset(now, nextParts.offsetMinutes) };
  }
  return { at: localParts(next, timeZone), today: localParts(now, timeZone) };
}

function daysBetween(dayA, dayB) {
  return Math.round((Date.parse(`${dayB}T00:00:00Z`) - Date.parse(`${dayA}T00:00:00Z`)) / 86400000);
}

/**
 * The badge for a station: state (open|closed|unknown), its label, and when it next changes
 * ("20:00 关门", "明天 08:00 开门"), times shown in the station's own time zone.
 */
export function openBadge(station, lang, now = new Date()) {
  const openState = station?.open_state ?? {};
  const state = ['open', 'closed', 'unknown'].includes(openState.state) ? openState.state : 'unknown';
  let label = translate(lang, `open.${state}`);
  if (station?.status === 'temporarily_closed' || station?.status === 'closed_permanently') {
    return { state: 'closed', label: translate(lang, `status.${station.status}`), detail: '' };
  }
  let detail = '';
  const next = openState.next_change ? new Date(openState.next_change) : null;
  if (next && !Number.isNaN(next.getTime()) && state !== 'unknown') {
    const timeZone = station.time_zone || 'Asia/Shanghai';
    const { at, today } = badgeParts(openState, next, now, timeZone);
    const days = daysBetween(today.day, at.day);
    const verb = state === 'open' ? 'closes' : 'opens';
    if (days <= 0) {
      detail = translate(lang, `open.${verb}At`, { time: at.time });
    } else {
      const day = days === 1 ? translate(lang, 'open.tomorrow') : translate(lang, `weekday.${at.weekday}`);
      detail = translate(lang, `open.${verb}On`, { day, time: at.time });
    }
  }
  return { state, label, detail };
}

/** "2026-11-20 · 2 天前" for verified_at; null when the station was never verified. */
export function formatVerified(iso, lang, now = new Date(), timeZone = 'Asia/Shanghai') {
  if (!iso) return null;
  const when = new Date(iso);
  if (Number.isNaN(when.getTime())) return null;
  const day = localParts(when, timeZone).day;
  const days = daysBetween(day, localParts(now, timeZone).day);
  let relative;
  if (days <= 0) relative = translate(lang, 'time.today');
  else if (days === 1) relative = translate(lang, 'time.yesterday');
  else if (days < 60) relative = translate(lang, 'time.daysAgo', { n: days });
  else relative = translate(lang, 'time.monthsAgo', { n: Math.floor(days / 30) });
  return `${day} · ${relative}`;
}

/** A short calendar date for a 'YYYY-MM-DD' string: "11月22日" / "Nov 22". */
export function formatShortDate(isoDay, lang) {
  const date = new Date(`${isoDay}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return isoDay ?? '';
  return dateTimeFormat(LOCALES[lang] ?? 'zh-CN', { month: 'short', day: 'numeric', timeZone: 'UTC' }).format(date);
}

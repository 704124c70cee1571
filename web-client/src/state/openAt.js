// The "open at…" instant of the filter bar: tonight 23:00, tomorrow 07:00 or a chosen time,
// always a wall-clock time in the stations' zone (Asia/Shanghai for the demo city), never the
// browser's: a courier whose phone is set to another zone still means 23:00 in the city.
// Instants are ISO 8601 with the zone's offset (2026-12-02T23:00:00+08:00), as the API takes them.
import { utcOffset } from '../api/requests.js';
import { dateTimeFormat } from './intl.js';

export const DEFAULT_ZONE = 'Asia/Shanghai';
/** The choices the filter bar offers, in order ('now' clears the instant). */
export const AT_CHOICES = ['now', 'tonight', 'morning', 'custom'];
const PRESET_HOURS = { tonight: { days: 0, hour: 23 }, morning: { days: 1, hour: 7 } };

/** 'YYYY-MM-DD' of instant in timeZone. */
export function zoneDay(instant, timeZone = DEFAULT_ZONE) {
  return dateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
}

/** 'YYYY-MM-DD' plus n calendar days (no zone involved: a date, not an instant). */
export function addDays(day, n) {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/**
 * A wall-clock time in timeZone ('2026-12-02T23:00', as a datetime-local input gives it) → ISO
 * with that zone's offset at that time. The offset is looked up twice so a time just after a
 * daylight-saving change in zones that have one gets the right side.
 */
export function wallTimeToIso(wall, timeZone = DEFAULT_ZONE) {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::\d{2})?$/.exec(wall ?? '');
  if (!match) throw new RangeError(`not a local date-time: ${wall}`);
  const asUtc = Date.parse(`${match[1]}T${match[2]}:${match[3]}:00Z`);
  const offsetMs = (offset) => {
    const [, sign, hh, mm] = /([+-])(\d{2}):(\d{2})/.exec(offset);
    return (sign === '-' ? -1 : 1) * (Number(hh) * 60 + Number(mm)) * 60000;
  };
  let offset = utcOffset(new Date(asUtc), timeZone);
  offset = utcOffset(new Date(asUtc - offsetMs(offset)), timeZone);
  return `${match[1]}T${match[2]}:${match[3]}:00${offset}`;
}

/** The instant for a preset ('tonight' | 'morning') from today's date in timeZone. */
export function presetAt(choice, now = new Date(), timeZone = DEFAULT_ZONE) {
  const preset = PRESET_HOURS[choice];
  if (!preset) throw new RangeError(`unknown preset: ${choice}`);
  const day = addDays(zoneDay(now, timeZone), preset.days);
  return wallTimeToIso(`${day}T${String(preset.hour).padStart(2, '0')}:00`, timeZone);
}

/** ISO instant → the datetime-local value ('2026-12-02T23:00') of that instant in timeZone. */
export function isoToWallTime(iso, timeZone = DEFAULT_ZONE) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const time = dateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(date);
  return `${zoneDay(date, timeZone)}T${time}`;
}

/** The next whole hour after now in timeZone, as a datetime-local value: the picker's first value. */
export function nextHourWallTime(now = new Date(), timeZone = DEFAULT_ZONE) {
  return isoToWallTime(new Date(Math.floor(now.getTime() / 3600000) * 3600000 + 3600000).toISOString(), timeZone);
}

/**
 * The filter's "open at" part for a choice: {atChoice, at} with at null for 'now'; a custom
 * choice needs the picker's wall time.
 */
export function openAtFilter(choice, { now = new Date(), timeZone = DEFAULT_ZONE, wall } = {}) {
  if (choice === 'now' || choice == null) return { atChoice: null, at: null };
  if (choice === 'custom') return { atChoice: 'custom', at: wallTimeToIso(wall, timeZone) };
  return { atChoice: choice, at: presetAt(choice, now, timeZone) };
}

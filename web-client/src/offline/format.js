// How the offline panel and the list's note write sizes and times.
import { localParts } from '../ui/format.js';

const ZONE = 'Asia/Shanghai';

/** "1.2 MB" / "850 KB" (decimal units, as storage settings show them). */
export function formatBytes(bytes) {
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${Math.max(1, Math.round(bytes / 1e3))} KB`;
}

/** "14:02" today, or "12-01 14:02" on another day, in the stations' zone. */
export function formatAsOf(iso, now = new Date(), timeZone = ZONE) {
  const at = localParts(new Date(iso), timeZone);
  const today = localParts(now, timeZone);
  return at.day === today.day ? at.time : `${at.day.slice(5)} ${at.time}`;
}


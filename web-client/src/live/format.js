// Live values in words: a live value says how old it is and whose it is ("满 · 3 分钟前 · 骑手");
// a typical value (nothing fresh: the station's usual crowding for this weekday and hour) says
// "通常 / usually" and is drawn differently, so it is never read as live.
import { translate } from '../i18n/index.js';

export const CROWDING = ['empty', 'some_seats', 'full'];

/** "刚刚" / "3 分钟前" / "2 小时前" / "3 天前" (en: just now, 3 min ago, …) for ISO instant asOf. */
export function formatAge(asOf, lang, now = new Date()) {
  const t = Date.parse(asOf);
  if (!Number.isFinite(t)) return '';
  const minutes = Math.max(0, Math.floor((now.getTime() - t) / 60000));
  if (minutes < 1) return translate(lang, 'live.ageNow');
  if (minutes < 60) return translate(lang, 'live.ageMin', { n: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return translate(lang, 'live.ageHour', { n: hours });
  return translate(lang, 'live.ageDay', { n: Math.floor(hours / 24) });
}

/** crowd → 骑手 / couriers, staff → 工作人员 / staff, sensor → 传感器 / sensor. */
export function sourceLabel(source, lang) {
  return ['crowd', 'staff', 'sensor'].includes(source) ? translate(lang, `live.source.${source}`) : String(source ?? '');
}

function liveMeta(value, lang, now) {
  return { age: formatAge(value.as_of, lang, now), source: value.source, sourceText: sourceLabel(value.source, lang), confidence: value.confidence };
}

/**
 * The crowding to show for live (a StationLive or null): {kind: 'live', value, text, age, source,
 * sourceText, title} from a fresh value, {kind: 'typical', value, text: '通常有座', title} from the
 * typical profile, or null when neither is known.
 */
export function crowdingView(live, lang, now = new Date()) {
  const c = live?.crowding;
  if (c && CROWDING.includes(c.value)) {
    const text = translate(lang, `crowding.${c.value}`);
    const meta = liveMeta(c, lang, now);
    return { key: 'crowding', kind: 'live', value: c.value, text, ...meta, title: translate(lang, 'live.liveTitle', { value: text, age: meta.age, source: meta.sourceText }) };
  }
  const typical = live?.typical;
  if (typical && CROWDING.includes(typical.crowding)) {
    const value = translate(lang, `crowding.${typical.crowding}`);
    return {
      key: 'crowding',
      kind: 'typical',
      value: typical.crowding,
      text: translate(lang, 'live.typicalBadge', { value: lang === 'en' ? value.toLowerCase() : value }),
      title: translate(lang, 'live.typicalTitle', { value: lang === 'en' ? value.toLowerCase() : value, weekday: translate(lang, `weekday.${typical.weekday}`), hour: typical.hour }),
    };
  }
  return null;
}

function numberView(key, value, textKey, lang, now) {
  if (!value || !Number.isFinite(value.value)) return null;
  const text = translate(lang, textKey, { n: value.value });
  const meta = liveMeta(value, lang, now);
  return { key, kind: 'live', value: value.value, text, ...meta, title: translate(lang, 'live.liveTitle', { value: text, age: meta.age, source: meta.sourceText }) };
}

/**
 * The badges of a station's live state, in the order shown: closed now, crowding (live or
 * typical), seats free, charged batteries, open faults. Each {key, kind: 'live'|'typical', value, text, title, age?, source?}.
 */
export function liveBadgeViews(live, lang, now = new Date()) {
  if (!live) return [];
  const views = [];
  if (live.operating?.value === 'closed_now') {
    const text = translate(lang, 'live.closedNow');
    const meta = liveMeta(live.operating, lang, now);
    views.push({ key: 'operating', kind: 'live', value: 'closed_now', text, ...meta, title: translate(lang, 'live.liveTitle', { value: text, age: meta.age, source: meta.sourceText }) });
  }
  const crowding = crowdingView(live, lang, now);
  if (crowding) views.push(crowding);
  const seats = numberView('seats', live.seats_free, 'live.seatsFree', lang, now);
  if (seats) views.push(seats);
  const battery = numberView('battery', live.charged_available, 'live.charged', lang, now);
  if (battery) views.push(battery);
  const faults = (live.faults ?? []).length;
  if (faults > 0) views.push({ key: 'faults', kind: 'live', value: faults, text: translate(lang, 'live.faults', { n: faults }), title: translate(lang, 'live.faults', { n: faults }) });
  return views;
}

/**
 * What a map marker shows of live, flat because MapLibre stringifies nested properties: crowd
 * (empty|some_seats|full|'') and crowd_kind (live|typical|none); seats and charged (-1: not known
 * live); faults (open public faults).
 */
export function markerLive(live) {
  const number = (v) => (Number.isFinite(v?.value) ? v.value : -1);
  const rest = { seats: number(live?.seats_free), charged: number(live?.charged_available), faults: (live?.faults ?? []).length };
  const c = live?.crowding;
  if (c && CROWDING.includes(c.value)) return { crowd: c.value, crowd_kind: 'live', ...rest };
  const typical = live?.typical?.crowding;
  if (CROWDING.includes(typical)) return { crowd: typical, crowd_kind: 'typical', ...rest };
  return { crowd: '', crowd_kind: 'none', ...rest };
}

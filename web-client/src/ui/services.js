// The services a station hosts on a schedule (义诊, 理发, 法律咨询 …): each with its name, the
// host's description, its hours rule and its next occurrence in words ("下次: 周二 14:00–16:00",
// "进行中, 至 16:00"), times in the station's zone.
import { translate } from '../i18n/index.js';
import { DEFAULT_ZONE } from '../state/openAt.js';
import { h } from './dom.js';
import { localParts } from './format.js';
import { dayWord, wallParts } from './when.js';

/** The service kinds the API documents, in the order the filter offers them. */
export const SERVICE_KINDS = ['free_clinic', 'haircut', 'legal_advice', 'counselling', 'classes', 'summer_drinks'];

function stateOf(service) {
  const state = service?.open_state?.state;
  return ['open', 'closed', 'unknown'].includes(state) ? state : 'unknown';
}

/** "至 16:00", or "至 明天 02:00" when it ends on another day than today. */
function endWords(value, today, lang, timeZone) {
  const end = wallParts(value, timeZone);
  if (!end) return null;
  const day = dayWord(end.day, today, lang, { omitToday: true });
  return day ? `${day} ${end.time}` : end.time;
}

/**
 * The next-occurrence line of one service: ongoing with its end, the next {from, to} with its
 * day ("今天", "明天", "周二", a date beyond the week), or that nothing is scheduled / known.
 */
export function nextOccurrenceText(service, lang, { now = new Date(), timeZone = DEFAULT_ZONE } = {}) {
  const today = localParts(now, timeZone).day;
  const state = stateOf(service);
  const next = service?.next ?? null;
  if (state === 'open') {
    const until = endWords(next?.to ?? service.open_state?.next_change, today, lang, timeZone);
    return until ? translate(lang, 'service.ongoing', { time: until }) : translate(lang, 'service.ongoingNoEnd');
  }
  const from = wallParts(next?.from, timeZone);
  if (from) {
    const to = wallParts(next.to, timeZone);
    const span = to ? (to.day === from.day ? `${from.time}–${to.time}` : `${from.time}–${endWords(next.to, from.day, lang, timeZone)}`) : from.time;
    return translate(lang, 'service.next', { when: `${dayWord(from.day, today, lang)} ${span}` });
  }
  return translate(lang, state === 'unknown' ? 'service.uncertain' : 'service.none');
}

/** One display line per service, kinds the client doesn't know shown by their code. */
export function serviceLines(services, lang, options = {}) {
  if (!Array.isArray(services)) return [];
  return services.map((s) => ({
    kind: s.kind,
    name: SERVICE_KINDS.includes(s.kind) ? translate(lang, `service.${s.kind}`) : String(s.kind ?? ''),
    description: s.description || null,
    hours: s.hours || null,
    state: stateOf(s),
    next: nextOccurrenceText(s, lang, options),
    comment: s.open_state?.comment || null,
  }));
}

export function servicesSection(station, lang, options = {}) {
  const lines = serviceLines(station.services, lang, options);
  if (!lines.length) return null;
  const t = (key, params) => translate(lang, key, params);
  return h('section', { class: 'detail-section', 'aria-labelledby': 'sec-services', 'data-testid': 'services' },
    h('h3', { id: 'sec-services' }, t('detail.services')),
    h('ul', { class: 'service-list' },
      lines.map((l) => h('li', { class: `service service-${l.state}`, 'data-service': l.kind },
        h('div', { class: 'service-top' },
          h('span', { class: 'service-name' }, l.name),
          h('span', { class: `service-next service-next-${l.state}`, 'data-testid': 'service-next' }, l.next)),
        l.description ? h('p', { class: 'service-desc' }, l.description) : null,
        l.comment ? h('p', { class: 'service-comment' }, l.comment) : null,
        l.hours ? h('p', { class: 'service-hours' }, t('service.hours', { rule: l.hours })) : null))));
}

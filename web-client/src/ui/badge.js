// The open/closed/unknown badge shared by the list and the detail sheet. With an "open at"
// instant set the label says the state at that time ("23:00 营业中", "Open at 23:00"), so a card
// never reads as if it were about now.
import { translate } from '../i18n/index.js';
import { openBadge } from './format.js';
import { h } from './dom.js';
import { atPhrase } from './when.js';

/** The badge's label at instant at (ISO), e.g. "明天 07:00 已关闭"; the plain label without one. */
export function atBadgeLabel(badge, station, lang, at, now = new Date()) {
  if (!at || station?.status === 'temporarily_closed' || station?.status === 'closed_permanently') return badge.label;
  return translate(lang, `open.at.${badge.state}`, { when: atPhrase(at, lang, now, station?.time_zone || undefined) });
}

export function openStateBadge(station, lang, now = new Date(), { at = null } = {}) {
  const b = openBadge(station, lang, now);
  return h('span', { class: 'open-state', 'data-open-state': b.state, 'data-at': at || null },
    h('span', { class: `badge badge-${b.state}` }, atBadgeLabel(b, station, lang, at, now)),
    b.detail ? h('span', { class: 'open-next' }, b.detail) : null);
}

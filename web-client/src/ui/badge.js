// The open/closed/unknown badge shared by the list and the detail sheet.
import { openBadge } from './format.js';
import { h } from './dom.js';

export function openStateBadge(station, lang, now = new Date()) {
  const b = openBadge(station, lang, now);
  return h('span', { class: 'open-state', 'data-open-state': b.state },
    h('span', { class: `badge badge-${b.state}` }, b.label),
    b.detail ? h('span', { class: 'open-next' }, b.detail) : null);
}

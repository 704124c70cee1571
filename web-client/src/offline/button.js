// The map's "offline" button and the nearest list's offline note: in the page's first bundle (the panel and the pack load on demand, lazy.js).
import { translate } from '../i18n/index.js';
import { h } from '../ui/dom.js';
import { icon } from '../ui/icons.js';
import { formatAsOf } from './format.js';

/** The button opening the offline panel, with the number of queued writes. */
export function offlineButton(state, onClick) {
  const t = (key, params) => translate(state.lang, key, params);
  const { pack, queued } = state.offline;
  return h('button', {
    type: 'button',
    class: `fab${pack ? ' fab-on' : ''}`,
    'aria-label': t('offline.open'),
    title: t('offline.open'),
    'data-testid': 'offline-open',
    onclick: onClick,
  }, icon('download', { size: 22 }), queued ? h('span', { class: 'fab-count', 'aria-hidden': 'true' }, String(queued)) : null);
}

/** The nearest list's note: an offline estimate from the pack, or the time of an answer that came from the cache. */
export function listOfflineNote(state) {
  const t = (key, params) => translate(state.lang, key, params);
  const { nearest, offline } = state;
  if (nearest?.offline) return h('span', { class: 'list-note list-offline', role: 'note', 'data-testid': 'offline-estimate' }, t('offline.estimateLabel'));
  const asOf = nearest?.url && offline?.asOf?.[nearest.url];
  if (asOf) return h('span', { class: 'list-note list-as-of', role: 'note', 'data-testid': 'as-of', 'data-as-of': asOf }, t('offline.asOf', { time: formatAsOf(asOf) }));
  return null;
}

// The offline pack's panel ("下载离线包 / Download for offline"): the size before download, the
// progress during it, then what the pack holds and when it was last refreshed; the writes waiting
// in the outbox. Opened from a map button (offlineButton).
import { translate } from '../i18n/index.js';
import { h, render } from '../ui/dom.js';
import { liveErrorText } from '../live/actions.js';
import { errorText } from '../ui/errors.js';
import { icon } from '../ui/icons.js';

export { listOfflineNote, offlineButton } from './button.js';
export { formatAsOf, formatBytes } from './format.js';
import { formatAsOf, formatBytes } from './format.js';

function packSummary(pack, t, now) {
  return h('div', { class: 'offline-pack', 'data-testid': 'offline-pack', 'data-stations': pack.stations, 'data-refreshed-at': pack.refreshed_at },
    h('p', {}, h('strong', {}, t('offline.packHolds', { n: pack.stations, tiles: pack.tiles, size: formatBytes(pack.bytes) }))),
    h('p', { class: 'muted', 'data-testid': 'offline-refreshed' }, t('offline.refreshedAt', { time: formatAsOf(pack.refreshed_at, now) })));
}

export function renderOfflinePanel(state, controller, { getView, now = new Date() }) {
  const t = (key, params) => translate(state.lang, key, params);
  const o = state.offline;
  let body;
  if (!o.supported) body = h('p', { class: 'muted' }, t('offline.unsupported'));
  else if (o.status === 'planning') body = h('p', { class: 'placeholder', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), t('offline.planning'));
  else if (o.status === 'planned') {
    body = h('div', { 'data-testid': 'offline-plan', 'data-bytes': o.plan.bytes, 'data-stations': o.plan.stations },
      h('p', {}, t('offline.estimate', { n: o.plan.stations, tiles: o.plan.tiles, size: formatBytes(o.plan.bytes) })),
      h('div', { class: 'actions-row' },
        h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'offline-download', onclick: controller.download }, icon('download', { size: 18 }), t('offline.download')),
        h('button', { type: 'button', class: 'btn btn-secondary', onclick: controller.closePanel }, t('locate.cancel'))));
  } else if (o.status === 'downloading') {
    const p = o.progress ?? { phase: 'stations', done: 0, total: 0 };
    body = h('div', { role: 'status', 'data-testid': 'offline-progress' },
      h('p', {}, t(`offline.progress.${p.phase}`, { done: p.done, total: p.total })),
      h('progress', { max: Math.max(1, p.total), value: p.done, 'aria-label': t('offline.downloading') }));
  } else {
    const start = () => {
      const view = getView();
      if (view) controller.plan(view.bbox, view.templates);
    };
    body = h('div', {},
      o.status === 'error' ? h('p', { class: 'error-text', role: 'alert', 'data-testid': 'offline-error' }, errorText(o.error, state.lang)) : null,
      o.pack ? packSummary(o.pack, t, now) : h('p', { class: 'muted' }, t('offline.none')),
      h('div', { class: 'actions-row' },
        h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'offline-plan-visible', disabled: !o.online, onclick: start }, icon('download', { size: 18 }), t(o.pack ? 'offline.replace' : 'offline.downloadVisible')),
        o.pack ? h('button', { type: 'button', class: 'btn btn-secondary', 'data-testid': 'offline-refresh', disabled: !o.online, onclick: () => controller.refresh({ force: true }) }, icon('retry', { size: 18 }), t('offline.refresh')) : null,
        o.pack ? h('button', { type: 'button', class: 'btn btn-secondary', 'data-testid': 'offline-delete', onclick: controller.remove }, t('offline.delete')) : null));
  }
  return h('div', { class: 'offline-card', role: 'dialog', 'aria-label': t('offline.title') },
    h('header', { class: 'offline-head' },
      h('h2', {}, t('offline.title')),
      h('button', { type: 'button', class: 'btn-icon btn-icon-small', 'aria-label': t('error.dismiss'), onclick: controller.closePanel }, icon('close', { size: 18 }))),
    o.online ? null : h('p', { class: 'tag tag-offline', 'data-testid': 'offline-badge' }, t('offline.youAreOffline')),
    body,
    o.queued ? h('p', { class: 'muted', 'data-testid': 'outbox-count' }, t('outbox.count', { n: o.queued })) : null,
    o.refused.map((r) => h('p', { class: 'error-text', role: 'alert', 'data-testid': 'outbox-refused' }, t('outbox.refused', { kind: t(r.kind === 'report' ? 'outbox.kind.report' : 'outbox.kind.checkin') }), ' ', liveErrorText(r.error, state.lang))));
}

/** Mounts the panel into el; getView() → {bbox, templates} of the visible map. */
export function mountOfflinePanel(el, { store, controller, getView }) {
  function draw() {
    const state = store.get();
    el.hidden = !state.offline.panel;
    if (state.offline.panel) render(el, renderOfflinePanel(state, controller, { getView }));
    else el.replaceChildren();
  }
  draw();
  store.subscribe((s, prev) => {
    if (s.offline !== prev.offline || s.lang !== prev.lang) draw();
  });
}

/** The nearest list's caption when its answer is not the server's of now: "离线估算" or "数据时间 14:02". */

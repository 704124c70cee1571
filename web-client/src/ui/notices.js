// Messages about the app as a whole, shown over the top of the map: the config could not load,
// the map's stations could not load, the basemap failed, or "tap the map to set your position".
import { translate } from '../i18n/index.js';
import { h, render } from './dom.js';
import { errorText } from './errors.js';
import { icon } from './icons.js';

export function mountNotices(el, { store, actions, retryConfig, retryMapStations, dismissBasemap }) {
  function draw() {
    const { lang, configStatus, configError, mapStationsError, basemapFailed, picking } = store.get();
    const t = (key, params) => translate(lang, key, params);
    const items = [];
    if (configStatus === 'error') {
      items.push(h('div', { class: 'notice notice-error', role: 'alert', 'data-testid': 'config-error' },
        icon('warning', { size: 18 }),
        h('p', {}, h('strong', {}, t('error.config')), ' ', errorText(configError, lang)),
        h('button', { type: 'button', class: 'btn btn-small', onclick: retryConfig }, t('error.retry'))));
    }
    if (mapStationsError) {
      items.push(h('div', { class: 'notice notice-error', role: 'alert', 'data-testid': 'map-stations-error' },
        icon('warning', { size: 18 }),
        h('p', {}, h('strong', {}, t('error.stations')), ' ', errorText(mapStationsError, lang)),
        h('button', { type: 'button', class: 'btn btn-small', onclick: retryMapStations }, t('error.retry'))));
    }
    if (basemapFailed) {
      items.push(h('div', { class: 'notice notice-warning', role: 'status' },
        icon('warning', { size: 18 }),
        h('p', {}, t('error.basemap')),
        h('button', { type: 'button', class: 'btn-icon btn-icon-small', 'aria-label': t('error.dismiss'), onclick: dismissBasemap }, icon('close', { size: 18 }))));
    }
    if (picking) {
      items.push(h('div', { class: 'notice notice-pick', role: 'status', 'data-testid': 'pick-hint' },
        icon('pin', { size: 18 }),
        h('p', {}, t('locate.pickHint')),
        h('button', { type: 'button', class: 'btn btn-small', onclick: actions.cancelPicking }, t('locate.cancel'))));
    }
    render(el, items);
    el.hidden = items.length === 0;
  }
  draw();
  store.subscribe((s, prev) => {
    if (s.lang !== prev.lang || s.configStatus !== prev.configStatus || s.configError !== prev.configError
      || s.mapStationsError !== prev.mapStationsError || s.basemapFailed !== prev.basemapFailed || s.picking !== prev.picking) draw();
  });
}

/** Floating map buttons: locate me, and set my position by tapping the map. */
export function mountMapButtons(el, { store, actions, extra = null }) {
  function draw() {
    const { lang, locateStatus, picking } = store.get();
    const t = (key) => translate(lang, key);
    render(el,
      h('button', {
        type: 'button',
        class: `fab ${locateStatus === 'locating' ? 'fab-busy' : ''}`,
        'aria-label': t('locate.button'),
        title: t('locate.button'),
        'data-testid': 'locate',
        onclick: actions.locate,
      }, icon('locate', { size: 22 })),
      h('button', {
        type: 'button',
        class: `fab ${picking ? 'fab-on' : ''}`,
        'aria-label': t('locate.pick'),
        'aria-pressed': picking ? 'true' : 'false',
        title: t('locate.pick'),
        'data-testid': 'pick',
        onclick: picking ? actions.cancelPicking : actions.startPicking,
      }, icon('pin', { size: 22 })),
      extra ? extra(store.get()) : null);
  }
  draw();
  store.subscribe((s, prev) => {
    if (s.lang !== prev.lang || s.locateStatus !== prev.locateStatus || s.picking !== prev.picking || (extra && s.offline !== prev.offline)) draw();
  });
}

// The list of nearest stations (GET /stations/nearest), or what stands in for it: locating,
// a locate failure with the manual fallback, an API error with retry, or "nothing matches".
import { stationName, translate } from '../i18n/index.js';
import { hasFilters } from '../state/filters.js';
import { openStateBadge } from './badge.js';
import { h } from './dom.js';
import { errorText } from './errors.js';
import { formatDistance, formatMinutes } from './format.js';
import { icon } from './icons.js';
import { liveBadges } from './live.js';
import { atPhrase } from './when.js';
import { listOfflineNote } from '../offline/button.js';

const MAX_ITEM_ICONS = 7;

function amenityIcons(station, filters, lang) {
  // Filtered amenities first (they are why the station is listed), then the rest that are yes.
  const yes = Object.entries(station.amenities ?? {}).filter(([, v]) => v === 'yes').map(([k]) => k);
  const ordered = [...filters.amenities.filter((a) => yes.includes(a)), ...yes.filter((a) => !filters.amenities.includes(a))];
  const shown = ordered.slice(0, MAX_ITEM_ICONS);
  const more = ordered.length - shown.length;
  return h('span', { class: 'item-amenities' },
    shown.map((a) => h('span', { class: 'item-amenity', title: translate(lang, `amenity.${a}`), 'aria-label': translate(lang, `amenity.${a}`) }, icon(a, { size: 16 }))),
    more > 0 ? h('span', { class: 'item-more' }, `+${more}`) : null);
}

function stationItem(station, { lang, filters, actions }) {
  return h('li', {},
    h('button', {
      type: 'button',
      class: 'station-item',
      'data-station-id': station.id,
      onclick: () => actions.selectStation(station.id, { lngLat: [station.lon, station.lat] }),
    },
    h('span', { class: 'item-top' },
      h('span', { class: 'item-name' }, stationName(station, lang)),
      h('span', { class: 'item-distance' },
        Number.isFinite(station.travel_seconds)
          ? [h('span', { class: 'item-minutes', 'data-testid': 'travel-minutes' }, formatMinutes(station.travel_seconds, lang)), ` · ${formatDistance(station.distance_m, lang)}`]
          : formatDistance(station.distance_m, lang))),
    h('span', { class: 'item-meta' },
      openStateBadge(station, lang, undefined, { at: filters.at }),
      h('span', { class: 'item-tier' }, translate(lang, `tier.${station.tier}`)),
      liveBadges(station.live, lang, { compact: true })),
    amenityIcons(station, filters, lang)));
}

/** Walk / e-bike: ranks the list by travel time and picks the service circle drawn. */
export function modeSwitch(state, actions) {
  const t = (key, params) => translate(state.lang, key, params);
  return h('div', { class: 'mode-switch', role: 'radiogroup', 'aria-label': t('mode.label'), 'data-testid': 'mode-switch' },
    ['ebike', 'walk'].map((mode) => h('button', {
      type: 'button',
      role: 'radio',
      class: `mode-option${state.travelMode === mode ? ' active' : ''}`,
      'aria-checked': state.travelMode === mode ? 'true' : 'false',
      'data-mode': mode,
      onclick: () => actions.setTravelMode(mode),
    }, icon(mode, { size: 16 }), t(`mode.${mode}`))));
}

/** "按 23:00 是否营业筛选" with the way back to now: the list is about that time, and says so. */
function atCaption(at, lang, actions) {
  const t = (key, params) => translate(lang, key, params);
  return h('p', { class: 'list-at', 'data-testid': 'list-at', 'data-at': at },
    icon('openAt', { size: 16 }),
    h('span', {}, t('list.evaluatedAt', { when: atPhrase(at, lang) })),
    h('button', { type: 'button', class: 'btn btn-secondary btn-small', 'data-testid': 'at-clear', onclick: actions.clearOpenAt }, t('list.backToNow')));
}

function locateActions(t, actions) {
  return h('div', { class: 'actions-row' },
    h('button', { type: 'button', class: 'btn btn-secondary', onclick: actions.locate }, icon('locate', { size: 18 }), t('locate.retry')),
    h('button', { type: 'button', class: 'btn btn-secondary', onclick: actions.startPicking }, icon('pin', { size: 18 }), t('locate.pickShort')));
}

export function renderList(state, actions) {
  const { lang, position, locateStatus, locateError, nearest, filters } = state;
  const t = (key, params) => translate(lang, key, params);
  const items = nearest.items ?? [];

  const header = h('header', { class: 'list-header' },
    h('div', { class: 'list-title-row' },
      h('h2', { class: 'list-title' }, t('list.title')),
      nearest.status === 'ok' && items.length ? h('span', { class: 'list-count' }, t('list.count', { n: items.length })) : null),
    position
      ? h('p', { class: 'list-caption' },
        icon(position.source === 'manual' ? 'pin' : 'locate', { size: 14 }),
        h('span', {}, t(position.source === 'manual' ? 'locate.fromMap' : 'locate.fromGps')),
        h('span', { class: 'sep' }, '·'),
        h('span', {}, nearest.byTime ? t('list.byTime', { mode: t(`mode.${state.travelMode}`) }) : t('list.straightLine')),
        nearest.offNetwork ? h('span', { class: 'list-note', role: 'note' }, t('list.offNetwork')) : null,
        listOfflineNote(state))
      : null,
    filters.at ? atCaption(filters.at, lang, actions) : null,
    state.config?.routing ? modeSwitch(state, actions) : null);

  let body;
  if (!position) {
    if (locateStatus === 'locating' || locateStatus === 'idle') {
      body = h('div', { class: 'placeholder', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), t('locate.locating'));
    } else {
      body = h('div', { class: 'notice-box', role: 'alert', 'data-testid': 'locate-failed' },
        h('p', {}, t('locate.failed', { reason: t(`locate.${locateError ?? 'unavailable'}`) })),
        locateActions(t, actions));
    }
  } else if (nearest.status === 'error') {
    body = h('div', { class: 'error-box', role: 'alert', 'data-testid': 'list-error' },
      icon('warning', { size: 20 }),
      h('p', { class: 'error-text' }, errorText(nearest.error, lang)),
      h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'list-retry', onclick: actions.loadNearest }, icon('retry', { size: 18 }), t('error.retry')));
  } else if (nearest.status === 'loading' && items.length === 0) {
    body = h('div', { class: 'placeholder', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), t('list.loading'));
  } else if (nearest.status === 'ok' && items.length === 0) {
    body = h('div', { class: 'placeholder', role: 'status', 'data-testid': 'list-empty' },
      t(hasFilters(filters) ? 'list.emptyFiltered' : 'list.empty'),
      hasFilters(filters) ? h('button', { type: 'button', class: 'btn btn-secondary', onclick: actions.clearFilters }, t('filter.clear')) : null);
  } else {
    body = h('ul', { class: 'station-list', 'aria-busy': nearest.status === 'loading' ? 'true' : 'false', 'data-testid': 'station-list' },
      items.map((s) => stationItem(s, { lang, filters, actions })));
  }
  return h('div', { class: 'view list-view', 'data-view': 'list' }, header, h('div', { class: 'view-body' }, body));
}

// The station sheet: everything a courier needs to decide and go — open state, navigate,
// amenities (yes / no / unknown, unknown never shown as no), the week's hours with today (or the
// "open at" day) highlighted, the services it hosts with their next occurrence, capacity, access
// rules, phone, address and when the data was last verified.
import { stationName, translate } from '../i18n/index.js';
import { openStateBadge } from './badge.js';
import { h } from './dom.js';
import { errorText } from './errors.js';
import { formatDistance, formatVerified, haversineMeters } from './format.js';
import { modeSwitch } from './list.js';
import { hoursSection } from './hours.js';
import { servicesSection } from './services.js';
import { atPhrase } from './when.js';
import { icon } from './icons.js';
import { liveSection } from './live.js';

const TRI_ORDER = { yes: 0, unknown: 1, no: 2 };
const NAV_APPS = ['amap', 'baidu', 'apple'];

function sheetHeader({ title, subtitle, t, actions }) {
  return h('header', { class: 'detail-header' },
    h('button', { type: 'button', class: 'btn-icon', 'aria-label': t('detail.back'), 'data-testid': 'detail-back', onclick: actions.closeDetail }, icon('back', { size: 24 })),
    h('div', { class: 'detail-titles' },
      h('h2', { class: 'detail-title' }, title),
      subtitle ? h('p', { class: 'detail-subtitle' }, subtitle) : null),
    h('button', { type: 'button', class: 'btn-icon', 'aria-label': t('detail.close'), 'data-testid': 'detail-close', onclick: actions.closeDetail }, icon('close', { size: 24 })));
}

function amenitiesSection(station, amenityKeys, t) {
  const values = station.amenities ?? {};
  const keys = amenityKeys?.length ? amenityKeys : Object.keys(values);
  const rows = keys
    .map((key) => ({ key, value: ['yes', 'no', 'unknown'].includes(values[key]) ? values[key] : 'unknown' }))
    .sort((a, b) => TRI_ORDER[a.value] - TRI_ORDER[b.value]);
  const mark = { yes: 'check', no: 'close', unknown: 'unknown' };
  return h('section', { class: 'detail-section', 'aria-labelledby': 'sec-amenities' },
    h('h3', { id: 'sec-amenities' }, t('detail.amenities')),
    h('ul', { class: 'amenity-grid' },
      rows.map(({ key, value }) => h('li', { class: `amenity amenity-${value}`, 'data-amenity': key, 'data-state': value },
        h('span', { class: 'amenity-icon' }, icon(key, { size: 20 })),
        h('span', { class: 'amenity-name' }, t(`amenity.${key}`)),
        h('span', { class: 'amenity-state' }, icon(mark[value], { size: 14, strokeWidth: 2.5 }), t(`tri.${value}`))))));
}

function infoRow(label, value, extra = {}) {
  return h('div', { class: 'info-row', ...extra }, h('dt', {}, label), h('dd', {}, value));
}

function infoSection(station, lang, t) {
  const phone = station.phone
    ? h('a', { class: 'phone-link', href: `tel:${station.phone.replace(/[^\d+]/g, '')}`, 'aria-label': t('detail.call', { phone: station.phone }) }, icon('phone', { size: 18 }), station.phone)
    : h('span', { class: 'muted' }, t('detail.unknown'));
  const access = station.access?.length
    ? h('ul', { class: 'access-list' }, station.access.map((a) => h('li', {}, t(`access.${a}`))))
    : h('span', { class: 'muted' }, t('detail.unknown'));
  const verified = formatVerified(station.verified_at, lang, new Date(), station.time_zone || 'Asia/Shanghai');
  return h('section', { class: 'detail-section' },
    h('dl', { class: 'info-list' },
      infoRow(t('detail.capacity'), station.capacity != null ? t('detail.capacityValue', { n: station.capacity }) : h('span', { class: 'muted' }, t('detail.unknown'))),
      infoRow(t('detail.access'), access),
      infoRow(t('detail.phone'), phone),
      infoRow(t('detail.address'), [station.address ?? '', station.district ? h('span', { class: 'muted' }, ` · ${station.district}`) : null]),
      station.operator ? infoRow(t('detail.operator'), station.operator) : null,
      infoRow(t('detail.verified'), verified ?? h('span', { class: 'muted' }, t('detail.notVerified')), { 'data-testid': 'verified' }),
      station.is_demo ? infoRow(t('detail.source'), h('span', { class: 'tag tag-demo' }, t('app.demoData'))) : null));
}

function navigateSection(station, t) {
  const links = NAV_APPS.filter((app) => station.navigation?.[app]);
  if (!links.length) return null;
  return h('section', { class: 'nav-section', 'aria-label': t('detail.navigate') },
    h('p', { class: 'nav-label' }, icon('navigate', { size: 16 }), t('detail.navigate')),
    h('div', { class: 'nav-buttons' },
      links.map((app, i) => h('a', {
        class: `btn ${i === 0 ? 'btn-primary' : 'btn-secondary'} btn-nav`,
        href: station.navigation[app],
        target: '_blank',
        rel: 'noopener noreferrer',
        'data-nav': app,
      }, t(`nav.${app}`)))));
}

/** The service circle: where a worker can reach this station from in 5/10/15 minutes, drawn on the map. */
function serviceAreaSection(state, actions, t) {
  if (!state.config?.routing) return null;
  const { serviceArea, lang } = state;
  let body;
  if (serviceArea.status === 'error') {
    body = h('div', { class: 'error-box', role: 'alert', 'data-testid': 'service-area-error' },
      h('p', { class: 'error-text' }, errorText(serviceArea.error, lang)),
      serviceArea.error?.status === 422 ? null
        : h('button', { type: 'button', class: 'btn btn-secondary', onclick: actions.retryServiceArea }, icon('retry', { size: 18 }), t('error.retry')));
  } else if (serviceArea.status === 'ok') {
    const bands = serviceArea.data?.features ?? [];
    body = h('div', { class: 'band-block' },
      h('ul', { class: 'band-legend', 'data-testid': 'service-area-legend' },
        bands.map((f) => h('li', { class: `band band-${f.properties.minutes}`, 'data-minutes': f.properties.minutes },
          h('span', { class: `band-swatch band-${serviceArea.mode}-${f.properties.minutes}`, 'aria-hidden': 'true' }),
          t('area.band', { minutes: f.properties.minutes, km2: Number(f.properties.area_km2).toFixed(1) })))),
      bands.length ? h('button', { type: 'button', class: 'btn btn-secondary btn-small', 'data-testid': 'show-service-area', onclick: actions.showServiceArea },
        icon('expand', { size: 16 }), t('area.show')) : null);
  } else {
    body = h('p', { class: 'placeholder', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }),
      t(serviceArea.status === 'pending' ? 'area.pending' : 'area.loading'));
  }
  return h('section', { class: 'detail-section', 'aria-labelledby': 'sec-area', 'data-testid': 'service-area' },
    h('h3', { id: 'sec-area' }, t('area.title')),
    h('p', { class: 'muted' }, t('area.explain', { mode: t(`mode.${state.travelMode}`) })),
    modeSwitch(state, actions),
    body);
}

export function renderDetail(state, actions) {
  const { lang, detail, config, position, selectedId } = state;
  const at = state.filters?.at ?? null;
  const t = (key, params) => translate(lang, key, params);
  const station = detail.station;

  if (detail.status === 'error') {
    return h('div', { class: 'view detail-view', 'data-view': 'detail', 'data-station-id': selectedId },
      sheetHeader({ title: '', t, actions }),
      h('div', { class: 'view-body' },
        h('div', { class: 'error-box', role: 'alert', 'data-testid': 'detail-error' },
          icon('warning', { size: 20 }),
          h('p', { class: 'error-text' }, errorText(detail.error, lang)),
          detail.error?.status === 404 ? null
            : h('button', { type: 'button', class: 'btn btn-primary', onclick: actions.retryDetail }, icon('retry', { size: 18 }), t('error.retry')))));
  }
  if (!station) {
    return h('div', { class: 'view detail-view', 'data-view': 'detail', 'data-station-id': selectedId, 'aria-busy': 'true' },
      sheetHeader({ title: '', t, actions }),
      h('div', { class: 'view-body' },
        h('div', { class: 'placeholder', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), t('detail.loading'))));
  }

  const name = stationName(station, lang);
  const otherName = lang === 'en' ? (station.name_en ? station.name : null) : station.name_en;
  const distance = position ? haversineMeters([position.lon, position.lat], [station.lon, station.lat]) : null;
  return h('article', { class: 'view detail-view', 'data-view': 'detail', 'data-station-id': station.id, 'data-testid': 'station-detail' },
    sheetHeader({ title: name, subtitle: otherName, t, actions }),
    h('div', { class: 'view-body' },
    h('div', { class: 'detail-summary' },
      openStateBadge(station, lang, undefined, { at }),
      h('span', { class: 'tag' }, t(`tier.${station.tier}`)),
      distance != null ? h('span', { class: 'detail-distance' }, t('detail.distance', { distance: formatDistance(distance, lang) })) : null),
    station.status !== 'open' && station.status
      ? h('div', { class: 'notice-box notice-warning', role: 'note' }, icon('warning', { size: 18 }),
        h('p', {}, t(`status.${station.status}`), station.status_reason ? `${lang === 'zh' ? '：' : ': '}${station.status_reason}` : ''))
      : null,
    at ? h('p', { class: 'detail-at', 'data-testid': 'detail-at' }, icon('openAt', { size: 16 }),
      t('detail.evaluatedAt', { when: atPhrase(at, lang, new Date(), station.time_zone || undefined) })) : null,
    liveSection(state, actions),
    navigateSection(station, t),
    serviceAreaSection(state, actions, t),
    amenitiesSection(station, config?.amenities, t),
    hoursSection(station, lang, { at }),
    servicesSection(station, lang, { timeZone: station.time_zone || undefined }),
    infoSection(station, lang, t)));
}

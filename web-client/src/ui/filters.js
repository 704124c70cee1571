// Filter chips: "open now", "open at…" (a time tonight, tomorrow morning or picked), the services
// a station hosts, then one chip per amenity the API knows (config.amenities, in the API's
// order, which puts what couriers need most first). A horizontal scroll row on phones; the two
// choices with options open a panel under the row (filterPanels.js).
import { translate } from '../i18n/index.js';
import { hasFilters } from '../state/filters.js';
import { h, render } from './dom.js';
import { openAtPanel, servicesPanel } from './filterPanels.js';
import { icon } from './icons.js';
import { atPhrase } from './when.js';

export function mountFilters(el, { store, actions }) {
  /** The open panel (null | 'openAt' | 'services') and the picker's state between draws. */
  let panel = null;
  let ui = { custom: false, wall: null };

  function chip({ key, label, pressed, iconName, onclick, extraClass = '', expanded }) {
    return h('button', {
      type: 'button',
      class: `chip ${pressed ? 'chip-on' : ''} ${extraClass}`,
      'aria-pressed': pressed ? 'true' : 'false',
      'aria-expanded': expanded === undefined ? null : String(expanded),
      'data-filter': key,
      onclick,
    }, icon(iconName, { size: 16 }), h('span', {}, label), expanded === undefined ? null : icon('more', { size: 14, className: 'icon chip-more' }));
  }

  function toggle(name) {
    panel = panel === name ? null : name;
    ui = { custom: false, wall: null };
    draw();
  }

  function close() {
    panel = null;
    ui = { custom: false, wall: null };
    draw();
  }

  function draw() {
    const { lang, config, filters } = store.get();
    const t = (key, params) => translate(lang, key, params);
    el.setAttribute('aria-label', t('filter.label'));
    const amenities = config?.amenities ?? [];
    const services = filters.services ?? [];
    const row = h('div', { class: 'chips' },
      hasFilters(filters)
        ? h('button', { type: 'button', class: 'chip chip-clear', 'data-filter': 'clear', 'aria-label': t('filter.clear'), onclick: actions.clearFilters }, icon('close', { size: 16 }))
        : null,
      chip({ key: 'open_now', label: t('filter.openNow'), pressed: filters.openNow && !filters.at, iconName: 'clock', onclick: actions.toggleOpenNow, extraClass: 'chip-open' }),
      chip({
        key: 'open_at',
        label: filters.at ? t('filter.openAtChosen', { when: atPhrase(filters.at, lang) }) : t('filter.openAt'),
        pressed: Boolean(filters.at),
        iconName: 'openAt',
        extraClass: 'chip-open',
        expanded: panel === 'openAt',
        onclick: () => toggle('openAt'),
      }),
      chip({
        key: 'services',
        label: services.length ? t('filter.servicesChosen', { n: services.length }) : t('filter.services'),
        pressed: services.length > 0,
        iconName: 'services',
        expanded: panel === 'services',
        onclick: () => toggle('services'),
      }),
      amenities.map((a) => chip({
        key: a,
        label: t(`amenity.${a}`),
        pressed: filters.amenities.includes(a),
        iconName: a,
        onclick: () => actions.toggleAmenity(a),
      })));
    const onUi = (patch) => {
      ui = { ...ui, ...patch };
      if ('custom' in patch) draw(); // typing in the picker needs no redraw
    };
    const open = panel === 'openAt' ? openAtPanel({ filters, lang, actions, ui, onUi, close })
      : panel === 'services' ? servicesPanel({ filters, lang, actions, close }) : null;
    render(el, row, open);
    if (scroll > 0) row.scrollLeft = scroll; // keep the row where the thumb left it
  }
  // Where the thumb left the chip row, from its scroll events: reading scrollLeft before each
  // redraw would make the browser lay the whole page out first, every time.
  let scroll = 0;
  el.addEventListener('scroll', (e) => {
    if (e.target.classList?.contains('chips')) scroll = e.target.scrollLeft;
  }, { capture: true, passive: true });
  // A mouse wheel scrolls the chip row sideways (touch and trackpads already can).
  el.addEventListener('wheel', (e) => {
    const row = el.querySelector('.chips');
    if (!row || Math.abs(e.deltaY) <= Math.abs(e.deltaX) || row.scrollWidth <= row.clientWidth) return;
    row.scrollLeft += e.deltaY;
    e.preventDefault();
  }, { passive: false });
  el.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && panel) {
      e.stopPropagation();
      close();
    }
  });

  draw();
  store.subscribe((s, prev) => {
    if (s.lang !== prev.lang || s.config !== prev.config || s.filters !== prev.filters) draw();
  });
}

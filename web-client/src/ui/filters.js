// Filter chips: "open now" plus one chip per amenity the API knows (config.amenities, in the
// API's order, which puts what couriers need most first). A horizontal scroll row on phones.
import { translate } from '../i18n/index.js';
import { hasFilters } from '../state/filters.js';
import { h, render } from './dom.js';
import { icon } from './icons.js';

export function mountFilters(el, { store, actions }) {
  function chip({ key, label, pressed, iconName, onclick, extraClass = '' }) {
    return h('button', {
      type: 'button',
      class: `chip ${pressed ? 'chip-on' : ''} ${extraClass}`,
      'aria-pressed': pressed ? 'true' : 'false',
      'data-filter': key,
      onclick,
    }, icon(iconName, { size: 16 }), h('span', {}, label));
  }

  function draw() {
    const { lang, config, filters } = store.get();
    const t = (key) => translate(lang, key);
    el.setAttribute('aria-label', t('filter.label'));
    const amenities = config?.amenities ?? [];
    const scroll = el.querySelector('.chips')?.scrollLeft ?? 0;
    const row = h('div', { class: 'chips' },
      hasFilters(filters)
        ? h('button', { type: 'button', class: 'chip chip-clear', 'data-filter': 'clear', 'aria-label': t('filter.clear'), onclick: actions.clearFilters }, icon('close', { size: 16 }))
        : null,
      chip({ key: 'open_now', label: t('filter.openNow'), pressed: filters.openNow, iconName: 'clock', onclick: actions.toggleOpenNow, extraClass: 'chip-open' }),
      amenities.map((a) => chip({
        key: a,
        label: t(`amenity.${a}`),
        pressed: filters.amenities.includes(a),
        iconName: a,
        onclick: () => actions.toggleAmenity(a),
      })));
    render(el, row);
    row.scrollLeft = scroll; // keep the row where the thumb left it
  }
  // A mouse wheel scrolls the chip row sideways (touch and trackpads already can).
  el.addEventListener('wheel', (e) => {
    const row = el.querySelector('.chips');
    if (!row || Math.abs(e.deltaY) <= Math.abs(e.deltaX) || row.scrollWidth <= row.clientWidth) return;
    row.scrollLeft += e.deltaY;
    e.preventDefault();
  }, { passive: false });

  draw();
  store.subscribe((s, prev) => {
    if (s.lang !== prev.lang || s.config !== prev.config || s.filters !== prev.filters) draw();
  });
}

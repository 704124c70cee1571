// The panel that holds the list or a station's details: a bottom sheet on phones (three
// heights: min, peek, full; drag or tap the handle) and a side panel on wide screens.
// It reports how much of the map it covers so the map can keep its centre in the visible part.
import { translate } from '../i18n/index.js';
import { h, render } from './dom.js';
import { renderDetail } from './detail.js';
import { renderList } from './list.js';

export const WIDE_QUERY = '(min-width: 900px)';
const SIZES = ['min', 'peek', 'full'];

/** Sheet heights in px for a phone viewport of innerHeight, leaving the top bar visible. */
export function sheetHeights(innerHeight, topReserved) {
  const full = Math.max(240, innerHeight - topReserved);
  const peek = Math.min(full, Math.max(260, Math.round(innerHeight * 0.44)));
  const min = Math.min(peek, 112);
  return { min, peek, full };
}

export function mountSheet(el, { store, actions, topOverlay, onLayout }) {
  const wide = window.matchMedia(WIDE_QUERY);
  const handle = h('button', { type: 'button', class: 'sheet-handle', 'data-testid': 'sheet-handle' }, h('span', { class: 'grabber', 'aria-hidden': 'true' }));
  const body = h('div', { class: 'sheet-body' });
  render(el, handle, body);

  let heights = { min: 112, peek: 360, full: 700 };
  let lastView = null;
  // The view's scroll position, from its scroll events: reading scrollTop before each redraw
  // would make the browser lay the whole page out first, on every change of the store (a dozen
  // while the first view loads, ~70 ms each on a slow phone).
  let scroll = 0;
  body.addEventListener('scroll', (e) => {
    if (e.target.classList?.contains('view-body')) scroll = e.target.scrollTop;
  }, { capture: true, passive: true });

  function layout() {
    const isWide = wide.matches;
    el.classList.toggle('is-wide', isWide);
    const topReserved = topOverlay.getBoundingClientRect().bottom + 8;
    heights = sheetHeights(window.innerHeight, isWide ? 0 : Math.min(topReserved, 140));
    const size = store.get().sheet;
    const height = isWide ? 0 : heights[size];
    document.documentElement.style.setProperty('--sheet-h', `${height}px`);
    el.dataset.size = size;
    document.body.dataset.sheet = isWide ? 'side' : size;
    const t = (key) => translate(store.get().lang, key);
    handle.setAttribute('aria-label', t(size === 'full' ? 'sheet.collapse' : 'sheet.expand'));
    handle.setAttribute('aria-expanded', size === 'full' ? 'true' : 'false');
    onLayout?.({ wide: isWide, top: isWide ? 0 : topReserved, bottom: height });
  }

  function draw() {
    const state = store.get();
    const view = state.selectedId != null ? `detail:${state.selectedId}` : 'list';
    // Only .view-body scrolls, so the view's header stays put (no position: sticky, which
    // headless Chromium's compositor draws the map canvas wrongly around).
    if (view !== lastView) scroll = 0;
    render(body, view === 'list' ? renderList(state, actions) : renderDetail(state, actions));
    if (scroll > 0) body.querySelector('.view-body').scrollTop = scroll;
    lastView = view;
  }

  // Drag the handle to resize; a short movement counts as a tap that toggles peek/full.
  let drag = null;
  handle.addEventListener('pointerdown', (e) => {
    if (wide.matches) return;
    drag = { startY: e.clientY, startH: heights[store.get().sheet], moved: false };
    handle.setPointerCapture(e.pointerId);
    el.classList.add('dragging');
  });
  handle.addEventListener('pointermove', (e) => {
    if (!drag) return;
    const dy = e.clientY - drag.startY;
    if (Math.abs(dy) > 6) drag.moved = true;
    const hgt = Math.min(heights.full, Math.max(heights.min, drag.startH - dy));
    document.documentElement.style.setProperty('--sheet-h', `${hgt}px`);
  });
  const endDrag = (e) => {
    if (!drag) return;
    el.classList.remove('dragging');
    const { startY, startH, moved } = drag;
    drag = null;
    const current = store.get().sheet;
    if (!moved) {
      actions.setSheet(current === 'full' ? 'peek' : 'full');
    } else {
      const target = startH - (e.clientY - startY);
      const nearest = SIZES.reduce((best, s) => (Math.abs(heights[s] - target) < Math.abs(heights[best] - target) ? s : best), 'peek');
      if (nearest === current) layout();
      else actions.setSheet(nearest);
    }
  };
  handle.addEventListener('pointerup', endDrag);
  handle.addEventListener('pointercancel', endDrag);
  // Keyboard users get the same toggle (pointer events don't fire for Enter/Space).
  handle.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      actions.setSheet(store.get().sheet === 'full' ? 'peek' : 'full');
    }
  });

  wide.addEventListener('change', layout);
  window.addEventListener('resize', layout);
  store.subscribe((s, prev) => {
    if (s.sheet !== prev.sheet || s.lang !== prev.lang) layout();
    // A clock tick alone never redraws under a field being typed in (the battery count).
    const typing = body.contains(document.activeElement) && document.activeElement?.tagName === 'INPUT';
    if (typing && s.liveClock !== prev.liveClock && s.detail === prev.detail && s.liveAction === prev.liveAction) return;
    // Not on the live stream's own state (connecting, open): nothing in the sheet shows it, and
    // each redraw of the list is a layout of the whole page.
    if (s.lang !== prev.lang || s.selectedId !== prev.selectedId || s.detail !== prev.detail || s.nearest !== prev.nearest
      || s.position !== prev.position || s.locateStatus !== prev.locateStatus || s.filters !== prev.filters || s.config !== prev.config
      || s.liveAction !== prev.liveAction || s.liveClock !== prev.liveClock) {
      draw();
    }
  });
  draw();
  layout();
  return { layout };
}

// Room for the map beside the panels: the courier's bottom sheet (or side panel on wide screens)
// and the planner panel become map padding, so the camera centres on the part of the map that
// is visible. Padding worked out before the map exists is kept and given to it when it arrives.
import { watch } from '../state/store.js';

export function createLayout({ store, actions, $ }) {
  let map = null;
  let pending = null;
  let sheet = null;

  function setPadding(padding) {
    if (map) map.setPadding(padding);
    else pending = padding;
  }

  /** The planner panel: a side column on wide screens, a scrolling bottom panel on phones. */
  function layoutPlanner() {
    const wide = document.body.classList.contains('wide');
    const bottom = wide ? 0 : Math.round($('#planner').getBoundingClientRect().height);
    document.documentElement.style.setProperty('--sheet-h', `${bottom}px`);
    const top = wide ? 0 : Math.round($('#topbar').getBoundingClientRect().bottom + 8);
    setPadding({ top, bottom, left: 0, right: 0 });
  }

  function relayout() {
    if (store.get().view === 'planner') layoutPlanner();
    else sheet?.layout();
  }

  function applyView(view) {
    const isPlanner = view === 'planner';
    document.body.classList.toggle('view-planner', isPlanner);
    $('#planner').hidden = !isPlanner;
    if (isPlanner && store.get().selectedId != null) actions.closeDetail();
    relayout();
  }

  return {
    /** The sheet's onLayout: where the sheet leaves the map visible. */
    onSheetLayout({ wide, top, bottom }) {
      document.body.classList.toggle('wide', wide);
      if (store.get().view === 'planner') {
        layoutPlanner();
        return;
      }
      map?.resize();
      setPadding({ top: wide ? 0 : top, bottom, left: 0, right: 0 });
    },
    /** Follows the view (courier | planner) from now on; call once the sheet is mounted. */
    bindView(mountedSheet) {
      sheet = mountedSheet;
      applyView(store.get().view);
      watch(store, (s) => s.view, applyView);
      window.addEventListener('resize', () => store.get().view === 'planner' && layoutPlanner());
    },
    attachMap(created) {
      map = created;
      if (pending) map.setPadding(pending);
      relayout();
    },
  };
}

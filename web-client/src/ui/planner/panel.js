// The planner panel: a title and one section per concern, top to bottom. Each section says which
// parts of the state it reads and redraws only when one of them changes (and keeps keyboard focus
// on the control that had it, see renderKeepFocus), so the panel is usable from the keyboard.
import { translate } from '../../i18n/index.js';
import { h, render } from '../dom.js';
import { districtsSection, headlineSection, legendSection } from './coverage.js';
import { coverSection } from './cover.js';
import { crowdingSection } from './crowding.js';
import { exportsSection } from './exports.js';
import { inputsSection } from './inputs.js';
import { suggestSection } from './suggest.js';
import { whatIfSection } from './whatIf.js';

export const SECTIONS = [inputsSection, headlineSection, legendSection, districtsSection, suggestSection, coverSection, whatIfSection, crowdingSection, exportsSection];

/** True when section must redraw going from prev to state (always when prev is null). */
export function needsDraw(section, state, prev) {
  return !prev || section.reads.some((key) => state[key] !== prev[key]);
}

export function mountPlanner(el, { store, planner, getCenter, getViewBox, sections = SECTIONS }) {
  const title = h('h2', { class: 'plan-title' });
  const parts = sections.map((section) => ({ section, el: h('section', section.attrs) }));
  render(el, h('header', { class: 'plan-header' }, title), h('div', { class: 'plan-body' }, parts.map((p) => p.el)));

  function draw(state, prev) {
    const t = (key, params) => translate(state.lang, key, params);
    const context = { state, t, planner, getCenter, getViewBox };
    if (!prev || state.lang !== prev.lang) title.textContent = t('plan.title');
    for (const part of parts) if (needsDraw(part.section, state, prev)) part.section.draw(part.el, context);
  }

  const drawAll = () => draw(store.get(), null);
  drawAll();
  store.subscribe((s, prev) => {
    // The hidden panel does no work; opening it draws everything once.
    if (s.view !== 'planner') return;
    draw(s, prev.view === 'planner' ? prev : null);
  });
  return { drawAll };
}

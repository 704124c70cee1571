// "How many new stations for X %" (POST /planning/cover): the target, and the greedy and exact
// counts in words.
import { h } from '../dom.js';
import { formatNumber, formatPct } from './numbers.js';
import { errorBox, field, renderKeepFocus } from './widgets.js';

/** How many new stations reach the target, greedy and exact, in words. */
export function coverWords(data, target, lang, t) {
  const lines = [];
  const max = formatPct(data.max_pct, lang);
  const targetText = formatNumber(target, lang, target % 1 ? 1 : 0);
  if (!data.reachable) lines.push(t('plan.coverUnreachable', { target: targetText, max }));
  else if (data.stations_needed === 0) lines.push(t('plan.coverAlready', { pct: formatPct(data.baseline?.coverage_pct, lang), target: targetText }));
  else if (data.stations_needed == null) lines.push(t('plan.coverTooMany', { n: formatNumber(data.parameters?.max_sites ?? 200, lang) }));
  else lines.push(t('plan.coverNeeded', { target: targetText, n: formatNumber(data.stations_needed, lang) }));
  const exact = data.exact;
  if (exact && exact.status !== 'skipped' && Number.isFinite(exact.stations_needed)) {
    lines.push(t('plan.coverExact', { n: formatNumber(exact.stations_needed, lang), status: t(`plan.status.${exact.status}`) }));
  }
  return lines.join(' ');
}

export const coverSection = {
  attrs: { class: 'plan-section plan-cover', 'data-testid': 'cover-panel' },
  reads: ['lang', 'suggestForm', 'cover'],
  draw(el, { state, t, planner }) {
    const { lang, suggestForm: f, cover } = state;
    const busy = cover.status === 'loading';
    const form = h('form', {
      class: 'cover-form',
      novalidate: true,
      onsubmit: (e) => {
        e.preventDefault();
        planner.setSuggestForm({ target: Number(new FormData(e.target).get('target')) });
        planner.runCover();
      },
    },
    h('div', { class: 'plan-control-row' },
      field(t('plan.target'), h('input', {
        type: 'number', name: 'target', min: 1, max: 100, step: 0.5, value: f.target, inputmode: 'decimal',
        'data-testid': 'cover-target', 'data-focus': 'target', onchange: (e) => planner.setSuggestForm({ target: Number(e.target.value) }),
      }), 'plan-field-narrow'),
      h('button', { type: 'submit', class: 'btn btn-secondary', disabled: busy, 'data-testid': 'cover-run', 'data-focus': 'cover-run' },
        busy ? h('span', { class: 'spinner spinner-small', 'aria-hidden': 'true' }) : null, t(busy ? 'plan.running' : 'plan.coverRun'))));
    let result = null;
    if (cover.status === 'invalid') result = h('p', { class: 'plan-warning', role: 'alert' }, t('plan.invalidTarget'));
    else if (cover.status === 'error') result = errorBox(cover.error, lang, { testid: 'cover-error', retry: planner.runCover });
    else if (cover.data) {
      result = h('div', { class: 'cover-result' },
        cover.stale ? h('p', { class: 'plan-warning', role: 'note' }, t('plan.stale')) : null,
        h('p', { class: `plan-gap${cover.stale ? ' muted' : ''}`, 'data-testid': 'cover-result' }, coverWords(cover.data, cover.data.parameters?.target_pct ?? f.target, lang, t)));
    }
    renderKeepFocus(el, h('h3', { class: 'plan-h3' }, t('plan.cover')), h('p', { class: 'plan-note muted' }, t('plan.coverFor')), form, result);
  },
};

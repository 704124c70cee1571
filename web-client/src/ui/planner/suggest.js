// The suggest form (POST /planning/suggest: how many sites, candidate layer or road grid, exact
// solver) and its answer: the coverage curve, the exact solution's gap in words, the ranked sites.
import { h } from '../dom.js';
import { renderCurveChart } from './curveChart.js';
import { districtName } from './districtTable.js';
import { formatNumber, formatPct } from './numbers.js';
import { errorBox, field, renderKeepFocus, segmented } from './widgets.js';

/** The exact solver's result next to the greedy one, in words. */
export function gapWords(data, lang, t) {
  const exact = data.exact;
  if (!exact || !exact.status) return t('plan.gapNone');
  if (exact.status === 'skipped') return t('plan.gapSkipped');
  const pct = formatPct(exact.coverage_pct, lang);
  const gap = formatNumber(Math.max(0, exact.gap_pct ?? 0), lang, 2);
  if (exact.status === 'optimal') return Math.abs(exact.gap_pct ?? 0) < 0.005 ? t('plan.gapZero', { pct }) : t('plan.gapOptimal', { pct, gap });
  if (exact.status === 'feasible') return t('plan.gapFeasible', { pct, gap });
  if (exact.status === 'timeout') {
    return Number.isFinite(exact.coverage_pct) ? t('plan.gapTimeout', { pct, gap, seconds: formatNumber(exact.seconds, lang, 1) }) : t('plan.gapSkipped');
  }
  return t('plan.gapNone');
}

export const suggestSection = {
  attrs: { class: 'plan-section plan-suggest', 'data-testid': 'suggest-panel' },
  reads: ['lang', 'plan', 'planLayers', 'suggestForm', 'suggestion', 'focusDistrict', 'coverage'],
  draw(el, { state, t, planner }) {
    const { lang, plan, planLayers, suggestForm: f, suggestion, focusDistrict } = state;
    const candidateLayers = (planLayers.data ?? []).filter((l) => l.kind === 'candidate');
    const layerOptions = candidateLayers.length ? candidateLayers : [{ name: f.candidateLayer }];
    const busy = suggestion.status === 'loading';
    const focusName = focusDistrict != null
      ? districtName(state.coverage.data?.districts?.find((d) => d.id === focusDistrict) ?? { id: focusDistrict, name: `#${focusDistrict}` }, lang)
      : null;

    const form = h('form', {
      class: 'suggest-form',
      novalidate: true,
      onsubmit: (e) => {
        e.preventDefault();
        const fd = new FormData(e.target);
        const change = { p: Number(fd.get('p')), exact: fd.get('exact') };
        if (f.source === 'grid') change.spacing = Number(fd.get('spacing'));
        else change.candidateLayer = fd.get('candidateLayer');
        planner.setSuggestForm(change);
        planner.runSuggest();
      },
    },
    h('p', { class: 'plan-note muted' }, t('plan.suggestFor', { mode: t(`mode.${plan.mode}`), minutes: plan.minutes, layer: plan.layer })),
    h('div', { class: 'plan-control-row' },
      field(t('plan.p'), h('input', {
        type: 'number', name: 'p', min: 1, max: 50, step: 1, value: f.p, inputmode: 'numeric', required: true,
        'data-testid': 'suggest-p', 'data-focus': 'p', onchange: (e) => planner.setSuggestForm({ p: Number(e.target.value) }),
      }), 'plan-field-narrow'),
      field(t('plan.exact'), h('select', { name: 'exact', 'data-focus': 'exact', onchange: (e) => planner.setSuggestForm({ exact: e.target.value }) },
        ['auto', 'always', 'never'].map((x) => h('option', { value: x, selected: f.exact === x }, t(`plan.exact.${x}`)))))),
    h('fieldset', { class: 'plan-fieldset' },
      h('legend', {}, t('plan.candidates')),
      segmented({
        label: t('plan.candidates'), testid: 'suggest-source', focusPrefix: 'source', value: f.source,
        options: [{ value: 'layer', label: t('plan.candidateLayer') }, { value: 'grid', label: t('plan.candidateGrid') }],
        onChange: (source) => planner.setSuggestForm({ source }),
      }),
      f.source === 'layer'
        ? field(t('plan.candidateLayer'), h('select', { name: 'candidateLayer', 'data-focus': 'candidateLayer', onchange: (e) => planner.setSuggestForm({ candidateLayer: e.target.value }) },
          layerOptions.map((l) => h('option', { value: l.name, selected: l.name === f.candidateLayer },
            Number.isFinite(l.point_count) ? t('plan.layerPoints', { name: l.name, n: formatNumber(l.point_count, lang) }) : l.name))))
        : h('div', {},
          field(t('plan.spacing'), h('input', {
            type: 'number', name: 'spacing', min: 300, max: 5000, step: 100, value: f.spacing, inputmode: 'numeric',
            'data-focus': 'spacing', onchange: (e) => planner.setSuggestForm({ spacing: Number(e.target.value) }),
          }), 'plan-field-narrow'),
          h('p', { class: 'plan-note muted' }, focusName ? t('plan.gridDistrict', { name: focusName }) : t('plan.gridAll')))),
    h('div', { class: 'actions-row' },
      h('button', { type: 'submit', class: 'btn btn-primary', disabled: busy, 'data-testid': 'suggest-run', 'data-focus': 'run' },
        busy ? h('span', { class: 'spinner spinner-small spinner-light', 'aria-hidden': 'true' }) : null, t(busy ? 'plan.running' : 'plan.run')),
      suggestion.data ? h('button', { type: 'button', class: 'btn btn-secondary', 'data-focus': 'clear', onclick: planner.clearSuggestion }, t('plan.clear')) : null));

    let result = null;
    const data = suggestion.data;
    if (data) {
      const curve = data.curve ?? [];
      const first = curve[0]?.coverage_pct ?? data.baseline?.coverage_pct;
      const last = curve.at(-1)?.coverage_pct;
      const chart = renderCurveChart(curve, data.exact, {
        label: t('plan.curveLabel', { from: formatPct(first, lang), to: formatPct(last, lang), n: curve.at(-1)?.stations ?? 0 }),
        axisX: t('plan.axisStations'), axisY: t('plan.axisPct'), greedyLabel: t('plan.greedy'), exactLabel: t('plan.exactPoint'),
      });
      result = h('div', { class: `suggest-result${suggestion.stale ? ' stale' : ''}`, 'data-testid': 'suggest-result' },
        suggestion.stale ? h('p', { class: 'plan-warning', role: 'note' }, t('plan.stale')) : null,
        h('h4', { class: 'plan-h4' }, t('plan.curve')),
        chart,
        h('p', { class: 'plan-gap', 'data-testid': 'exact-gap' }, gapWords(data, lang, t)),
        h('h4', { class: 'plan-h4' }, t('plan.sites')),
        h('ol', { class: 'site-list', 'data-testid': 'suggested-sites' },
          (data.sites ?? []).map((s) => h('li', { 'data-rank': s.rank },
            h('span', { class: 'site-rank', 'aria-hidden': 'true' }, String(s.rank)),
            h('span', { class: 'site-text' },
              h('span', { class: 'site-name' }, s.label || t('plan.siteLabel', { rank: s.rank })),
              h('span', { class: 'site-line' }, t('plan.siteLine', { newly: formatNumber(s.newly_covered, lang), pct: formatPct(s.cumulative_pct, lang) })))))),
        Number.isFinite(data.candidates_considered)
          ? h('p', { class: 'plan-meta' }, t('plan.considered', { n: formatNumber(data.candidates_considered, lang), seconds: formatNumber(data.seconds, lang, 2) }))
          : null);
    }
    let problem = null;
    if (suggestion.status === 'invalid') {
      problem = h('p', { class: 'plan-warning', role: 'alert', 'data-testid': 'suggest-invalid' }, t(/spacing/.test(suggestion.error?.message) ? 'plan.invalidSpacing' : 'plan.invalidP'));
    } else if (suggestion.status === 'error') {
      problem = errorBox(suggestion.error, lang, { testid: 'suggest-error', retry: planner.runSuggest });
    }
    renderKeepFocus(el, h('h3', { class: 'plan-h3' }, t('plan.suggest')), form, problem, result);
  },
};

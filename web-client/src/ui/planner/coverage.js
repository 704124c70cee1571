// What the coverage answer says: the headline (share of demand reached, totals, the scenario
// when a what-if is active), the map legend, and the per-district table.
import { gapClasses, UNREACHABLE_COLOR } from '../../map/layers/gaps.js';
import { h } from '../dom.js';
import { renderDistrictTable } from './districtTable.js';
import { formatNumber, formatPct } from './numbers.js';
import { errorBox, formatInstant, renderKeepFocus } from './widgets.js';

export const headlineSection = {
  attrs: { class: 'plan-section plan-headline-section', 'aria-live': 'polite' },
  reads: ['lang', 'plan', 'coverage', 'whatIf'],
  draw(el, { state, t, planner }) {
    const { lang, plan, coverage, whatIf } = state;
    const data = coverage.data;
    const busy = coverage.status === 'loading';
    const stat = (label, value) => h('div', { class: 'plan-stat' }, h('dt', {}, label), h('dd', {}, value));
    const minutes = (v) => (Number.isFinite(v) ? t('plan.minutesValue', { n: formatNumber(v, lang, 1) }) : t('plan.none'));
    renderKeepFocus(el,
      data
        ? h('div', { class: 'plan-headline', 'aria-busy': busy ? 'true' : 'false', 'data-testid': 'coverage-headline' },
          h('div', { class: 'plan-big-row' },
            h('span', { class: 'plan-big', 'data-testid': 'coverage-pct', 'data-value': data.coverage_pct }, `${formatPct(data.coverage_pct, lang)}%`),
            h('span', { class: 'plan-big-caption' }, t('plan.headline', { minutes: data.minutes ?? plan.minutes, mode: t(`mode.${data.mode ?? plan.mode}`) })),
            busy ? h('span', { class: 'spinner spinner-small', role: 'status', 'aria-label': t('plan.loading') }) : null),
          whatIf.status === 'ok' && whatIf.data?.scenario
            ? h('p', { class: 'plan-whatif-inline' }, `${t('plan.scenario')}: `,
              h('strong', {}, t('plan.baselineToScenario', { baseline: formatPct(whatIf.data.baseline?.coverage_pct, lang), scenario: formatPct(whatIf.data.scenario.coverage_pct, lang) })))
            : null,
          h('dl', { class: 'plan-stats' },
            stat(t('plan.covered'), t('plan.coveredOf', { covered: formatNumber(data.covered_demand, lang), total: formatNumber(data.total_demand, lang) })),
            Number.isFinite(data.points) ? stat(t('plan.points'), t('plan.pointsOf', { covered: formatNumber(data.covered_points, lang), total: formatNumber(data.points, lang) })) : null,
            stat(t('plan.mean'), minutes(data.mean_minutes)),
            stat(t('plan.p95'), minutes(data.p95_minutes)),
            Number.isFinite(data.stations_considered) ? stat(t('plan.stations'), formatNumber(data.stations_considered, lang)) : null,
            data.at && data.stations_closed_at > 0 ? stat(t('plan.closedAt'), formatNumber(data.stations_closed_at, lang)) : null,
            data.off_network_demand > 0 ? stat(t('plan.offNetwork'), formatNumber(data.off_network_demand, lang)) : null),
          h('p', { class: 'plan-meta' },
            data.at ? h('span', {}, t('plan.atScenario', { time: formatInstant(data.at) })) : null,
            data.data_time ? h('span', {}, t('plan.dataTime', { time: formatInstant(data.data_time), version: data.graph_version ?? '?' })) : null))
        : coverage.status !== 'error'
          ? h('div', { class: 'placeholder', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), t('plan.loading'))
          : null,
      coverage.status === 'error' ? errorBox(coverage.error, lang, { testid: 'coverage-error', retry: planner.loadCoverage, title: t('plan.error') }) : null);
  },
};

export const legendSection = {
  attrs: { class: 'plan-section plan-legend-section' },
  reads: ['lang', 'plan', 'showGaps'],
  draw(el, { state, t }) {
    const { plan, showGaps } = state;
    const swatch = (color, extra = '') => h('span', { class: `legend-swatch ${extra}`, style: { background: color }, 'aria-hidden': 'true' });
    renderKeepFocus(el,
      h('h3', { class: 'plan-h3' }, t('plan.legend')),
      showGaps
        ? h('ul', { class: 'gap-legend', 'data-testid': 'gap-legend' },
          gapClasses(plan.minutes).map((c) => h('li', { class: c.covered ? 'covered' : 'uncovered' }, swatch(c.color),
            c.to == null ? t('plan.legendOver', { from: c.from }) : t('plan.legendRange', { from: c.from, to: c.to }))),
          h('li', {}, swatch(UNREACHABLE_COLOR), t('plan.legendUnreachable')))
        : null,
      h('ul', { class: 'gap-legend symbols' },
        h('li', {}, swatch('#dc2626', 'dot ring'), t('plan.legendUncovered')),
        h('li', {}, swatch('#475569', 'dot faint'), t('plan.legendDemand')),
        h('li', {}, swatch('#6d28d9', 'dot big'), t('plan.legendSite')),
        h('li', {}, swatch('#ea580c', 'dot big'), t('plan.legendHypothetical'))));
  },
};

export const districtsSection = {
  attrs: { class: 'plan-section plan-districts' },
  reads: ['lang', 'coverage', 'districtSort', 'focusDistrict'],
  draw(el, { state, t, planner }) {
    const { lang, coverage, districtSort, focusDistrict } = state;
    const data = coverage.data;
    renderKeepFocus(el,
      h('h3', { class: 'plan-h3' }, t('plan.districts')),
      !data ? null
        : (data.districts ?? []).length === 0
          ? h('p', { class: 'muted plan-note' }, t('plan.noDistricts'))
          : h('div', { class: 'table-scroll' }, renderDistrictTable({ lang, coverage: data, districtSort, focusDistrict }, planner)));
  },
};

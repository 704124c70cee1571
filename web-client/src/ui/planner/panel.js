// The planner panel: analysis settings, the coverage headline, the gap legend, the district
// table, the suggest form with its sites and curve, the what-if scenario and the exports.
// Each section redraws only when its part of the state changes, and keeps keyboard focus on the
// control that had it (controls carry a data-focus key), so the panel is usable from the keyboard.
import { PLAN_MINUTES, TRAVEL_MODES } from '../../api/requests.js';
import { stationName, translate } from '../../i18n/index.js';
import { gapClasses, UNREACHABLE_COLOR } from '../../map/layers/gaps.js';
import { h, render } from '../dom.js';
import { errorText } from '../errors.js';
import { localParts } from '../format.js';
import { icon } from '../icons.js';
import { renderCurveChart } from './curveChart.js';
import { districtName, renderDistrictTable } from './districtTable.js';
import { formatNumber, formatPct, signed } from './numbers.js';

const TIME_ZONE = 'Asia/Shanghai';

function renderKeepFocus(container, ...children) {
  const active = document.activeElement;
  const key = active && container.contains(active) ? active.dataset?.focus : null;
  render(container, ...children);
  if (key) container.querySelector(`[data-focus="${key}"]`)?.focus();
}

function formatInstant(iso) {
  const date = iso ? new Date(iso) : null;
  if (!date || Number.isNaN(date.getTime())) return '';
  const { day, time } = localParts(date, TIME_ZONE);
  return `${day} ${time}`;
}

/** A row of radio-like buttons (role radiogroup) with arrow-key movement between them. */
function segmented({ label, options, value, onChange, testid, focusPrefix }) {
  const group = h('div', { class: 'segmented', role: 'radiogroup', 'aria-label': label, 'data-testid': testid },
    options.map((o) => h('button', {
      type: 'button',
      role: 'radio',
      class: `segment${o.value === value ? ' active' : ''}`,
      'aria-checked': o.value === value ? 'true' : 'false',
      tabindex: o.value === value ? '0' : '-1',
      'data-value': o.value,
      'data-focus': `${focusPrefix}-${o.value}`,
      onclick: () => onChange(o.value),
    }, o.icon ? icon(o.icon, { size: 16 }) : null, o.label)));
  group.addEventListener('keydown', (e) => {
    const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[e.key];
    if (!step) return;
    e.preventDefault();
    const i = options.findIndex((o) => o.value === value);
    const next = options[(i + step + options.length) % options.length];
    onChange(next.value);
  });
  return group;
}

function field(label, control, extraClass = '') {
  return h('label', { class: `plan-field ${extraClass}` }, h('span', { class: 'plan-field-label' }, label), control);
}

function errorBox(err, lang, { testid, retry, title }) {
  return h('div', { class: 'error-box plan-error', role: 'alert', 'data-testid': testid },
    h('p', { class: 'error-text' }, title ? h('strong', {}, title, ' ') : null, errorText(err, lang)),
    retry ? h('button', { type: 'button', class: 'btn btn-small', onclick: retry }, icon('retry', { size: 16 }), translate(lang, 'error.retry')) : null);
}

export function mountPlanner(el, { store, planner, getCenter, getViewBox }) {
  const sections = {
    controls: h('section', { class: 'plan-section plan-controls' }),
    headline: h('section', { class: 'plan-section plan-headline-section', 'aria-live': 'polite' }),
    legend: h('section', { class: 'plan-section plan-legend-section' }),
    districts: h('section', { class: 'plan-section plan-districts' }),
    suggest: h('section', { class: 'plan-section plan-suggest', 'data-testid': 'suggest-panel' }),
    cover: h('section', { class: 'plan-section plan-cover', 'data-testid': 'cover-panel' }),
    whatIf: h('section', { class: 'plan-section plan-whatif', 'data-testid': 'whatif-panel' }),
    exports: h('section', { class: 'plan-section plan-exports' }),
  };
  const title = h('h2', { class: 'plan-title' });
  render(el, h('header', { class: 'plan-header' }, title), h('div', { class: 'plan-body' }, Object.values(sections)));

  const t = (key, params) => translate(store.get().lang, key, params);

  function drawControls() {
    const { lang, plan, planLayers, showGaps } = store.get();
    const demandLayers = (planLayers.data ?? []).filter((l) => l.kind === 'demand');
    const layerOptions = demandLayers.length ? demandLayers : [{ name: plan.layer }];
    const hours = Array.from({ length: 24 }, (_, i) => String(i));
    renderKeepFocus(sections.controls,
      h('h3', { class: 'sr-only' }, t('plan.params')),
      h('div', { class: 'plan-control-row' },
        field(t('plan.mode'), segmented({
          label: t('plan.mode'), testid: 'plan-mode', focusPrefix: 'mode', value: plan.mode,
          options: TRAVEL_MODES.map((m) => ({ value: m, label: t(`mode.${m}`), icon: m })).reverse(),
          onChange: (mode) => planner.setPlan({ mode }),
        }), 'plan-field-inline'),
        field(t('plan.minutes'), segmented({
          label: t('plan.minutes'), testid: 'plan-minutes', focusPrefix: 'minutes', value: String(plan.minutes),
          options: PLAN_MINUTES.map((m) => ({ value: String(m), label: t('plan.minutesN', { n: m }) })),
          onChange: (m) => planner.setPlan({ minutes: Number(m) }),
        }), 'plan-field-inline')),
      h('div', { class: 'plan-control-row' },
        field(t('plan.layer'), h('select', {
          'data-testid': 'plan-layer', 'data-focus': 'layer', onchange: (e) => planner.setPlan({ layer: e.target.value }),
        }, layerOptions.map((l) => h('option', { value: l.name, selected: l.name === plan.layer },
          Number.isFinite(l.point_count) ? t('plan.layerPoints', { name: l.name, n: formatNumber(l.point_count, lang) }) : l.name)))),
        field(t('plan.openAt'), h('select', {
          'data-testid': 'plan-open-at', 'data-focus': 'openAt', onchange: (e) => planner.setPlan({ openAt: e.target.value }),
        },
        h('option', { value: 'all', selected: plan.openAt === 'all' }, t('plan.openAll')),
        h('option', { value: 'now', selected: plan.openAt === 'now' }, t('plan.openNow')),
        hours.map((hr) => h('option', { value: hr, selected: plan.openAt === hr }, t('plan.openHour', { hour: hr.padStart(2, '0') })))))),
      h('label', { class: 'plan-check' },
        h('input', { type: 'checkbox', checked: showGaps, 'data-focus': 'gaps', 'data-testid': 'plan-show-gaps', onchange: planner.toggleGaps }),
        h('span', {}, t('plan.showGaps'))),
      planLayers.status === 'error' ? errorBox(planLayers.error, lang, { testid: 'layers-error', retry: planner.loadLayers }) : null);
  }

  function drawHeadline() {
    const { lang, plan, coverage, whatIf } = store.get();
    const data = coverage.data;
    const busy = coverage.status === 'loading';
    const stat = (label, value) => h('div', { class: 'plan-stat' }, h('dt', {}, label), h('dd', {}, value));
    const minutes = (v) => (Number.isFinite(v) ? t('plan.minutesValue', { n: formatNumber(v, lang, 1) }) : t('plan.none'));
    renderKeepFocus(sections.headline,
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
  }

  function drawLegend() {
    const { plan, showGaps } = store.get();
    const swatch = (color, extra = '') => h('span', { class: `legend-swatch ${extra}`, style: { background: color }, 'aria-hidden': 'true' });
    renderKeepFocus(sections.legend,
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
  }

  function drawDistricts() {
    const { lang, coverage, districtSort, focusDistrict } = store.get();
    const data = coverage.data;
    renderKeepFocus(sections.districts,
      h('h3', { class: 'plan-h3' }, t('plan.districts')),
      !data ? null
        : (data.districts ?? []).length === 0
          ? h('p', { class: 'muted plan-note' }, t('plan.noDistricts'))
          : h('div', { class: 'table-scroll' }, renderDistrictTable({ lang, coverage: data, districtSort, focusDistrict }, planner)));
  }

  function gapWords(data, lang) {
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

  function drawSuggest() {
    const { lang, plan, planLayers, suggestForm: f, suggestion, focusDistrict } = store.get();
    const candidateLayers = (planLayers.data ?? []).filter((l) => l.kind === 'candidate');
    const layerOptions = candidateLayers.length ? candidateLayers : [{ name: f.candidateLayer }];
    const busy = suggestion.status === 'loading';
    const focusName = focusDistrict != null
      ? districtName(store.get().coverage.data?.districts?.find((d) => d.id === focusDistrict) ?? { id: focusDistrict, name: `#${focusDistrict}` }, lang)
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
        h('p', { class: 'plan-gap', 'data-testid': 'exact-gap' }, gapWords(data, lang)),
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
    renderKeepFocus(sections.suggest, h('h3', { class: 'plan-h3' }, t('plan.suggest')), form, problem, result);
  }

  function coverWords(data, target, lang) {
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

  function drawCover() {
    const { lang, suggestForm: f, cover } = store.get();
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
        h('p', { class: `plan-gap${cover.stale ? ' muted' : ''}`, 'data-testid': 'cover-result' }, coverWords(cover.data, cover.data.parameters?.target_pct ?? f.target, lang)));
    }
    renderKeepFocus(sections.cover, h('h3', { class: 'plan-h3' }, t('plan.cover')), h('p', { class: 'plan-note muted' }, t('plan.coverFor')), form, result);
  }

  function drawWhatIf() {
    const { lang, whatIf, mapStations } = store.get();
    const nameOf = (id) => {
      const f = mapStations.find((s) => Number(s.id ?? s.properties?.id) === id);
      return f ? stationName(f.properties ?? f, lang) : t('plan.station', { id });
    };
    const addedInfo = new Map();
    (whatIf.data?.added ?? []).forEach((a, i) => addedInfo.set(whatIf.added[i]?.key, a));
    const busy = whatIf.status === 'loading' || whatIf.status === 'pending';
    let result = null;
    if (whatIf.data?.scenario && (whatIf.added.length || whatIf.removed.length)) {
      const d = whatIf.data;
      const dp = signed(d.delta_pct, lang, 1);
      const dc = signed(d.delta_covered, lang, 0);
      result = h('div', {
        class: `whatif-result${busy ? ' busy' : ''}${d.delta_pct > 0 ? ' up' : d.delta_pct < 0 ? ' down' : ''}`,
        'data-testid': 'whatif-result', 'data-scenario-pct': d.scenario.coverage_pct, 'aria-busy': busy ? 'true' : 'false',
      },
      h('span', { class: 'plan-field-label' }, t('plan.scenario')),
      h('span', { class: 'whatif-numbers' }, t('plan.baselineToScenario', { baseline: formatPct(d.baseline?.coverage_pct, lang), scenario: formatPct(d.scenario.coverage_pct, lang) })),
      h('span', { class: 'whatif-delta', 'data-testid': 'whatif-delta' }, t('plan.delta', { pct: `${dp.sign}${dp.text}`, covered: `${dc.sign}${dc.text}` })));
    }
    renderKeepFocus(sections.whatIf,
      h('h3', { class: 'plan-h3' }, t('plan.whatIf')),
      h('p', { class: 'plan-note muted' }, t('plan.whatIfHint')),
      h('div', { class: 'actions-row' },
        h('button', { type: 'button', class: 'btn btn-secondary', 'data-testid': 'whatif-add', 'data-focus': 'whatif-add', onclick: () => planner.addStation(getCenter()) },
          icon('addPin', { size: 18 }), t('plan.addStation')),
        whatIf.added.length || whatIf.removed.length
          ? h('button', { type: 'button', class: 'btn btn-small', 'data-focus': 'whatif-reset', onclick: planner.resetWhatIf }, t('plan.reset')) : null),
      result,
      busy ? h('p', { class: 'plan-meta', role: 'status' }, t('plan.updating')) : null,
      whatIf.status === 'error' ? errorBox(whatIf.error, lang, { testid: 'whatif-error', retry: planner.runWhatIf }) : null,
      whatIf.added.length
        ? h('div', {}, h('h4', { class: 'plan-h4' }, t('plan.added')),
          h('ul', { class: 'edit-list' }, whatIf.added.map((a) => {
            const info = addedInfo.get(a.key);
            return h('li', { 'data-key': a.key },
              h('span', {}, t('plan.hypothetical', { key: a.key }),
                info && Number.isFinite(info.newly_covered) ? h('span', { class: 'muted' }, ` · ${t('plan.newlyCovered', { n: formatNumber(info.newly_covered, lang) })}`) : null,
                info && Number.isFinite(info.snap_distance_m) ? h('span', { class: 'muted' }, ` · ${t('plan.snapped', { n: formatNumber(info.snap_distance_m, lang) })}`) : null),
              h('button', { type: 'button', class: 'btn-icon btn-icon-small', 'aria-label': t('plan.removeAdded', { key: a.key }), 'data-focus': `del-${a.key}`, onclick: () => planner.removeAdded(a.key) }, icon('close', { size: 16 })));
          })))
        : null,
      whatIf.removed.length
        ? h('div', {}, h('h4', { class: 'plan-h4' }, t('plan.removed')),
          h('ul', { class: 'edit-list' }, whatIf.removed.map((id) => h('li', { 'data-station-id': id },
            h('span', {}, nameOf(id)),
            h('button', { type: 'button', class: 'btn btn-small', 'data-focus': `restore-${id}`, 'aria-label': t('plan.restore', { name: nameOf(id) }), onclick: () => planner.toggleRemoved(id) }, t('plan.restoreShort'))))))
        : null);
  }

  function drawExports() {
    const { lang, exporting, suggestion } = store.get();
    const names = { districts: t('plan.exportDistricts'), gaps: t('plan.exportGaps'), suggestions: t('plan.exportSites') };
    const button = (what, format, label) => h('button', {
      type: 'button', class: 'btn btn-small', 'data-export': `${what}.${format}`, 'data-focus': `export-${what}-${format}`,
      // "CSV" alone says nothing to a screen reader: name what is exported too.
      'aria-label': `${names[what]} · ${label}`,
      disabled: (what === 'suggestions' && !suggestion.data) || (exporting.status === 'loading' && exporting.what === `${what}.${format}`),
      onclick: () => planner.exportFile(what, format, { getViewBox }),
    }, label);
    renderKeepFocus(sections.exports,
      h('h3', { class: 'plan-h3' }, t('plan.exports')),
      h('div', { class: 'export-grid' },
        h('span', { class: 'export-label' }, t('plan.exportDistricts')), h('span', { class: 'export-buttons' }, button('districts', 'csv', 'CSV'), button('districts', 'geojson', 'GeoJSON')),
        h('span', { class: 'export-label' }, t('plan.exportGaps')), h('span', { class: 'export-buttons' }, button('gaps', 'geojson', 'GeoJSON')),
        h('span', { class: 'export-label' }, t('plan.exportSites')), h('span', { class: 'export-buttons' }, button('suggestions', 'csv', 'CSV'), button('suggestions', 'geojson', 'GeoJSON'))),
      h('p', { class: 'plan-note muted' }, t('plan.exportGapsHint')),
      exporting.status === 'loading' ? h('p', { class: 'plan-meta', role: 'status' }, t('plan.exporting')) : null,
      exporting.status === 'error'
        ? h('p', { class: 'plan-warning', role: 'alert', 'data-testid': 'export-error' }, t('plan.exportFailed', { reason: errorText(exporting.error, lang) }))
        : null);
  }

  function drawTitle() {
    title.textContent = t('plan.title');
  }

  const plan = [
    [drawTitle, ['lang']],
    [drawControls, ['lang', 'plan', 'planLayers', 'showGaps']],
    [drawHeadline, ['lang', 'plan', 'coverage', 'whatIf']],
    [drawLegend, ['lang', 'plan', 'showGaps']],
    [drawDistricts, ['lang', 'coverage', 'districtSort', 'focusDistrict']],
    [drawSuggest, ['lang', 'plan', 'planLayers', 'suggestForm', 'suggestion', 'focusDistrict', 'coverage']],
    [drawCover, ['lang', 'suggestForm', 'cover']],
    [drawWhatIf, ['lang', 'whatIf', 'mapStations']],
    [drawExports, ['lang', 'exporting', 'suggestion']],
  ];
  const drawAll = () => { for (const [draw] of plan) draw(); };
  drawAll();
  store.subscribe((s, prev) => {
    if (s.view !== 'planner') return;
    if (prev.view !== 'planner') return drawAll();
    for (const [draw, keys] of plan) if (keys.some((k) => s[k] !== prev[k])) draw();
  });
  return { drawAll };
}

// The what-if scenario: add a hypothetical station at the map centre (then drag it on the map),
// the stations taken out, and baseline → scenario coverage with the signed change.
import { stationName } from '../../i18n/index.js';
import { h } from '../dom.js';
import { icon } from '../icons.js';
import { formatNumber, formatPct, signed } from './numbers.js';
import { errorBox, renderKeepFocus } from './widgets.js';

export const whatIfSection = {
  attrs: { class: 'plan-section plan-whatif', 'data-testid': 'whatif-panel' },
  reads: ['lang', 'whatIf', 'mapStations'],
  draw(el, { state, t, planner, getCenter }) {
    const { lang, whatIf, mapStations } = state;
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
    renderKeepFocus(el,
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
  },
};

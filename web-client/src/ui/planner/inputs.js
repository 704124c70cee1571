// The analysis settings shared by every planner request: travel mode, minutes, demand layer,
// which stations count as open, and whether the gap surface is drawn.
import { PLAN_MINUTES, TRAVEL_MODES } from '../../api/requests.js';
import { h } from '../dom.js';
import { formatNumber } from './numbers.js';
import { errorBox, field, renderKeepFocus, segmented } from './widgets.js';

export const inputsSection = {
  attrs: { class: 'plan-section plan-controls' },
  reads: ['lang', 'plan', 'planLayers', 'showGaps'],
  draw(el, { state, t, planner }) {
    const { lang, plan, planLayers, showGaps } = state;
    const demandLayers = (planLayers.data ?? []).filter((l) => l.kind === 'demand');
    const layerOptions = demandLayers.length ? demandLayers : [{ name: plan.layer }];
    const hours = Array.from({ length: 24 }, (_, i) => String(i));
    renderKeepFocus(el,
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
  },
};

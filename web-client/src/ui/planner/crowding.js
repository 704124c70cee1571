// The planner's live-layer section: one station's usual crowding for each hour of a weekday as a
// 24-bar chart with the peaks (usually full) marked, and the open-faults map layer's checkbox.
import { WEEKDAYS, crowdingDay, formatRanges, peakRanges, PEAK_SCORE, todayWeekday } from '../../planner/crowding.js';
import { h } from '../dom.js';
import { errorBox, field, renderKeepFocus } from './widgets.js';

const SVG = 'http://www.w3.org/2000/svg';
const MAX_OPTIONS = 400;

function svg(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) if (c) el.appendChild(c);
  return el;
}

/** The 24-hour bar chart: height = typical score (0 … 2); peak hours red; hours with too few check-ins a grey stub. */
export function crowdingChart(day, { label, threshold = PEAK_SCORE } = {}) {
  const width = 24 * 12;
  const height = 80;
  const bars = day.map(({ hour, score, samples }) => {
    const x = hour * 12 + 1;
    if (score == null) return svg('rect', { x, y: height - 2, width: 10, height: 2, class: 'crowd-bar crowd-bar-none', 'data-hour': hour });
    const barH = Math.max(2, Math.round((Math.min(2, Math.max(0, score)) / 2) * (height - 4)));
    const peak = score >= threshold;
    const bar = svg('rect', { x, y: height - barH, width: 10, height: barH, class: `crowd-bar${peak ? ' crowd-bar-peak' : ''}`, 'data-hour': hour, 'data-score': score });
    bar.appendChild(svg('title', {})).textContent = `${hour}:00 · ${score.toFixed(2)} · n=${samples}`;
    return bar;
  });
  const axis = [0, 6, 12, 18, 23].map((hour) => {
    const text = svg('text', { x: hour * 12 + 6, y: height + 12, 'text-anchor': 'middle', class: 'crowd-axis' });
    text.textContent = String(hour);
    return text;
  });
  const line = svg('line', { x1: 0, x2: width, y1: height - (threshold / 2) * (height - 4), y2: height - (threshold / 2) * (height - 4), class: 'crowd-threshold' });
  return svg('svg', { viewBox: `0 0 ${width} ${height + 16}`, class: 'crowd-chart', role: 'img', 'aria-label': label, 'data-testid': 'crowding-chart' }, line, ...bars, ...axis);
}

function stationOptions(state, getViewBox) {
  const box = getViewBox?.();
  const inView = (f) => {
    const [x, y] = f.geometry?.coordinates ?? [];
    return !box || (x >= box[0] && x <= box[2] && y >= box[1] && y <= box[3]);
  };
  return (state.mapStations ?? []).filter(inView).slice(0, MAX_OPTIONS)
    .map((f) => ({ id: Number(f.id ?? f.properties?.id), name: (state.lang === 'en' && f.properties?.name_en) || f.properties?.name || `#${f.id}` }))
    .sort((a, b) => a.name.localeCompare(b.name, state.lang === 'en' ? 'en' : 'zh-CN'));
}

export const crowdingSection = {
  attrs: { class: 'plan-section plan-crowding-section', 'data-testid': 'plan-crowding' },
  reads: ['lang', 'crowding', 'faults', 'showFaults', 'mapStations'],
  draw(el, { state, t, planner, getViewBox }) {
    const { crowding, faults, lang } = state;
    const weekday = crowding.weekday ?? todayWeekday();
    const options = stationOptions(state, getViewBox);
    if (crowding.stationId != null && !options.some((o) => o.id === crowding.stationId)) {
      const f = (state.mapStations ?? []).find((s) => Number(s.id ?? s.properties?.id) === crowding.stationId);
      options.unshift({ id: crowding.stationId, name: f?.properties?.name ?? `#${crowding.stationId}` });
    }
    const select = h('select', { 'data-focus': 'crowding-station', 'data-testid': 'crowding-station', onchange: (e) => planner.loadCrowding(e.target.value ? Number(e.target.value) : null) },
      h('option', { value: '' }, '—'),
      options.map((o) => h('option', { value: o.id, selected: o.id === crowding.stationId || null }, o.name)));
    const days = h('select', { 'data-focus': 'crowding-weekday', 'data-testid': 'crowding-weekday', onchange: (e) => planner.setCrowdingWeekday(e.target.value) },
      WEEKDAYS.map((d) => h('option', { value: d, selected: d === weekday || null }, t(`weekday.${d}`))));
    let body = null;
    if (crowding.status === 'error') body = errorBox(crowding.error, lang, { testid: 'crowding-error', retry: () => planner.loadCrowding(crowding.stationId) });
    else if (crowding.status === 'loading') body = h('p', { class: 'placeholder', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), t('plan.loading'));
    else if (crowding.status === 'ok') {
      const day = crowdingDay(crowding.data, weekday);
      const peaks = peakRanges(day);
      const name = options.find((o) => o.id === crowding.stationId)?.name ?? '';
      body = day.every((d) => d.score == null)
        ? h('p', { class: 'muted', 'data-testid': 'crowding-none' }, t('plan.crowding.none'))
        : h('div', { class: 'crowd-block' },
          h('p', { class: 'plan-h3' }, t('plan.crowding.for', { station: name, weekday: t(`weekday.${weekday}`) })),
          crowdingChart(day, { label: t('plan.crowding.axis') }),
          h('p', { class: peaks.length ? 'crowd-peaks' : 'muted', 'data-testid': 'crowding-peaks' },
            peaks.length ? t('plan.crowding.peak', { hours: formatRanges(peaks, lang) }) : t('plan.crowding.noPeak')),
          h('p', { class: 'muted plan-meta' }, t('plan.crowding.axis')));
    } else body = h('p', { class: 'muted' }, t('plan.crowding.pick'));
    const faultCount = faults.data?.features?.length;
    renderKeepFocus(el,
      h('h3', { class: 'plan-h3' }, t('plan.crowding.title')),
      h('div', { class: 'plan-fieldset' }, field(t('plan.crowding.station'), select), field(t('plan.crowding.weekday'), days)),
      body,
      h('label', { class: 'plan-check' },
        h('input', { type: 'checkbox', checked: state.showFaults, 'data-focus': 'faults', 'data-testid': 'plan-show-faults', onchange: planner.toggleFaults }),
        h('span', {}, t('plan.faults.show')),
        Number.isFinite(faultCount) ? h('span', { class: 'muted', 'data-testid': 'faults-count' }, ` · ${t('plan.faults.count', { n: faultCount })}`) : null),
      faults.status === 'error' ? errorBox(faults.error, lang, { testid: 'faults-error', retry: () => planner.loadFaults(getViewBox?.()) }) : null);
  },
};

// Live state on screen: the badges (list, sheet) and the sheet's "现在 / Right now" section with
// the two taps, check in and report. A live badge is solid and says its age and source; a
// typical one is muted, dashed and italic and starts with "通常 / Usually".
import { translate } from '../i18n/index.js';
import { liveErrorText, reportableAmenities, reportStates } from '../live/actions.js';
import { CROWDING, formatAge, liveBadgeViews, sourceLabel } from '../live/format.js';
import { h } from './dom.js';
import { icon } from './icons.js';

/** The badges of a station's live state; compact (the list) leaves out age and source words. */
export function liveBadges(live, lang, { compact = false, now = new Date() } = {}) {
  const views = liveBadgeViews(live, lang, now);
  if (!views.length) return null;
  return h('span', { class: 'live-badges', 'data-testid': 'live-badges' },
    views.map((v) => h('span', {
      class: `live-badge live-${v.kind} live-${v.key}${v.key === 'crowding' ? ` crowd-${v.value}` : ''}`,
      'data-live': v.key,
      'data-kind': v.kind,
      'data-value': v.value,
      title: v.title,
    },
    v.text,
    !compact && v.kind === 'live' && v.age ? h('span', { class: 'live-meta' }, ` · ${v.age}${v.sourceText ? ` · ${v.sourceText}` : ''}`) : null)));
}

function liveRows(station, lang, t, now) {
  const live = station.live ?? {};
  const rows = [];
  for (const [amenity, value] of Object.entries(live.amenities ?? {})) {
    rows.push(h('li', { class: `live-amenity live-amenity-${value.value}`, 'data-amenity': amenity, 'data-state': value.value },
      icon(amenity, { size: 16 }), ' ', t(`amenity.${amenity}`), ': ', h('strong', {}, t(`live.amenity.${value.value}`)),
      h('span', { class: 'live-meta' }, ` · ${formatAge(value.as_of, lang, now)} · ${sourceLabel(value.source, lang)}`),
      value.ticket_state ? h('span', { class: 'tag' }, t(`ticket.${value.ticket_state}`)) : null));
  }
  for (const f of live.faults ?? []) {
    if (live.amenities?.[f.amenity]) continue; // already said on its amenity's row
    rows.push(h('li', { class: 'live-fault', 'data-ticket': f.id },
      icon('warning', { size: 16 }), ' ',
      t('live.fault.item', { amenity: f.amenity === 'station' ? t('report.station') : t(`amenity.${f.amenity}`), problem: t(`live.problem.${f.problem}`), state: t(`ticket.${f.state}`) })));
  }
  return rows;
}

function doneText(done, t) {
  if (done?.kind === 'checkin') return t('checkin.done');
  if (done?.ticket?.id) return t('report.doneTicket', { id: done.ticket.id, state: t(`ticket.${done.ticket.state}`) });
  return t('report.done');
}

function statusLine(action, lang, t) {
  if (action.status === 'locating') return h('p', { class: 'placeholder', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), t('checkin.locating'));
  if (action.status === 'sending') return h('p', { class: 'placeholder', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), t(action.mode === 'checkin' ? 'checkin.sending' : 'report.sending'));
  if (action.status === 'error') return h('div', { class: 'error-box', role: 'alert', 'data-testid': 'live-error' }, icon('warning', { size: 18 }), h('p', { class: 'error-text' }, liveErrorText(action.error, lang)));
  if (action.status === 'queued') return h('p', { class: 'live-done live-queued', role: 'status', 'data-testid': 'live-queued' }, icon('clock', { size: 16 }), t('outbox.queued'));
  if (action.status === 'ok') return h('p', { class: 'live-done', role: 'status', 'data-testid': 'live-done' }, icon('check', { size: 16 }), doneText(action.done, t));
  return null;
}

function choice(label, attrs) {
  return h('button', { type: 'button', class: 'btn btn-secondary btn-small live-choice', ...attrs }, label);
}

function checkinPanel(action, actions, t) {
  const busy = action.status === 'locating' || action.status === 'sending';
  return h('div', { class: 'live-panel', 'data-testid': 'checkin-panel' },
    h('p', { class: 'live-ask' }, t('checkin.ask')),
    h('div', { class: 'live-choices', role: 'group', 'aria-label': t('crowding.label') },
      CROWDING.map((c) => choice(t(`crowding.${c}`), { 'data-crowding': c, class: `btn btn-secondary live-choice crowd-${c}`, disabled: busy, onclick: () => actions.checkIn(c) }))));
}

function batteryCount(actions, t, busy) {
  const input = h('input', { type: 'number', min: '0', max: '999', step: '1', inputmode: 'numeric', class: 'live-number', 'data-testid': 'charged-input', 'aria-label': t('report.charged') });
  return h('div', { class: 'live-battery' },
    h('label', {}, t('report.charged'), ' ', input),
    h('button', {
      type: 'button',
      class: 'btn btn-secondary btn-small',
      'data-testid': 'charged-send',
      disabled: busy,
      onclick: () => {
        const n = Number.parseInt(input.value, 10);
        if (Number.isInteger(n) && n >= 0) actions.report('battery_swap', 'charged_available', { chargedAvailable: n });
        else input.focus();
      },
    }, t('report.chargedSend')));
}

function reportPanel(station, action, state, actions, t) {
  const busy = action.status === 'locating' || action.status === 'sending';
  const name = (a) => (a === 'station' ? t('report.station') : t(`amenity.${a}`));
  if (!action.amenity) {
    return h('div', { class: 'live-panel', 'data-testid': 'report-panel' },
      h('p', { class: 'live-ask' }, t('report.ask')),
      h('div', { class: 'live-choices' },
        reportableAmenities(station, state.config?.amenities).map((a) => choice([icon(a === 'station' ? 'pin' : a, { size: 16 }), ' ', name(a)], { 'data-amenity': a, onclick: () => actions.chooseAmenity(a) }))));
  }
  return h('div', { class: 'live-panel', 'data-testid': 'report-panel', 'data-amenity': action.amenity },
    h('p', { class: 'live-ask' }, t('report.stateAsk', { amenity: name(action.amenity) })),
    h('div', { class: 'live-choices' },
      reportStates(action.amenity).map((s) => choice(t(`report.state.${s}`), { 'data-state': s, disabled: busy, onclick: () => actions.report(action.amenity, s) }))),
    action.amenity === 'battery_swap' ? batteryCount(actions, t, busy) : null);
}

/** The sheet's live section: badges with age and source, amenity states and faults, the two taps. */
export function liveSection(state, actions) {
  const { lang, detail } = state;
  const station = detail.station;
  const t = (key, params) => translate(lang, key, params);
  const now = new Date();
  const live = station.live ?? null;
  const action = state.liveAction?.stationId === station.id ? state.liveAction : null;
  const badges = liveBadges(live, lang, { now });
  const typicalOnly = Boolean(live?.typical) && !live?.crowding;
  const rows = liveRows(station, lang, t, now);
  return h('section', { class: 'detail-section live-section', 'aria-labelledby': 'sec-live', 'data-testid': 'live-section', 'data-seq': live?.seq ?? 0 },
    h('h3', { id: 'sec-live' }, t('live.title')),
    ['reconnecting', 'closed'].includes(state.liveStream) ? h('p', { class: 'muted live-stream-off', role: 'status', 'data-testid': 'live-stream-off' }, t('live.stream.off')) : null,
    badges ?? h('p', { class: 'muted' }, t('live.nothing')),
    typicalOnly ? h('p', { class: 'muted live-typical-note' }, t('live.typicalNote')) : null,
    rows.length ? h('ul', { class: 'live-rows' }, rows) : null,
    h('div', { class: 'actions-row live-actions' },
      h('button', { type: 'button', class: `btn ${action?.mode === 'checkin' ? 'btn-primary' : 'btn-secondary'}`, 'data-testid': 'checkin-open', 'aria-expanded': action?.mode === 'checkin' ? 'true' : 'false', onclick: action?.mode === 'checkin' ? actions.cancelLive : actions.openCheckin },
        icon('pin', { size: 18 }), t('checkin.button')),
      h('button', { type: 'button', class: `btn ${action?.mode === 'report' ? 'btn-primary' : 'btn-secondary'}`, 'data-testid': 'report-open', 'aria-expanded': action?.mode === 'report' ? 'true' : 'false', onclick: action?.mode === 'report' ? actions.cancelLive : actions.openReport },
        icon('warning', { size: 18 }), t('report.button'))),
    action?.mode === 'checkin' && !['ok', 'queued'].includes(action.status) ? checkinPanel(action, actions, t) : null,
    action?.mode === 'report' && !['ok', 'queued'].includes(action.status) ? reportPanel(station, action, state, actions, t) : null,
    action?.mode ? statusLine(action, lang, t) : null);
}

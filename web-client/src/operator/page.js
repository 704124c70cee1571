// The operator page (/operator.html): an operator key (kept in sessionStorage), whose key it is,
// the operator's stations with a form to set seats, crowding and amenity states (PUT /live, as
// staff), and its fault tickets to acknowledge and mark fixed. Redrawn whole on every change: it
// is a short page and there is no map on it.
import { translate } from '../i18n/index.js';
import { formatAge } from '../live/format.js';
import { liveErrorText } from '../live/actions.js';
import { reportStates } from '../live/actions.js';
import { h, render } from '../ui/dom.js';
import { liveBadges } from '../ui/live.js';
import { liveBody, loadKey, operatorApi, saveKey, ticketSteps } from './data.js';

export function mountOperator(root, { lang: initialLang, saveLang, fetchImpl } = {}) {
  const state = {
    lang: initialLang,
    key: loadKey(),
    me: null,
    meError: null,
    stations: null,
    stationsError: null,
    tickets: null,
    ticketsError: null,
    saved: {},
    errors: {},
  };
  let api = state.key ? operatorApi(state.key, { fetchImpl }) : null;
  const t = (key, params) => translate(state.lang, key, params);
  const redraw = () => draw();

  async function signIn(key) {
    saveKey(key);
    Object.assign(state, { key, me: null, meError: null, stations: null, tickets: null, stationsError: null, ticketsError: null });
    api = key ? operatorApi(key, { fetchImpl }) : null;
    redraw();
    if (!api) return;
    try {
      state.me = await api.me();
    } catch (err) {
      state.meError = err;
      redraw();
      return;
    }
    redraw();
    await Promise.all([loadStations(), loadTickets()]);
  }

  async function loadStations() {
    if (!state.me?.operator) {
      state.stations = [];
      return redraw();
    }
    try {
      state.stations = await api.stations(state.me.operator);
    } catch (err) {
      state.stationsError = err;
    }
    redraw();
  }

  async function loadTickets() {
    try {
      state.tickets = await api.tickets(state.me?.operator ?? undefined);
      state.ticketsError = null;
    } catch (err) {
      state.ticketsError = err;
    }
    redraw();
  }

  async function save(station, form) {
    delete state.errors[station.id];
    delete state.saved[station.id];
    try {
      const body = liveBody(form);
      if (!body) return;
      const answer = await api.putLive(station.id, body);
      station.live = answer.live ?? station.live;
      state.saved[station.id] = answer.written ?? 0;
    } catch (err) {
      state.errors[station.id] = err;
    }
    redraw();
  }

  async function step(ticket, next) {
    try {
      await api.transition(ticket.id, next);
      state.ticketsError = null;
    } catch (err) {
      state.ticketsError = err;
    }
    await loadTickets();
  }

  function keyForm() {
    const input = h('input', { type: 'password', id: 'operator-key', autocomplete: 'off', 'data-testid': 'operator-key', value: state.key ?? '' });
    return h('form', {
      class: 'operator-key',
      onsubmit: (e) => {
        e.preventDefault();
        signIn(input.value.trim() || null);
      },
    },
    h('label', { for: 'operator-key' }, t('operator.keyLabel')),
    h('div', { class: 'actions-row' }, input,
      h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'operator-sign-in' }, t('operator.signIn')),
      state.key ? h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => signIn(null) }, t('operator.signOut')) : null),
    h('p', { class: 'muted' }, t('operator.keyHint')));
  }

  function whoami() {
    if (state.meError) return h('div', { class: 'error-box', role: 'alert', 'data-testid': 'operator-error' }, h('p', {}, liveErrorText(state.meError, state.lang)));
    if (!state.me) return state.key ? h('p', { class: 'placeholder' }, t('operator.loading')) : null;
    return h('p', { class: 'operator-whoami', 'data-testid': 'operator-whoami' },
      t('operator.whoami', { name: state.me.name, role: state.me.role, operator: state.me.operator ?? t('operator.noOperator') }));
  }

  function stationForm(station) {
    const seats = h('input', { type: 'number', min: '0', step: '1', inputmode: 'numeric', class: 'live-number', 'data-field': 'seats_free', value: station.live?.seats_free?.value ?? '' });
    const option = (value, label, selected) => h('option', { value, selected: selected || null }, label);
    const crowding = h('select', { 'data-field': 'crowding' },
      option('', t('operator.unchanged')),
      ['empty', 'some_seats', 'full'].map((c) => option(c, t(`crowding.${c}`))));
    const amenities = Object.entries(station.amenities ?? {}).filter(([, v]) => v === 'yes').map(([a]) => a);
    const selects = amenities.map((a) => ({
      a,
      el: h('select', { 'data-amenity': a },
        option('', t('operator.unchanged')),
        reportStates(a).map((s) => option(s, t(`live.amenity.${s}`)))),
    }));
    const error = state.errors[station.id];
    return h('form', {
      class: 'operator-live',
      onsubmit: (e) => {
        e.preventDefault();
        save(station, {
          seatsFree: seats.value,
          crowding: crowding.value,
          amenities: Object.fromEntries(selects.map(({ a, el }) => [a, el.value])),
        });
      },
    },
    h('div', { class: 'operator-fields' },
      h('label', {}, t('operator.seatsFree'), ' ', seats),
      h('label', {}, t('operator.crowding'), ' ', crowding)),
    selects.length ? h('fieldset', { class: 'operator-amenities' }, h('legend', {}, t('operator.amenities')),
      selects.map(({ a, el }) => h('label', {}, t(`amenity.${a}`), ' ', el))) : null,
    h('button', { type: 'submit', class: 'btn btn-primary btn-small', 'data-testid': 'operator-save' }, t('operator.save')),
    state.saved[station.id] != null ? h('span', { class: 'live-done', role: 'status' }, t('operator.saved', { n: state.saved[station.id] })) : null,
    error ? h('div', { class: 'error-box', role: 'alert' }, h('p', {}, liveErrorText(error, state.lang))) : null);
  }

  function stationsSection() {
    if (!state.me) return null;
    if (state.stationsError) return h('div', { class: 'error-box', role: 'alert' }, h('p', {}, liveErrorText(state.stationsError, state.lang)));
    if (!state.stations) return h('p', { class: 'placeholder' }, t('operator.loading'));
    return h('section', { class: 'operator-section', 'data-testid': 'operator-stations' },
      h('h2', {}, t('operator.stations', { n: state.stations.length })),
      h('p', { class: 'muted' }, t('operator.filterNote')),
      state.stations.length ? h('ul', { class: 'operator-list' }, state.stations.map((s) => h('li', { class: 'operator-station', 'data-station-id': s.id },
        h('h3', {}, state.lang === 'en' && s.name_en ? s.name_en : s.name),
        h('p', { class: 'muted' }, s.address ?? ''),
        liveBadges(s.live, state.lang) ?? h('p', { class: 'muted' }, t('live.nothing')),
        stationForm(s)))) : h('p', {}, t('operator.noStations')));
  }

  function ticketsSection() {
    if (!state.me) return null;
    const items = state.tickets ?? [];
    const names = new Map((state.stations ?? []).map((s) => [s.id, s.name]));
    return h('section', { class: 'operator-section', 'data-testid': 'operator-tickets' },
      h('h2', {}, t('operator.tickets', { n: items.length })),
      state.ticketsError ? h('div', { class: 'error-box', role: 'alert' }, h('p', {}, liveErrorText(state.ticketsError, state.lang))) : null,
      state.tickets == null && !state.ticketsError ? h('p', { class: 'placeholder' }, t('operator.loading')) : null,
      state.tickets && !items.length ? h('p', {}, t('operator.noTickets')) : null,
      items.length ? h('ul', { class: 'operator-list' }, items.map((tk) => h('li', { class: 'operator-ticket', 'data-ticket': tk.id, 'data-state': tk.state },
        h('p', {}, t('operator.ticketLine', {
          id: tk.id,
          station: tk.station?.name ?? tk.station_name ?? names.get(tk.station_id) ?? `#${tk.station_id}`,
          amenity: tk.amenity === 'station' ? t('report.station') : t(`amenity.${tk.amenity}`),
          problem: t(`live.problem.${tk.problem}`),
          state: t(`ticket.${tk.state}`),
          when: formatAge(tk.reported_at, state.lang),
        })),
        h('div', { class: 'actions-row' }, ticketSteps(tk.state).map((next) => h('button', {
          type: 'button', class: 'btn btn-secondary btn-small', 'data-step': next, onclick: () => step(tk, next),
        }, t(next === 'acknowledged' ? 'operator.acknowledge' : 'operator.fix'))))))) : null);
  }

  function draw() {
    document.documentElement.lang = state.lang === 'en' ? 'en' : 'zh-CN';
    document.title = `${t('operator.title')} · ${t('app.title')}`;
    render(root,
      h('header', { class: 'operator-header' },
        h('h1', {}, t('operator.title')),
        h('div', { class: 'actions-row' },
          h('a', { class: 'btn btn-secondary btn-small', href: '/' }, t('operator.back')),
          h('button', {
            type: 'button',
            class: 'btn btn-secondary btn-small',
            'data-testid': 'lang-toggle',
            onclick: () => {
              state.lang = state.lang === 'zh' ? 'en' : 'zh';
              Promise.resolve(saveLang?.(state.lang)).catch(() => {}).then(redraw);
            },
          }, t('lang.switch')))),
      keyForm(),
      whoami(),
      stationsSection(),
      ticketsSection());
  }

  draw();
  if (state.key) signIn(state.key);
  return { signIn, reloadTickets: loadTickets };
}

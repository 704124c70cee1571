// The two choices that don't fit in one chip, opened under the chip row: "open at…" (现在 /
// 今晚 23:00 / 明早 07:00 / 选择时间…, a native date-time picker for the last) and the services
// (kinds, on today or now). Big buttons in a two-column grid: thumb-sized on a 390 px phone.
import { translate } from '../i18n/index.js';
import { AT_CHOICES, isoToWallTime, nextHourWallTime } from '../state/openAt.js';
import { SERVICE_WHEN } from '../state/filters.js';
import { h } from './dom.js';
import { icon } from './icons.js';
import { SERVICE_KINDS } from './services.js';

const CHOICE_LABELS = { now: 'filter.atNow', tonight: 'filter.atTonight', morning: 'filter.atMorning', custom: 'filter.atCustom' };

/** The choice the filter stands for: custom/tonight/morning from atChoice, now when open-now without a time. */
export function currentChoice(filters) {
  if (filters.at) return filters.atChoice ?? 'custom';
  return filters.openNow ? 'now' : null;
}

/**
 * ui: {custom: bool, wall: 'YYYY-MM-DDTHH:mm'|null} kept by the filter bar between draws;
 * onUi(patch) changes it, close() shuts the panel.
 */
export function openAtPanel({ filters, lang, actions, ui, onUi, close }) {
  const t = (key) => translate(lang, key);
  const chosen = currentChoice(filters);
  const showPicker = ui.custom || chosen === 'custom';
  const wall = ui.wall ?? (filters.at ? isoToWallTime(filters.at) : nextHourWallTime());
  const input = h('input', {
    type: 'datetime-local', class: 'at-input', id: 'at-input', 'data-testid': 'at-input', value: wall, step: 60,
    oninput: (e) => onUi({ wall: e.target.value }),
  });
  return h('div', { class: 'filter-panel', 'data-panel': 'openAt', role: 'group', 'aria-label': t('filter.openAt') },
    h('div', { class: 'panel-grid' },
      AT_CHOICES.map((choice) => h('button', {
        type: 'button',
        class: `panel-option${chosen === choice || (choice === 'custom' && showPicker) ? ' active' : ''}`,
        'aria-pressed': chosen === choice ? 'true' : 'false',
        'data-at-choice': choice,
        onclick: () => {
          if (choice === 'custom') return onUi({ custom: true });
          actions.setOpenAt(choice);
          close();
        },
      }, t(CHOICE_LABELS[choice])))),
    showPicker
      ? h('div', { class: 'panel-picker' },
        h('label', { for: 'at-input', class: 'panel-label' }, t('filter.atPick')),
        h('div', { class: 'panel-picker-row' },
          input,
          h('button', {
            type: 'button', class: 'btn btn-primary', 'data-testid': 'at-apply',
            onclick: () => {
              const value = input.value || wall;
              if (!value) return;
              actions.setOpenAt('custom', { wall: value });
              close();
            },
          }, t('filter.atApply'))))
      : null);
}

export function servicesPanel({ filters, lang, actions, close }) {
  const t = (key) => translate(lang, key);
  const kinds = filters.services ?? [];
  return h('div', { class: 'filter-panel', 'data-panel': 'services', role: 'group', 'aria-label': t('filter.services') },
    h('div', { class: 'panel-grid' },
      SERVICE_KINDS.map((kind) => h('button', {
        type: 'button',
        class: `panel-option${kinds.includes(kind) ? ' active' : ''}`,
        'aria-pressed': kinds.includes(kind) ? 'true' : 'false',
        'data-service-kind': kind,
        onclick: () => actions.toggleService(kind),
      }, kinds.includes(kind) ? icon('check', { size: 16 }) : null, t(`service.${kind}`)))),
    h('div', { class: 'panel-when', role: 'radiogroup', 'aria-label': t('filter.serviceWhen') },
      SERVICE_WHEN.map((when) => h('button', {
        type: 'button',
        role: 'radio',
        class: `mode-option${filters.serviceWhen === when ? ' active' : ''}`,
        'aria-checked': filters.serviceWhen === when ? 'true' : 'false',
        'data-service-when': when,
        onclick: () => actions.setServiceWhen(when),
      }, t(when === 'now' ? 'filter.whenNow' : 'filter.whenToday'))),
      h('button', { type: 'button', class: 'btn btn-secondary btn-small', 'data-testid': 'services-done', onclick: close }, t('filter.done'))));
}

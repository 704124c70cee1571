// Small building blocks every planner section uses: a redraw that keeps keyboard focus, the
// segmented radio control, labelled fields, an API problem in words with a retry, and instants
// shown in the planning time zone.
import { translate } from '../../i18n/index.js';
import { h, render } from '../dom.js';
import { errorText } from '../errors.js';
import { localParts } from '../format.js';
import { icon } from '../icons.js';

const TIME_ZONE = 'Asia/Shanghai';

/** Redraws container and gives focus back to the control with the same data-focus key. */
export function renderKeepFocus(container, ...children) {
  const active = document.activeElement;
  const key = active && container.contains(active) ? active.dataset?.focus : null;
  render(container, ...children);
  if (key) container.querySelector(`[data-focus="${key}"]`)?.focus();
}

/** An ISO instant as "YYYY-MM-DD HH:MM" in Asia/Shanghai, or '' when missing or invalid. */
export function formatInstant(iso) {
  const date = iso ? new Date(iso) : null;
  if (!date || Number.isNaN(date.getTime())) return '';
  const { day, time } = localParts(date, TIME_ZONE);
  return `${day} ${time}`;
}

/** A row of radio-like buttons (role radiogroup) with arrow-key movement between them. */
export function segmented({ label, options, value, onChange, testid, focusPrefix }) {
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

export function field(label, control, extraClass = '') {
  return h('label', { class: `plan-field ${extraClass}` }, h('span', { class: 'plan-field-label' }, label), control);
}

export function errorBox(err, lang, { testid, retry, title }) {
  return h('div', { class: 'error-box plan-error', role: 'alert', 'data-testid': testid },
    h('p', { class: 'error-text' }, title ? h('strong', {}, title, ' ') : null, errorText(err, lang)),
    retry ? h('button', { type: 'button', class: 'btn btn-small', onclick: retry }, icon('retry', { size: 16 }), translate(lang, 'error.retry')) : null);
}

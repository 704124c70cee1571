// The top bar: app name, a demo-data tag when the API serves generated data, the planner view
// switch and the language switch.
import { translate } from '../i18n/index.js';
import { h, render } from './dom.js';
import { icon } from './icons.js';

function logo() {
  // A map pin with a small house: "a place to rest".
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 32 32');
  svg.setAttribute('width', '32');
  svg.setAttribute('height', '32');
  svg.setAttribute('aria-hidden', 'true');
  svg.innerHTML = '<path d="M16 2C9.9 2 5 6.8 5 12.8 5 20.7 16 30 16 30s11-9.3 11-17.2C27 6.8 22.1 2 16 2z" fill="#c2410c"/>'
    + '<path d="M10.5 14.2 16 9.6l5.5 4.6v5.6h-3.6v-3.4h-3.8v3.4h-3.6z" fill="#fff"/>';
  return svg;
}

export function mountTopbar(el, { store, actions, planner }) {
  function draw() {
    const { lang, config, view } = store.get();
    const t = (key) => translate(lang, key);
    const other = lang === 'zh' ? 'en' : 'zh';
    render(
      el,
      h('div', { class: 'brand' },
        logo(),
        h('div', { class: 'brand-text' },
          h('div', { class: 'brand-title-row' },
            h('h1', { class: 'brand-title' }, t('app.title')),
            config?.demo_data ? h('span', { class: 'tag tag-demo', 'data-testid': 'demo-tag' }, t('app.demoData')) : null),
          h('p', { class: 'brand-tagline' }, t('app.tagline')))),
      h('div', { class: 'topbar-actions' },
      planner ? h('button', {
        type: 'button',
        class: `btn btn-view${view === 'planner' ? ' on' : ''}`,
        'aria-pressed': view === 'planner' ? 'true' : 'false',
        'aria-label': t('view.planner'),
        title: t(view === 'planner' ? 'view.toCourier' : 'view.toPlanner'),
        'data-testid': 'view-toggle',
        onclick: planner.toggleView,
      }, icon('planner', { size: 18 }), h('span', {}, t('view.planner'))) : null,
      h('button', {
        type: 'button',
        class: 'btn btn-lang',
        lang: other === 'zh' ? 'zh-CN' : 'en',
        'data-testid': 'lang-toggle',
        onclick: () => actions.setLang(other),
        // The accessible name starts with the visible text ("EN Switch to English"): a name that
        // does not contain what is shown fails those who speak or see the label (WCAG 2.5.3).
      }, icon('languages', { size: 18 }), h('span', {}, t('lang.switch')), h('span', { class: 'sr-only' }, ` ${t('lang.switchLabel')}`))),
    );
  }
  draw();
  store.subscribe((s, prev) => {
    if (s.lang !== prev.lang || s.config !== prev.config || s.view !== prev.view) draw();
  });
}

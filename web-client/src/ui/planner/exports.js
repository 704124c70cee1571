// Exports: the district table, the gaps and the suggested sites as files, each fetched as a Blob
// so an API problem is shown in words instead of being saved.
import { h } from '../dom.js';
import { errorText } from '../errors.js';
import { renderKeepFocus } from './widgets.js';

export const exportsSection = {
  attrs: { class: 'plan-section plan-exports' },
  reads: ['lang', 'exporting', 'suggestion'],
  draw(el, { state, t, planner, getViewBox }) {
    const { lang, exporting, suggestion } = state;
    const names = { districts: t('plan.exportDistricts'), gaps: t('plan.exportGaps'), suggestions: t('plan.exportSites') };
    const button = (what, format, label) => h('button', {
      type: 'button', class: 'btn btn-small', 'data-export': `${what}.${format}`, 'data-focus': `export-${what}-${format}`,
      // "CSV" alone says nothing to a screen reader: name what is exported too.
      'aria-label': `${names[what]} · ${label}`,
      disabled: (what === 'suggestions' && !suggestion.data) || (exporting.status === 'loading' && exporting.what === `${what}.${format}`),
      onclick: () => planner.exportFile(what, format, { getViewBox }),
    }, label);
    renderKeepFocus(el,
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
  },
};

// The per-district coverage table: sortable by every column (buttons in the headers, aria-sort
// on the sorted one), a row per district (its name is a button that zooms the map to it), the
// "(outside districts)" row kept last, and the totals in the footer.
import { LOCALES, translate } from '../../i18n/index.js';
import { DISTRICT_COLUMNS } from '../../planner/districts.js';
import { h } from '../dom.js';
import { formatNumber, formatPct } from './numbers.js';

export function districtName(row, lang) {
  if (row.id == null) return translate(lang, 'plan.outside');
  return (lang === 'en' && row.name_en) || row.name || `#${row.id}`;
}

/**
 * Rows in table order: by sort.key in sort.dir; missing numbers last either way; ties by name;
 * the outside-districts row (id null) always last. Never mutates rows.
 */
export function sortDistrictRows(rows, { key, dir }, lang = 'zh') {
  const collator = new Intl.Collator(LOCALES[lang] ?? 'zh-CN');
  const sign = dir === 'asc' ? 1 : -1;
  const byName = (a, b) => collator.compare(districtName(a, lang), districtName(b, lang));
  const inside = rows.filter((r) => r.id != null);
  const outside = rows.filter((r) => r.id == null);
  inside.sort((a, b) => {
    if (key === 'name') return sign * byName(a, b);
    const va = a[key];
    const vb = b[key];
    const ma = !Number.isFinite(va);
    const mb = !Number.isFinite(vb);
    if (ma || mb) return ma === mb ? byName(a, b) : ma ? 1 : -1;
    return va === vb ? byName(a, b) : sign * (va - vb);
  });
  return [...inside, ...outside];
}

const NUMERIC = {
  demand: (v, lang) => formatNumber(v, lang, 0),
  covered: (v, lang) => formatNumber(v, lang, 0),
  coverage_pct: (v, lang) => formatPct(v, lang),
  mean_minutes: (v, lang) => formatNumber(v, lang, 1),
  p95_minutes: (v, lang) => formatNumber(v, lang, 1),
};

/** The table for coverage (the GET /coverage answer) in sort order; planner gives the actions. */
export function renderDistrictTable({ lang, coverage, districtSort, focusDistrict }, planner) {
  const t = (key, params) => translate(lang, key, params);
  const rows = sortDistrictRows(coverage?.districts ?? [], districtSort, lang);
  const header = h('tr', {}, DISTRICT_COLUMNS.map((col) => {
    const sorted = districtSort.key === col;
    const label = t(`plan.col.${col}`);
    return h('th', {
      scope: 'col',
      class: col === 'name' ? 'col-name' : 'num',
      'aria-sort': sorted ? (districtSort.dir === 'asc' ? 'ascending' : 'descending') : 'none',
    }, h('button', {
      type: 'button',
      class: 'sort-btn',
      'data-sort': col,
      'data-focus': `sort-${col}`,
      title: t('plan.sortBy', { column: label }),
      onclick: () => planner.sortDistricts(col),
    }, h('span', {}, label), h('span', { class: 'sort-mark', 'aria-hidden': 'true' }, sorted ? (districtSort.dir === 'asc' ? '▲' : '▼') : '')));
  }));
  const body = rows.map((row) => {
    const name = districtName(row, lang);
    const clickable = row.id != null;
    return h('tr', {
      'data-district-id': row.id ?? 'outside',
      class: `${clickable ? 'clickable' : 'outside'}${row.id != null && row.id === focusDistrict ? ' focused' : ''}`,
      'aria-current': row.id != null && row.id === focusDistrict ? 'true' : undefined,
      onclick: clickable ? (e) => { if (!e.target.closest('button')) planner.focusDistrict(row.id); } : undefined,
    },
    h('th', { scope: 'row', class: 'col-name' }, clickable
      ? h('button', { type: 'button', class: 'link-btn', 'data-focus': `district-${row.id}`, 'aria-label': t('plan.zoomTo', { name }), onclick: () => planner.focusDistrict(row.id) }, name)
      : name),
    ['demand', 'covered'].map((col) => h('td', { class: 'num' }, NUMERIC[col](row[col], lang))),
    h('td', { class: 'num pct' },
      h('span', { class: 'pct-bar', style: { width: `${Math.max(0, Math.min(100, row.coverage_pct ?? 0))}%` }, 'aria-hidden': 'true' }),
      h('span', { class: 'pct-text' }, NUMERIC.coverage_pct(row.coverage_pct, lang))),
    ['mean_minutes', 'p95_minutes'].map((col) => h('td', { class: 'num' }, NUMERIC[col](row[col], lang))));
  });
  const total = coverage ? h('tr', { class: 'total' },
    h('th', { scope: 'row', class: 'col-name' }, t('plan.total')),
    h('td', { class: 'num' }, NUMERIC.demand(coverage.total_demand, lang)),
    h('td', { class: 'num' }, NUMERIC.covered(coverage.covered_demand, lang)),
    h('td', { class: 'num pct' }, h('span', { class: 'pct-text' }, NUMERIC.coverage_pct(coverage.coverage_pct, lang))),
    h('td', { class: 'num' }, NUMERIC.mean_minutes(coverage.mean_minutes, lang)),
    h('td', { class: 'num' }, NUMERIC.p95_minutes(coverage.p95_minutes, lang))) : null;
  return h('table', { class: 'district-table', 'data-testid': 'district-table' },
    h('caption', { class: 'sr-only' }, t('plan.tableCaption')),
    h('thead', {}, header),
    h('tbody', {}, body),
    total ? h('tfoot', {}, total) : null);
}

// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';
import { renderDistrictTable, sortDistrictRows } from './districtTable.js';

const rows = [
  { id: 1, name: '上城区', name_en: 'Shangcheng', demand: 500, covered: 450, coverage_pct: 90, mean_minutes: 6.1, p95_minutes: 12 },
  { id: null, name: '(outside)', demand: 40, covered: 0, coverage_pct: 0, mean_minutes: null, p95_minutes: null },
  { id: 2, name: '拱墅区', name_en: 'Gongshu', demand: 800, covered: 560, coverage_pct: 70, mean_minutes: 9.5, p95_minutes: 21 },
  { id: 3, name: '西湖区', name_en: 'Xihu', demand: 300, covered: 150, coverage_pct: 50, mean_minutes: null, p95_minutes: null },
];
const ids = (list) => list.map((r) => r.id);

describe('district table order', () => {
  it('sorts numbers both ways and keeps the outside row last', () => {
    expect(ids(sortDistrictRows(rows, { key: 'demand', dir: 'desc' }))).toEqual([2, 1, 3, null]);
    expect(ids(sortDistrictRows(rows, { key: 'demand', dir: 'asc' }))).toEqual([3, 1, 2, null]);
    expect(ids(sortDistrictRows(rows, { key: 'coverage_pct', dir: 'asc' }))).toEqual([3, 2, 1, null]);
    expect(ids(sortDistrictRows(rows, { key: 'covered', dir: 'desc' }))).toEqual([2, 1, 3, null]);
  });

  it('puts missing minutes last in either direction', () => {
    expect(ids(sortDistrictRows(rows, { key: 'mean_minutes', dir: 'asc' }))).toEqual([1, 2, 3, null]);
    expect(ids(sortDistrictRows(rows, { key: 'p95_minutes', dir: 'desc' }))).toEqual([2, 1, 3, null]);
  });

  it('sorts names in the language shown', () => {
    expect(ids(sortDistrictRows(rows, { key: 'name', dir: 'asc' }, 'en'))).toEqual([2, 1, 3, null]);
    expect(ids(sortDistrictRows(rows, { key: 'name', dir: 'desc' }, 'en'))).toEqual([3, 1, 2, null]);
  });

  it('does not mutate the rows it was given', () => {
    const copy = rows.map((r) => r.id);
    sortDistrictRows(rows, { key: 'demand', dir: 'asc' });
    expect(ids(rows)).toEqual(copy);
  });
});

describe('district table', () => {
  const coverage = { districts: rows, total_demand: 1640, covered_demand: 1160, coverage_pct: 70.7, mean_minutes: 7.9, p95_minutes: 19.8 };
  const planner = { sortDistricts: vi.fn(), focusDistrict: vi.fn() };

  it('marks the sorted column with aria-sort and sorts by a header button', () => {
    const el = renderDistrictTable({ lang: 'en', coverage, districtSort: { key: 'coverage_pct', dir: 'asc' }, focusDistrict: null }, planner);
    const sorted = el.querySelector('th[aria-sort="ascending"]');
    expect(sorted.querySelector('[data-sort]').dataset.sort).toBe('coverage_pct');
    expect(el.querySelectorAll('th[aria-sort="none"]')).toHaveLength(5);
    expect([...el.querySelectorAll('tbody tr')].map((tr) => tr.dataset.districtId)).toEqual(['3', '2', '1', 'outside']);
    el.querySelector('[data-sort="p95_minutes"]').click();
    expect(planner.sortDistricts).toHaveBeenCalledWith('p95_minutes');
  });

  it('a district row zooms the map to it; the outside row is not a button', () => {
    const el = renderDistrictTable({ lang: 'zh', coverage, districtSort: { key: 'demand', dir: 'desc' }, focusDistrict: 2 }, planner);
    el.querySelector('tr[data-district-id="1"] button').click();
    expect(planner.focusDistrict).toHaveBeenCalledWith(1);
    expect(el.querySelector('tr[data-district-id="outside"] button')).toBeNull();
    expect(el.querySelector('tr[data-district-id="outside"]').textContent).toContain('区界以外');
    expect(el.querySelector('tr[data-district-id="2"]').getAttribute('aria-current')).toBe('true');
  });

  it('shows formatted numbers, a dash for missing minutes, and the totals', () => {
    const el = renderDistrictTable({ lang: 'en', coverage, districtSort: { key: 'demand', dir: 'desc' }, focusDistrict: null }, planner);
    const first = [...el.querySelectorAll('tbody tr')][0];
    expect([...first.querySelectorAll('td')].map((td) => td.textContent)).toEqual(['800', '560', '70.0', '9.5', '21.0']);
    const west = el.querySelector('tr[data-district-id="3"]');
    expect(west.querySelectorAll('td')[3].textContent).toBe('—');
    expect(el.querySelector('tfoot').textContent).toContain('1,640');
    expect(el.querySelector('tfoot').textContent).toContain('70.7');
  });
});

// The district table and the map's district focus: the table's sort order, the district the map
// zooms to, and the gap surface's checkbox.

export const DISTRICT_COLUMNS = ['name', 'demand', 'covered', 'coverage_pct', 'mean_minutes', 'p95_minutes'];

/**
 * The sort after a click on column key: the same column flips direction; a new column starts in
 * its natural order (names A→Z, numbers largest first). Null for an unknown column.
 */
export function nextDistrictSort(current, key) {
  if (!DISTRICT_COLUMNS.includes(key)) return null;
  if (current.key === key) return { key, dir: current.dir === 'asc' ? 'desc' : 'asc' };
  return { key, dir: key === 'name' ? 'asc' : 'desc' };
}

export function createDistricts({ store, events }) {
  function sortDistricts(key) {
    const districtSort = nextDistrictSort(store.get().districtSort, key);
    if (districtSort) store.set({ districtSort });
  }

  function focusDistrict(id) {
    store.set({ focusDistrict: id });
    if (id != null) events.emit('zoomToDistrict', id);
  }

  return {
    sortDistricts,
    focusDistrict,
    toggleGaps: () => store.set({ showGaps: !store.get().showGaps }),
  };
}

// What the GeoJSON layers share: the empty collection, and setting a source's data only when it
// changes. Every setData is a round trip through the map's worker and at least one more frame to
// draw (150-400 ms each on a slow phone with software rendering): at start-up the store hands
// every layer its empty data once more, and those frames only held back the map's first idle.

export const EMPTY = { type: 'FeatureCollection', features: [] };

const isEmpty = (data) => data?.type === 'FeatureCollection' && Array.isArray(data.features) && data.features.length === 0;

/** True when a source holding prev already shows next: the same object, or both empty. */
export function sameData(prev, next) {
  return prev === next || (isEmpty(prev) && isEmpty(next));
}

/**
 * Makes the source hold next: ensure() adds it (with next) when missing; an existing source gets
 * setData only when its data changes.
 */
export function showData(map, sourceId, prev, next, ensure) {
  const existed = Boolean(map.getSource(sourceId));
  ensure();
  if (existed && !sameData(prev, next)) map.getSource(sourceId).setData(next);
}

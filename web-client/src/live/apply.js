// A station's new live state (from a check-in's answer, an SSE event or an operator's PUT) put
// into every place the app shows it: the nearest list, the open sheet and the map's stations.
// A live state older than the one shown (a lower seq: a late answer, a replayed event) is ignored.

/** The parsed data of an SSE `live` event ({station_id, seq, live}), or null when it is not one. */
export function parseLiveEvent(data) {
  let event;
  try {
    event = typeof data === 'string' ? JSON.parse(data) : data;
  } catch {
    return null;
  }
  const id = Number(event?.station_id);
  if (!Number.isInteger(id) || id <= 0 || !event.live || typeof event.live !== 'object') return null;
  return { station_id: id, seq: Number(event.seq ?? event.live.seq ?? 0), live: event.live };
}

function seqOf(live) {
  return Number.isFinite(live?.seq) ? live.seq : -1;
}

/** True when incoming should replace current (newer change, or the first one known). */
export function isNewer(incoming, current) {
  if (!current) return true;
  return seqOf(incoming) > seqOf(current);
}

/** station with live, or station itself when live is not newer (a JSON item or a GeoJSON feature). */
export function withLive(station, live) {
  if (!station) return station;
  if (station.type === 'Feature') {
    if (!isNewer(live, station.properties?.live)) return station;
    return { ...station, properties: { ...station.properties, live } };
  }
  if (!isNewer(live, station.live)) return station;
  return { ...station, live };
}

function idOf(station) {
  return Number(station?.id ?? station?.properties?.id);
}

function replaceIn(items, stationId, live) {
  let changed = false;
  const next = items.map((item) => {
    if (idOf(item) !== stationId) return item;
    const updated = withLive(item, live);
    if (updated !== item) changed = true;
    return updated;
  });
  return changed ? next : items;
}

/**
 * The store patch that shows live for station stationId in the nearest list, the open sheet and
 * the map's stations; null when nothing shown changes.
 */
export function liveStatePatch(state, stationId, live) {
  const id = Number(stationId);
  const patch = {};
  const items = state.nearest?.items ?? [];
  const nextItems = replaceIn(items, id, live);
  if (nextItems !== items) patch.nearest = { ...state.nearest, items: nextItems };
  const station = state.detail?.station;
  if (station && idOf(station) === id) {
    const next = withLive(station, live);
    if (next !== station) patch.detail = { ...state.detail, station: next };
  }
  const features = state.mapStations ?? [];
  const nextFeatures = replaceIn(features, id, live);
  if (nextFeatures !== features) patch.mapStations = nextFeatures;
  return Object.keys(patch).length ? patch : null;
}

/** Applies a parsed live event to the store; returns true when something shown changed. */
export function applyLiveEvent(store, event) {
  if (!event) return false;
  const patch = liveStatePatch(store.get(), event.station_id, event.live);
  if (!patch) return false;
  store.set(patch);
  return true;
}

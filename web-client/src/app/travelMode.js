// Walk or e-bike: ranks the nearest list by travel time and picks the service circle drawn.
// Remembered in localStorage; where storage is blocked the switch still works, unremembered.
import { TRAVEL_MODES } from '../api/requests.js';

export const MODE_STORAGE_KEY = 'stationmap.mode';

/** storage defaults to localStorage, looked up inside the try: where it is blocked, reading it throws. */
export function loadTravelMode(storage) {
  try {
    const saved = (storage === undefined ? globalThis.localStorage : storage)?.getItem(MODE_STORAGE_KEY);
    return TRAVEL_MODES.includes(saved) ? saved : 'ebike';
  } catch {
    return 'ebike';
  }
}

/** storage defaults to localStorage, looked up inside the try: where it is blocked, reading it throws. */
export function saveTravelMode(mode, storage) {
  try {
    (storage === undefined ? globalThis.localStorage : storage)?.setItem(MODE_STORAGE_KEY, mode);
  } catch {
    // not remembered, still switched
  }
}

export function createTravelMode({ store }, { loadNearest, loadServiceArea }) {
  function setTravelMode(mode) {
    if (!TRAVEL_MODES.includes(mode) || store.get().travelMode === mode) return;
    saveTravelMode(mode);
    store.set({ travelMode: mode });
    loadNearest();
    if (store.get().selectedId != null) loadServiceArea(store.get().selectedId);
  }

  return { setTravelMode };
}

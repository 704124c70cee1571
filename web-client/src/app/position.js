// My position: from the device's geolocation, or tapped on the map when that fails. A new
// position reloads the nearest list and, unless a station's sheet is open, moves the map there.

const GEO_ERRORS = { 1: 'denied', 2: 'unavailable', 3: 'timeout' };
export const GEO_OPTIONS = { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 };
/** The zoom the map flies to for a new position. */
export const POSITION_ZOOM = 14.5;

/** Why geolocation failed, from a GeolocationPositionError's code: denied|unavailable|timeout. */
export function locateError(err) {
  return GEO_ERRORS[err?.code] ?? 'unavailable';
}

/** The state's position from a GeolocationPosition. */
export function gpsPosition(pos) {
  return { lon: pos.coords.longitude, lat: pos.coords.latitude, accuracy: pos.coords.accuracy, source: 'gps' };
}

export function createPosition({ store, events }, { geolocation, loadNearest }) {
  function setPosition(position, { fly = true } = {}) {
    store.set({ position, picking: false, locateError: position.source === 'manual' ? null : store.get().locateError });
    // Don't pull the map away from a station the courier is looking at.
    if (fly && store.get().selectedId == null) events.emit('flyTo', [position.lon, position.lat], POSITION_ZOOM);
    loadNearest();
  }

  // Without a position there is no "nearest": a failure offers tapping the map instead.
  const failed = (reason) => store.set({ locateStatus: 'failed', locateError: reason, picking: !store.get().position });

  function locate() {
    if (!geolocation) {
      failed('unsupported');
      return;
    }
    store.set({ locateStatus: 'locating', locateError: null });
    geolocation.getCurrentPosition(
      (pos) => {
        setPosition(gpsPosition(pos));
        store.set({ locateStatus: 'ok' });
      },
      (err) => failed(locateError(err)),
      GEO_OPTIONS,
    );
  }

  return {
    locate,
    setPosition,
    startPicking: () => store.set({ picking: true }),
    cancelPicking: () => store.set({ picking: false }),
  };
}

// The selected station's service circle for the travel mode (only with a road network). The
// server may still be computing it ("pending"): then it is asked again after SERVICE_AREA_RETRY_MS,
// as long as the same station is selected.
import { isAbortError, latestOnly } from '../api/client.js';
import { serviceAreaUrl } from '../api/requests.js';

/** How long to wait before asking again for a service area the server is still computing. */
export const SERVICE_AREA_RETRY_MS = 3000;
export const NO_SERVICE_AREA = Object.freeze({ status: 'idle', data: null, error: null, mode: null });

export function createServiceArea({ store, fetchImpl, events }) {
  const fetchServiceArea = latestOnly(fetchImpl);
  let retryTimer = null;

  async function loadServiceArea(id) {
    clearTimeout(retryTimer);
    const { config, travelMode } = store.get();
    if (!config?.routing || id == null) {
      store.set({ serviceArea: { ...NO_SERVICE_AREA } });
      return;
    }
    const previous = store.get().serviceArea;
    // Switching stations keeps the old circle until the new one arrives; switching modes does not.
    store.set({ serviceArea: { status: 'loading', data: previous.mode === travelMode ? previous.data : null, error: null, mode: travelMode } });
    try {
      const body = await fetchServiceArea(serviceAreaUrl(id, { mode: travelMode }));
      if (store.get().selectedId !== id || store.get().travelMode !== travelMode) return;
      if (body.state === 'pending') {
        store.set({ serviceArea: { status: 'pending', data: null, error: null, mode: travelMode } });
        retryTimer = setTimeout(() => store.get().selectedId === id && loadServiceArea(id), SERVICE_AREA_RETRY_MS);
        return;
      }
      store.set({ serviceArea: { status: 'ok', data: body, error: null, mode: travelMode } });
    } catch (err) {
      if (isAbortError(err)) return;
      store.set({ serviceArea: { status: 'error', data: null, error: err, mode: travelMode } });
    }
  }

  /** Stops the request and the retry; the caller clears the state (with the rest of the sheet). */
  function cancel() {
    fetchServiceArea.abort();
    clearTimeout(retryTimer);
  }

  return {
    loadServiceArea,
    cancel,
    retryServiceArea: () => loadServiceArea(store.get().selectedId),
    /** Asks the map to show the selected station's whole service circle. */
    showServiceArea() {
      if (store.get().serviceArea.status !== 'ok') return;
      events.emit('showServiceArea');
    },
  };
}

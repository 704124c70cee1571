// The requests that follow the plan: coverage for its parameters and the points of its demand
// layer. Both are latest-only, so after quick changes only the newest answer is shown.
import { fetchJson, isAbortError, latestSignal } from '../api/client.js';
import { coverageUrl, layerPointsUrl } from '../api/requests.js';

/** Worst-served demand points asked for with the coverage (drawn as "uncovered demand"). */
export const WORST_POINTS = 50;

/** True when the demand points already held (or loading) are the layer's and did not fail. */
export function hasDemandPoints(demandPoints, layer) {
  return demandPoints.layer === layer && demandPoints.status !== 'error';
}

export function createCoverage({ store, fetchImpl, patch, params }) {
  const coverageReq = latestSignal();
  const pointsReq = latestSignal();

  async function loadCoverage() {
    const url = coverageUrl({ ...params(), worst: WORST_POINTS });
    const signal = coverageReq.next();
    patch('coverage', { status: 'loading', error: null, url });
    try {
      const data = await fetchJson(url, { signal, fetchImpl });
      store.set({ coverage: { status: 'ok', data, error: null, url } });
    } catch (err) {
      if (isAbortError(err)) return;
      // The last good numbers stay on screen beside the error.
      store.set({ coverage: { status: 'error', data: store.get().coverage.data, error: err, url } });
    }
  }

  async function loadDemandPoints() {
    const { layer } = store.get().plan;
    if (hasDemandPoints(store.get().demandPoints, layer)) return;
    const signal = pointsReq.next();
    store.set({ demandPoints: { status: 'loading', data: null, error: null, layer } });
    try {
      const data = await fetchJson(layerPointsUrl(layer), { signal, fetchImpl });
      store.set({ demandPoints: { status: 'ok', data, error: null, layer } });
    } catch (err) {
      if (isAbortError(err)) return;
      store.set({ demandPoints: { status: 'error', data: null, error: err, layer } });
    }
  }

  return { loadCoverage, loadDemandPoints };
}

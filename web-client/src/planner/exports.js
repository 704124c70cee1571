// Exports: the district table, the gap surface and the suggested sites as files. The request and
// the file name come from the state (exportRequest); the file is saved by the browser's own download.
import { fetchBlob, isAbortError, latestSignal } from '../api/client.js';
import { coverageUrl, gapCellFor, gapsUrl, suggestUrl } from '../api/requests.js';
import { findDistrict, geometryBounds } from '../map/layers/districts.js';
import { planParams } from './context.js';
import { suggestBodyFor } from './suggest.js';

/** Saves blob as filename through a temporary link (the browser's own download). */
export function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The part of every export's name that says which plan it is for. */
export function stamp({ mode, minutes, layer }) {
  return `${layer}-${mode}-${minutes}min`;
}

const ext = (format) => (format === 'csv' ? 'csv' : 'geojson');

/**
 * What to fetch for an export: {url, init, name}. what: districts|gaps|suggestions; format:
 * csv|geojson. Gaps cover the focused district, or else the map view (getViewBox()); suggestions
 * repeat the last suggestion's request, or the form's. Throws RangeError for an unknown export
 * or bad form input.
 */
export function exportRequest(what, format, state, { getViewBox } = {}) {
  const params = planParams(state.plan);
  if (what === 'districts') {
    return { url: coverageUrl({ ...params, format }), init: {}, name: `coverage-districts-${stamp(params)}.${ext(format)}` };
  }
  if (what === 'gaps') {
    const district = state.focusDistrict;
    const bbox = district == null ? getViewBox?.() : undefined;
    // The cell grows with the area so a big district or a zoomed-out view stays under the API's cap.
    const bounds = district == null ? bbox : geometryBounds(findDistrict(state.districts.data, district)?.geometry)?.flat();
    const { mode, minutes, at } = params;
    return { url: gapsUrl({ mode, minutes, at, district, bbox, cell: gapCellFor(bounds) }), init: {}, name: `coverage-gaps-${stamp(params)}.geojson` };
  }
  if (what === 'suggestions') {
    const body = state.suggestion.body ?? suggestBodyFor(state);
    return { url: suggestUrl({ format }), init: { method: 'POST', body }, name: `suggested-sites-${stamp(params)}-p${body.p}.${ext(format)}` };
  }
  throw new RangeError(`unknown export: ${what}`);
}

export function createExports({ store, fetchImpl }, { download = saveBlob } = {}) {
  const exportReq = latestSignal();

  async function exportFile(what, format, { getViewBox } = {}) {
    const signal = exportReq.next();
    const label = `${what}.${format}`;
    store.set({ exporting: { status: 'loading', what: label, error: null } });
    try {
      const { url, init, name } = exportRequest(what, format, store.get(), { getViewBox });
      const blob = await fetchBlob(url, { ...init, signal, fetchImpl });
      download(blob, name);
      store.set({ exporting: { status: 'idle', what: label, error: null } });
    } catch (err) {
      if (isAbortError(err)) return;
      store.set({ exporting: { status: 'error', what: label, error: err } });
    }
  }

  return { exportFile };
}

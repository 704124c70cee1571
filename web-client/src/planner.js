// The planner's actions on the one store: coverage for the chosen parameters, the district
// table's order, siting suggestions, the what-if scenario and exports. Every view-replacing
// request is latest-only (AbortController), so a slow stale answer never overwrites a newer one.
import { fetchBlob, fetchJson, isAbortError, postJson } from './api/client.js';
import {
  PLAN_MINUTES, TRAVEL_MODES, coverBody, coverUrl, coverageUrl, districtsUrl, gapCellFor, gapsUrl, layerPointsUrl, openAtInstant, planningLayersUrl, suggestBody,
  suggestUrl, whatIfBody, whatIfUrl,
} from './api/requests.js';
import { findDistrict, geometryBounds } from './map/layers/districts.js';
import { DEFAULT_CANDIDATE_LAYER, DEFAULT_DEMAND_LAYER } from './state/plannerState.js';

/** Worst-served demand points asked for with the coverage (drawn as "uncovered demand"). */
export const WORST_POINTS = 50;
/** A dragged station asks for a new scenario once it has rested this long (ms). */
export const WHAT_IF_DEBOUNCE_MS = 250;
export const DISTRICT_COLUMNS = ['name', 'demand', 'covered', 'coverage_pct', 'mean_minutes', 'p95_minutes'];

/** One AbortController per kind of request: starting one aborts the one before it. */
function latest() {
  let controller = null;
  return {
    next() {
      controller?.abort();
      controller = new AbortController();
      return controller.signal;
    },
    abort() {
      controller?.abort();
      controller = null;
    },
  };
}

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

export function createPlanner(store, {
  fetchImpl, download = saveBlob, now = () => new Date(), timeZone = 'Asia/Shanghai', debounceMs = WHAT_IF_DEBOUNCE_MS,
  history = globalThis.history, location = globalThis.location,
} = {}) {
  const coverageReq = latest();
  const pointsReq = latest();
  const suggestReq = latest();
  const coverReq = latest();
  const whatIfReq = latest();
  const exportReq = latest();
  let whatIfTimer = null;
  let nextKey = 1;
  const listeners = { zoomToDistrict: [], showSites: [] };

  const patch = (key, value) => store.set({ [key]: { ...store.get()[key], ...value } });
  const params = () => {
    const { mode, minutes, layer, at } = store.get().plan;
    return { mode, minutes, layer, at };
  };

  function writeView(view) {
    if (!history || !location) return;
    const url = new URL(location.href);
    if (view === 'planner') url.searchParams.set('view', 'planner');
    else url.searchParams.delete('view');
    history.replaceState(history.state, '', url.pathname + url.search + url.hash);
  }

  async function loadLayers() {
    patch('planLayers', { status: 'loading', error: null });
    try {
      const body = await fetchJson(planningLayersUrl(), { fetchImpl });
      const items = body.items ?? [];
      store.set({ planLayers: { status: 'ok', data: items, error: null } });
      // Keep the chosen layers when they exist; otherwise take the first of their kind.
      const demand = items.filter((l) => l.kind === 'demand').map((l) => l.name);
      const candidates = items.filter((l) => l.kind === 'candidate').map((l) => l.name);
      const { plan, suggestForm } = store.get();
      if (demand.length && !demand.includes(plan.layer)) setPlan({ layer: demand.includes(DEFAULT_DEMAND_LAYER) ? DEFAULT_DEMAND_LAYER : demand[0] });
      if (candidates.length && !candidates.includes(suggestForm.candidateLayer)) {
        setSuggestForm({ candidateLayer: candidates.includes(DEFAULT_CANDIDATE_LAYER) ? DEFAULT_CANDIDATE_LAYER : candidates[0] });
      }
    } catch (err) {
      store.set({ planLayers: { status: 'error', data: null, error: err } });
    }
  }

  async function loadDistricts() {
    patch('districts', { status: 'loading', error: null });
    try {
      const data = await fetchJson(districtsUrl({ format: 'geojson' }), { fetchImpl });
      store.set({ districts: { status: 'ok', data, error: null } });
    } catch (err) {
      store.set({ districts: { status: 'error', data: null, error: err } });
    }
  }

  async function loadCoverage() {
    const url = coverageUrl({ ...params(), worst: WORST_POINTS });
    const signal = coverageReq.next();
    patch('coverage', { status: 'loading', error: null, url });
    try {
      const data = await fetchJson(url, { signal, fetchImpl });
      store.set({ coverage: { status: 'ok', data, error: null, url } });
    } catch (err) {
      if (isAbortError(err)) return;
      store.set({ coverage: { status: 'error', data: store.get().coverage.data, error: err, url } });
    }
  }

  async function loadDemandPoints() {
    const { layer } = store.get().plan;
    if (store.get().demandPoints.layer === layer && store.get().demandPoints.status !== 'error') return;
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

  /** Changes the analysis parameters: coverage reloads, the what-if re-runs, a suggestion goes stale. */
  function setPlan(change) {
    const plan = { ...store.get().plan, ...change };
    if (!TRAVEL_MODES.includes(plan.mode) || !PLAN_MINUTES.includes(plan.minutes)) return;
    if ('openAt' in change) plan.at = openAtInstant(plan.openAt, now(), timeZone);
    const before = store.get().plan;
    if (['mode', 'minutes', 'layer', 'openAt', 'at'].every((k) => before[k] === plan[k])) return;
    store.set({ plan });
    if (store.get().view !== 'planner') return;
    loadCoverage();
    if (plan.layer !== before.layer) loadDemandPoints();
    if (store.get().suggestion.data) patch('suggestion', { stale: true });
    if (store.get().cover.data) patch('cover', { stale: true });
    if (hasEdits()) runWhatIf();
  }

  function enter() {
    store.set({ view: 'planner' });
    writeView('planner');
    const s = store.get();
    if (s.planLayers.status === 'idle' || s.planLayers.status === 'error') loadLayers();
    if (s.districts.status === 'idle' || s.districts.status === 'error') loadDistricts();
    loadCoverage();
    loadDemandPoints();
  }

  function leave() {
    store.set({ view: 'courier' });
    writeView('courier');
  }

  function sortDistricts(key) {
    if (!DISTRICT_COLUMNS.includes(key)) return;
    const { districtSort } = store.get();
    // A new column starts in its natural order: names A→Z, numbers largest first.
    const dir = districtSort.key === key ? (districtSort.dir === 'asc' ? 'desc' : 'asc') : (key === 'name' ? 'asc' : 'desc');
    store.set({ districtSort: { key, dir } });
  }

  function focusDistrict(id) {
    store.set({ focusDistrict: id });
    if (id != null) for (const fn of listeners.zoomToDistrict) fn(id);
  }

  function setSuggestForm(change) {
    store.set({ suggestForm: { ...store.get().suggestForm, ...change } });
  }

  /** The candidate source of the form: a layer, or a road grid (over the focused district when one is). */
  function candidateSource() {
    const { suggestForm: f, focusDistrict: district } = store.get();
    return f.source === 'grid'
      ? { grid: { spacing_m: f.spacing, ...(district != null ? { district } : {}) } }
      : { layer: f.candidateLayer };
  }

  /** Builds the suggest request body from the plan and the form; throws RangeError for bad input. */
  function currentSuggestBody() {
    const f = store.get().suggestForm;
    return suggestBody({ ...params(), p: f.p, candidates: candidateSource(), exact: f.exact });
  }

  /** How many new stations reach the form's target %: POST /planning/cover (latest only). */
  async function runCover() {
    let body;
    try {
      const f = store.get().suggestForm;
      body = coverBody({ ...params(), targetPct: f.target, candidates: candidateSource(), exact: f.exact });
    } catch (err) {
      store.set({ cover: { status: 'invalid', data: null, error: err, stale: false } });
      return;
    }
    const signal = coverReq.next();
    store.set({ cover: { status: 'loading', data: store.get().cover.data, error: null, stale: store.get().cover.stale } });
    try {
      const data = await postJson(coverUrl(), body, { signal, fetchImpl });
      store.set({ cover: { status: 'ok', data, error: null, stale: false } });
    } catch (err) {
      if (isAbortError(err)) return;
      store.set({ cover: { status: 'error', data: null, error: err, stale: false } });
    }
  }

  async function runSuggest() {
    let body;
    try {
      body = currentSuggestBody();
    } catch (err) {
      store.set({ suggestion: { status: 'invalid', data: store.get().suggestion.data, error: err, stale: store.get().suggestion.stale } });
      return;
    }
    const signal = suggestReq.next();
    store.set({ suggestion: { status: 'loading', data: store.get().suggestion.data, error: null, stale: store.get().suggestion.stale } });
    try {
      const data = await postJson(suggestUrl(), body, { signal, fetchImpl });
      store.set({ suggestion: { status: 'ok', data, error: null, stale: false, body } });
      for (const fn of listeners.showSites) fn(data.sites ?? []);
    } catch (err) {
      if (isAbortError(err)) return;
      store.set({ suggestion: { status: 'error', data: store.get().suggestion.data, error: err, stale: store.get().suggestion.stale } });
    }
  }

  function clearSuggestion() {
    suggestReq.abort();
    store.set({ suggestion: { status: 'idle', data: null, error: null, stale: false } });
  }

  // ---------- what-if ----------

  function hasEdits() {
    const { added, removed } = store.get().whatIf;
    return added.length > 0 || removed.length > 0;
  }

  async function runWhatIf() {
    clearTimeout(whatIfTimer);
    whatIfTimer = null;
    const { added, removed } = store.get().whatIf;
    if (!hasEdits()) {
      whatIfReq.abort();
      patch('whatIf', { status: 'idle', data: null, error: null });
      return;
    }
    const body = whatIfBody({ ...params(), add: added.map(({ lon, lat, key }) => ({ lon, lat, label: `#${key}` })), remove: removed });
    const signal = whatIfReq.next();
    patch('whatIf', { status: 'loading', error: null });
    try {
      const data = await postJson(whatIfUrl(), body, { signal, fetchImpl });
      patch('whatIf', { status: 'ok', data, error: null, body });
    } catch (err) {
      if (isAbortError(err)) return;
      patch('whatIf', { status: 'error', error: err });
    }
  }

  /** Asks for the scenario once the edits have rested for debounceMs; older requests are aborted. */
  function scheduleWhatIf() {
    clearTimeout(whatIfTimer);
    whatIfReq.abort();
    patch('whatIf', { status: hasEdits() ? 'pending' : 'idle' });
    whatIfTimer = setTimeout(runWhatIf, debounceMs);
  }

  function addStation([lon, lat]) {
    const key = nextKey++;
    patch('whatIf', { added: [...store.get().whatIf.added, { key, lon, lat }] });
    runWhatIf();
    return key;
  }

  /** Moves hypothetical station key; while dragging (final=false) the request is debounced. */
  function moveStation(key, [lon, lat], { final = true } = {}) {
    const added = store.get().whatIf.added.map((a) => (a.key === key ? { ...a, lon, lat } : a));
    patch('whatIf', { added });
    if (final) runWhatIf();
    else scheduleWhatIf();
  }

  function removeAdded(key) {
    patch('whatIf', { added: store.get().whatIf.added.filter((a) => a.key !== key) });
    runWhatIf();
  }

  /** Takes an existing station out of the scenario, or puts it back. */
  function toggleRemoved(id) {
    const { removed } = store.get().whatIf;
    const next = removed.includes(id) ? removed.filter((r) => r !== id) : [...removed, id];
    patch('whatIf', { removed: next });
    runWhatIf();
  }

  function resetWhatIf() {
    clearTimeout(whatIfTimer);
    whatIfReq.abort();
    store.set({ whatIf: { added: [], removed: [], status: 'idle', data: null, error: null } });
  }

  // ---------- exports ----------

  function stamp() {
    const { mode, minutes, layer } = store.get().plan;
    return `${layer}-${mode}-${minutes}min`;
  }

  /**
   * what: districts|gaps|suggestions; format: csv|geojson. Gaps cover the focused district, or
   * else the map view (box from getViewBox()).
   */
  async function exportFile(what, format, { getViewBox } = {}) {
    const signal = exportReq.next();
    store.set({ exporting: { status: 'loading', what: `${what}.${format}`, error: null } });
    try {
      let blob;
      let name;
      if (what === 'districts') {
        blob = await fetchBlob(coverageUrl({ ...params(), format }), { signal, fetchImpl });
        name = `coverage-districts-${stamp()}.${format === 'csv' ? 'csv' : 'geojson'}`;
      } else if (what === 'gaps') {
        const district = store.get().focusDistrict;
        const bbox = district == null ? getViewBox?.() : undefined;
        // The cell grows with the area so a big district or a zoomed-out view stays under the API's cap.
        const bounds = district == null ? bbox : geometryBounds(findDistrict(store.get().districts.data, district)?.geometry)?.flat();
        const { mode, minutes, at } = params();
        blob = await fetchBlob(gapsUrl({ mode, minutes, at, district, bbox, cell: gapCellFor(bounds) }), { signal, fetchImpl });
        name = `coverage-gaps-${stamp()}.geojson`;
      } else if (what === 'suggestions') {
        const body = store.get().suggestion.body ?? currentSuggestBody();
        blob = await fetchBlob(suggestUrl({ format }), { method: 'POST', body, signal, fetchImpl });
        name = `suggested-sites-${stamp()}-p${body.p}.${format === 'csv' ? 'csv' : 'geojson'}`;
      } else throw new RangeError(`unknown export: ${what}`);
      download(blob, name);
      store.set({ exporting: { status: 'idle', what: `${what}.${format}`, error: null } });
    } catch (err) {
      if (isAbortError(err)) return;
      store.set({ exporting: { status: 'error', what: `${what}.${format}`, error: err } });
    }
  }

  return {
    enter,
    leave,
    toggleView: () => (store.get().view === 'planner' ? leave() : enter()),
    loadCoverage,
    loadLayers,
    loadDistricts,
    setPlan,
    sortDistricts,
    focusDistrict,
    toggleGaps: () => store.set({ showGaps: !store.get().showGaps }),
    setSuggestForm,
    runSuggest,
    clearSuggestion,
    runCover,
    addStation,
    moveStation,
    removeAdded,
    toggleRemoved,
    resetWhatIf,
    runWhatIf,
    exportFile,
    /** fn(districtId) when a district should be shown whole on the map. */
    onZoomToDistrict: (fn) => listeners.zoomToDistrict.push(fn),
    /** fn(sites) when a suggestion arrives (the map shows its sites). */
    onShowSites: (fn) => listeners.showSites.push(fn),
  };
}

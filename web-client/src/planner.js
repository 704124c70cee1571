// The planner's actions on the one store, put together from one module per concern (planner/):
// the plan's parameters, the coverage that follows them, the reference data, the district table,
// siting, the what-if scenario, exports and the view. Every view-replacing request is latest-only
// (AbortController), so a slow stale answer never overwrites a newer one.
import { createEvents } from './state/events.js';
import { plannerContext } from './planner/context.js';
import { createCoverage } from './planner/coverage.js';
import { createCrowding } from './planner/crowding.js';
import { createDistricts } from './planner/districts.js';
import { createExports } from './planner/exports.js';
import { createPlan } from './planner/plan.js';
import { createReference } from './planner/reference.js';
import { createSuggest } from './planner/suggest.js';
import { createView } from './planner/view.js';
import { WHAT_IF_DEBOUNCE_MS, createWhatIf } from './planner/whatIf.js';

export { WORST_POINTS } from './planner/coverage.js';
export { DISTRICT_COLUMNS } from './planner/districts.js';
export { saveBlob } from './planner/exports.js';
export { WHAT_IF_DEBOUNCE_MS } from './planner/whatIf.js';

export function createPlanner(store, {
  fetchImpl, download, now = () => new Date(), timeZone = 'Asia/Shanghai', debounceMs = WHAT_IF_DEBOUNCE_MS,
  history = globalThis.history, location = globalThis.location,
} = {}) {
  const events = createEvents();
  const ctx = plannerContext(store, { fetchImpl, events });
  const coverage = createCoverage(ctx);
  const suggest = createSuggest(ctx);
  const whatIf = createWhatIf(ctx, { debounceMs });
  const { setPlan } = createPlan(ctx, { coverage, suggest, whatIf, now, timeZone });
  const reference = createReference(ctx, { setPlan, setSuggestForm: suggest.setSuggestForm });
  const view = createView(ctx, { reference, coverage, page: { history, location } });
  const districts = createDistricts(ctx);
  const { exportFile } = createExports(ctx, { download });
  const crowding = createCrowding(ctx, { now });

  return {
    ...view,
    loadCoverage: coverage.loadCoverage,
    loadLayers: reference.loadLayers,
    loadDistricts: reference.loadDistricts,
    setPlan,
    ...districts,
    setSuggestForm: suggest.setSuggestForm,
    runSuggest: suggest.runSuggest,
    clearSuggestion: suggest.clearSuggestion,
    runCover: suggest.runCover,
    addStation: whatIf.addStation,
    moveStation: whatIf.moveStation,
    removeAdded: whatIf.removeAdded,
    toggleRemoved: whatIf.toggleRemoved,
    resetWhatIf: whatIf.resetWhatIf,
    runWhatIf: whatIf.runWhatIf,
    exportFile,
    ...crowding,
    /** fn(districtId) when a district should be shown whole on the map. */
    onZoomToDistrict: (fn) => events.on('zoomToDistrict', fn),
    /** fn(sites) when a suggestion arrives (the map shows its sites). */
    onShowSites: (fn) => events.on('showSites', fn),
  };
}

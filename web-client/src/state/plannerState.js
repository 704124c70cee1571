// The planner's part of the app's one state: the analysis parameters shared by every planner
// request (mode, minutes, demand layer, "open at"), and one slot per API answer.

export const VIEWS = ['courier', 'planner'];
export const DEFAULT_DEMAND_LAYER = 'demo-demand';
export const DEFAULT_CANDIDATE_LAYER = 'demo-candidates';

/** ?view=planner opens the planner; anything else is the courier view. */
export function viewFromSearch(search) {
  return new URLSearchParams(search).get('view') === 'planner' ? 'planner' : 'courier';
}

const idle = (extra = {}) => ({ status: 'idle', data: null, error: null, ...extra });

export function initialPlannerState({ view = 'courier' } = {}) {
  return {
    /** courier (the phone map) | planner (coverage and siting). */
    view: VIEWS.includes(view) ? view : 'courier',
    /**
     * Parameters of every planner request. openAt: 'all' (every station with status open),
     * 'now', or an hour '0'..'23' today; at is the ISO instant it stands for (null for 'all').
     */
    plan: { mode: 'ebike', minutes: 15, layer: DEFAULT_DEMAND_LAYER, openAt: 'all', at: null },
    /** GET /planning/layers: data = items. */
    planLayers: idle(),
    /** GET /districts?format=geojson: data = FeatureCollection. */
    districts: idle(),
    /** GET /coverage for plan: data = the coverage answer. */
    coverage: idle(),
    /** GET /planning/layers/{layer}/points: data = FeatureCollection, layer = its name. */
    demandPoints: idle({ layer: null }),
    /** District table order: key is a column, dir asc|desc. */
    districtSort: { key: 'demand', dir: 'desc' },
    /** The district the map zoomed to (its id), or null. */
    focusDistrict: null,
    /** Gap surface and demand layers shown on the map. */
    showGaps: true,
    /** The suggest form: candidate source layer|grid. */
    suggestForm: { p: 5, source: 'layer', candidateLayer: DEFAULT_CANDIDATE_LAYER, spacing: 1000, exact: 'auto', target: 90 },
    /** POST /planning/suggest: data = the answer; stale once plan changes after it ran. */
    suggestion: idle({ stale: false }),
    /** POST /planning/cover: how many new stations reach suggestForm.target %; stale like suggestion. */
    cover: idle({ stale: false }),
    /**
     * What-if scenario: hypothetical stations added ({key, lon, lat}) and existing station ids
     * removed; data = POST /planning/what-if's answer for exactly these edits (or null).
     */
    whatIf: { added: [], removed: [], status: 'idle', data: null, error: null },
    /** GET /stats/crowding for one station: data = its 7 × 24 typical profile; weekday shown 'Mo'…'Su'. */
    crowding: idle({ stationId: null, weekday: null }),
    /** GET /tickets?bbox=&format=geojson: the open faults of the view, drawn when showFaults. */
    faults: idle(),
    showFaults: true,
    /** The last export: idle|loading|error, which one and why it failed. */
    exporting: { status: 'idle', what: null, error: null },
  };
}

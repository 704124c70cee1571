// The analysis parameters (mode, minutes, demand layer, "open at"). A change reloads the coverage
// (and the demand points when the layer changed), marks suggestions stale and re-runs the what-if;
// outside the planner view it is only remembered.
import { PLAN_MINUTES, TRAVEL_MODES, openAtInstant } from '../api/requests.js';

const PLAN_KEYS = ['mode', 'minutes', 'layer', 'openAt', 'at'];

/**
 * The plan after change, or null when the change is invalid or changes nothing. A new openAt
 * ('all', 'now' or an hour) is turned into the instant it stands for in timeZone.
 */
export function nextPlan(before, change, { now, timeZone }) {
  const plan = { ...before, ...change };
  if (!TRAVEL_MODES.includes(plan.mode) || !PLAN_MINUTES.includes(plan.minutes)) return null;
  if ('openAt' in change) plan.at = openAtInstant(plan.openAt, now(), timeZone);
  return PLAN_KEYS.every((k) => before[k] === plan[k]) ? null : plan;
}

export function createPlan({ store }, { coverage, suggest, whatIf, now, timeZone }) {
  /** Changes the analysis parameters: coverage reloads, the what-if re-runs, a suggestion goes stale. */
  function setPlan(change) {
    const before = store.get().plan;
    const plan = nextPlan(before, change, { now, timeZone });
    if (!plan) return;
    store.set({ plan });
    if (store.get().view !== 'planner') return;
    coverage.loadCoverage();
    if (plan.layer !== before.layer) coverage.loadDemandPoints();
    suggest.markStale();
    if (whatIf.hasEdits()) whatIf.runWhatIf();
  }

  return { setPlan };
}

// Entering and leaving the planner view, kept in the address as ?view=planner. Entering asks for
// what the view shows: the reference data when missing, the coverage and demand points for the plan.
import { writeSearchParam } from '../state/url.js';
import { needsLoad } from './reference.js';

export function createView({ store }, { reference, coverage, page }) {
  function enter() {
    store.set({ view: 'planner' });
    writeSearchParam(page, 'view', 'planner');
    const s = store.get();
    if (needsLoad(s.planLayers)) reference.loadLayers();
    if (needsLoad(s.districts)) reference.loadDistricts();
    coverage.loadCoverage();
    coverage.loadDemandPoints();
  }

  function leave() {
    store.set({ view: 'courier' });
    writeSearchParam(page, 'view', null);
  }

  return { enter, leave, toggleView: () => (store.get().view === 'planner' ? leave() : enter()) };
}

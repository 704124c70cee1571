// The data the planner loads once per visit (again only after a failure): the list of demand and
// candidate layers, and the district boundaries. Neither depends on the plan.
import { fetchJson } from '../api/client.js';
import { districtsUrl, planningLayersUrl } from '../api/requests.js';
import { DEFAULT_CANDIDATE_LAYER, DEFAULT_DEMAND_LAYER } from '../state/plannerState.js';

/** True when a slot has never loaded or failed: entering the planner asks for it (again). */
export function needsLoad(slot) {
  return slot.status === 'idle' || slot.status === 'error';
}

const pick = (names, fallback) => (names.includes(fallback) ? fallback : names[0]);

/**
 * The layers to switch to once the API's list is known: the chosen ones stay when they exist;
 * otherwise the default of their kind, or else the first. Returns {layer?, candidateLayer?}.
 */
export function layerChoice(items, plan, suggestForm) {
  const demand = items.filter((l) => l.kind === 'demand').map((l) => l.name);
  const candidates = items.filter((l) => l.kind === 'candidate').map((l) => l.name);
  const choice = {};
  if (demand.length && !demand.includes(plan.layer)) choice.layer = pick(demand, DEFAULT_DEMAND_LAYER);
  if (candidates.length && !candidates.includes(suggestForm.candidateLayer)) choice.candidateLayer = pick(candidates, DEFAULT_CANDIDATE_LAYER);
  return choice;
}

export function createReference({ store, fetchImpl, patch }, { setPlan, setSuggestForm }) {
  async function loadLayers() {
    patch('planLayers', { status: 'loading', error: null });
    try {
      const body = await fetchJson(planningLayersUrl(), { fetchImpl });
      const items = body.items ?? [];
      store.set({ planLayers: { status: 'ok', data: items, error: null } });
      const { plan, suggestForm } = store.get();
      const choice = layerChoice(items, plan, suggestForm);
      if (choice.layer) setPlan({ layer: choice.layer });
      if (choice.candidateLayer) setSuggestForm({ candidateLayer: choice.candidateLayer });
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

  return { loadLayers, loadDistricts };
}

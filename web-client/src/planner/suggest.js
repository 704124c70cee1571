// Siting: the suggest form, "where should p new stations go" (POST /planning/suggest) and "how
// many reach the target %" (POST /planning/cover). Bad form input is refused before any request;
// both answers go stale, not away, when the plan changes after them.
import { isAbortError, latestSignal, postJson } from '../api/client.js';
import { coverBody, coverUrl, suggestBody, suggestUrl } from '../api/requests.js';
import { planParams } from './context.js';

/** The form's candidate source: a layer, or a road grid (over the focused district when one is). */
export function candidateSource({ suggestForm: f, focusDistrict: district }) {
  return f.source === 'grid'
    ? { grid: { spacing_m: f.spacing, ...(district != null ? { district } : {}) } }
    : { layer: f.candidateLayer };
}

/** The suggest request body for the state's plan and form; throws RangeError for bad input. */
export function suggestBodyFor(state) {
  const f = state.suggestForm;
  return suggestBody({ ...planParams(state.plan), p: f.p, candidates: candidateSource(state), exact: f.exact });
}

/** The cover request body for the state's plan and form; throws RangeError for bad input. */
export function coverBodyFor(state) {
  const f = state.suggestForm;
  return coverBody({ ...planParams(state.plan), targetPct: f.target, candidates: candidateSource(state), exact: f.exact });
}

export function createSuggest({ store, fetchImpl, events, patch }) {
  const suggestReq = latestSignal();
  const coverReq = latestSignal();

  function setSuggestForm(change) {
    store.set({ suggestForm: { ...store.get().suggestForm, ...change } });
  }

  async function runCover() {
    let body;
    try {
      body = coverBodyFor(store.get());
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
    // The sites on the map stay while a new suggestion is asked for or refused.
    const keep = (status, error) => ({ status, data: store.get().suggestion.data, error, stale: store.get().suggestion.stale });
    let body;
    try {
      body = suggestBodyFor(store.get());
    } catch (err) {
      store.set({ suggestion: keep('invalid', err) });
      return;
    }
    const signal = suggestReq.next();
    store.set({ suggestion: keep('loading', null) });
    try {
      const data = await postJson(suggestUrl(), body, { signal, fetchImpl });
      store.set({ suggestion: { status: 'ok', data, error: null, stale: false, body } });
      events.emit('showSites', data.sites ?? []);
    } catch (err) {
      if (isAbortError(err)) return;
      store.set({ suggestion: keep('error', err) });
    }
  }

  function clearSuggestion() {
    suggestReq.abort();
    store.set({ suggestion: { status: 'idle', data: null, error: null, stale: false } });
  }

  /** The plan changed: answers already shown no longer match it. */
  function markStale() {
    if (store.get().suggestion.data) patch('suggestion', { stale: true });
    if (store.get().cover.data) patch('cover', { stale: true });
  }

  return { setSuggestForm, runSuggest, runCover, clearSuggestion, markStale };
}

// The what-if scenario: hypothetical stations added on the map and existing ones taken out, with
// POST /planning/what-if for exactly those edits. A drop asks at once; a drag asks once the marker
// has rested for debounceMs; every new request aborts the one before it.
import { isAbortError, latestSignal, postJson } from '../api/client.js';
import { whatIfBody, whatIfUrl } from '../api/requests.js';

/** A dragged station asks for a new scenario once it has rested this long (ms). */
export const WHAT_IF_DEBOUNCE_MS = 250;

export function hasEdits({ added, removed }) {
  return added.length > 0 || removed.length > 0;
}

/** The request body for the edits: added stations are labelled by their key (#1, #2 …). */
export function whatIfBodyFor(params, { added, removed }) {
  return whatIfBody({ ...params, add: added.map(({ lon, lat, key }) => ({ lon, lat, label: `#${key}` })), remove: removed });
}

/** The removed list with id taken out when it is in, put in when it is not. */
export function toggled(removed, id) {
  return removed.includes(id) ? removed.filter((r) => r !== id) : [...removed, id];
}

export function createWhatIf({ store, fetchImpl, patch, params }, { debounceMs = WHAT_IF_DEBOUNCE_MS } = {}) {
  const whatIfReq = latestSignal();
  let timer = null;
  let nextKey = 1;
  const edits = () => store.get().whatIf;

  async function runWhatIf() {
    clearTimeout(timer);
    timer = null;
    if (!hasEdits(edits())) {
      whatIfReq.abort();
      patch('whatIf', { status: 'idle', data: null, error: null });
      return;
    }
    const body = whatIfBodyFor(params(), edits());
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

  function scheduleWhatIf() {
    clearTimeout(timer);
    whatIfReq.abort();
    patch('whatIf', { status: hasEdits(edits()) ? 'pending' : 'idle' });
    timer = setTimeout(runWhatIf, debounceMs);
  }

  function addStation([lon, lat]) {
    const key = nextKey++;
    patch('whatIf', { added: [...edits().added, { key, lon, lat }] });
    runWhatIf();
    return key;
  }

  /** Moves hypothetical station key; while dragging (final=false) the request is debounced. */
  function moveStation(key, [lon, lat], { final = true } = {}) {
    patch('whatIf', { added: edits().added.map((a) => (a.key === key ? { ...a, lon, lat } : a)) });
    if (final) runWhatIf();
    else scheduleWhatIf();
  }

  function removeAdded(key) {
    patch('whatIf', { added: edits().added.filter((a) => a.key !== key) });
    runWhatIf();
  }

  /** Takes an existing station out of the scenario, or puts it back. */
  function toggleRemoved(id) {
    patch('whatIf', { removed: toggled(edits().removed, id) });
    runWhatIf();
  }

  function resetWhatIf() {
    clearTimeout(timer);
    whatIfReq.abort();
    store.set({ whatIf: { added: [], removed: [], status: 'idle', data: null, error: null } });
  }

  return {
    hasEdits: () => hasEdits(edits()), runWhatIf, addStation, moveStation, removeAdded, toggleRemoved, resetWhatIf,
  };
}

// The parts of the state kept in the page address: ?station= (the open sheet) and ?view=planner.
// Written with replaceState, so opening stations and views does not fill the back button's history.

/** ?station=ID as a number, or null when absent or not a positive integer id. */
export function stationFromSearch(search) {
  const raw = new URLSearchParams(search).get('station');
  return raw && /^[1-9][0-9]{0,15}$/.test(raw) ? Number(raw) : null;
}

/**
 * Sets search parameter name to value in the address (removes it when value is null), keeping
 * the path, the other parameters, the hash and history.state. Without history or location
 * (tests, embedded use) nothing happens.
 */
export function writeSearchParam({ history, location }, name, value) {
  if (!history || !location) return;
  const url = new URL(location.href);
  if (value == null) url.searchParams.delete(name);
  else url.searchParams.set(name, String(value));
  history.replaceState(history.state, '', url.pathname + url.search + url.hash);
}

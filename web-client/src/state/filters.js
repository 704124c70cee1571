// The courier's filters, applied the way the API applies them to /stations/nearest: amenities
// are all-of and only "yes" counts ("unknown" is not "yes"); open-now is evaluated at the "open
// at" instant when one is set (at, ISO with offset; atChoice says which choice made it); services
// are any-of the kinds, on now or today (serviceWhen) — the API applies those, for the list and
// the map alike (whether a service is on "today" needs the whole day's hours, which it has).

export const SERVICE_WHEN = ['today', 'now'];

export const EMPTY_FILTERS = Object.freeze({
  amenities: Object.freeze([]), openNow: false, at: null, atChoice: null, services: Object.freeze([]), serviceWhen: 'today',
});

export function hasFilters(filters) {
  return Boolean(filters?.openNow) || Boolean(filters?.at) || (filters?.amenities?.length ?? 0) > 0 || (filters?.services?.length ?? 0) > 0;
}

/** station: a Station (amenities object, open_state object) from any API endpoint; services are the API's to filter. */
export function matchesFilters(station, filters) {
  if (!filters) return true;
  if ((filters.openNow || filters.at) && station?.open_state?.state !== 'open') return false;
  for (const amenity of filters.amenities ?? []) {
    if (station?.amenities?.[amenity] !== 'yes') return false;
  }
  return true;
}

/** Adds value to the list filters[key], or removes it when present; returns a new filter. */
function toggleIn(filters, key, value) {
  const set = new Set(filters[key] ?? []);
  if (set.has(value)) set.delete(value);
  else set.add(value);
  return { ...filters, [key]: [...set] };
}

export const toggleAmenity = (filters, amenity) => toggleIn(filters, 'amenities', amenity);
export const toggleService = (filters, kind) => toggleIn(filters, 'services', kind);

/** The "open at" choice applied: a time turns open-now on; 'now' (at null) keeps it on too. */
export function withOpenAt(filters, { at, atChoice }) {
  return { ...filters, at, atChoice, openNow: true };
}

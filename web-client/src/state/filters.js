// The amenity/open-now filter, applied the way the API applies it to /stations/nearest:
// amenities are all-of and only "yes" counts ("unknown" is not "yes").

export const EMPTY_FILTERS = Object.freeze({ amenities: Object.freeze([]), openNow: false });

export function hasFilters(filters) {
  return Boolean(filters?.openNow) || (filters?.amenities?.length ?? 0) > 0;
}

/** station: a Station (amenities object, open_state object) from any API endpoint. */
export function matchesFilters(station, filters) {
  if (!filters) return true;
  if (filters.openNow && station?.open_state?.state !== 'open') return false;
  for (const amenity of filters.amenities ?? []) {
    if (station?.amenities?.[amenity] !== 'yes') return false;
  }
  return true;
}

/** Adds amenity to the filter, or removes it when present; returns a new filter. */
export function toggleAmenity(filters, amenity) {
  const set = new Set(filters.amenities);
  if (set.has(amenity)) set.delete(amenity);
  else set.add(amenity);
  return { ...filters, amenities: [...set] };
}

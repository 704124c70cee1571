import { describe, expect, it } from 'vitest';
import { EMPTY_FILTERS, hasFilters, matchesFilters, toggleAmenity } from './filters.js';

const station = {
  open_state: { state: 'open' },
  amenities: { drinking_water: 'yes', toilet: 'unknown', microwave: 'no' },
};

describe('filters', () => {
  it('no filter matches everything', () => {
    expect(matchesFilters(station, EMPTY_FILTERS)).toBe(true);
    expect(hasFilters(EMPTY_FILTERS)).toBe(false);
  });

  it('amenities are all-of and need a yes', () => {
    expect(matchesFilters(station, { amenities: ['drinking_water'], openNow: false })).toBe(true);
    expect(matchesFilters(station, { amenities: ['drinking_water', 'microwave'], openNow: false })).toBe(false);
  });

  it('unknown does not count as yes', () => {
    expect(matchesFilters(station, { amenities: ['toilet'], openNow: false })).toBe(false);
  });

  it('open now keeps only open stations (unknown is not open)', () => {
    expect(matchesFilters(station, { amenities: [], openNow: true })).toBe(true);
    expect(matchesFilters({ ...station, open_state: { state: 'unknown' } }, { amenities: [], openNow: true })).toBe(false);
  });

  it('toggleAmenity adds and removes without mutating', () => {
    const a = toggleAmenity(EMPTY_FILTERS, 'toilet');
    expect(a.amenities).toEqual(['toilet']);
    expect(EMPTY_FILTERS.amenities).toEqual([]);
    expect(toggleAmenity(a, 'toilet').amenities).toEqual([]);
    expect(hasFilters(a)).toBe(true);
  });
});

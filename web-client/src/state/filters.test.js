import { describe, expect, it } from 'vitest';
import { EMPTY_FILTERS, hasFilters, matchesFilters, toggleAmenity, toggleService, withOpenAt } from './filters.js';

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

  it('an "open at" time keeps only stations open then, and turns open-now on', () => {
    const f = withOpenAt(EMPTY_FILTERS, { at: '2026-12-02T23:00:00+08:00', atChoice: 'tonight' });
    expect(f).toMatchObject({ openNow: true, at: '2026-12-02T23:00:00+08:00', atChoice: 'tonight' });
    expect(hasFilters({ ...EMPTY_FILTERS, at: f.at })).toBe(true);
    expect(matchesFilters({ ...station, open_state: { state: 'closed' } }, { ...EMPTY_FILTERS, at: f.at })).toBe(false);
  });

  it('toggleService adds and removes a kind', () => {
    const one = toggleService(EMPTY_FILTERS, 'free_clinic');
    expect(one.services).toEqual(['free_clinic']);
    expect(hasFilters(one)).toBe(true);
    expect(toggleService(one, 'free_clinic').services).toEqual([]);
  });
});

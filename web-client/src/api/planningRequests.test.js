import { describe, expect, it } from 'vitest';
import {
  coverBody, coverUrl, coverageUrl, districtsUrl, gapCellFor, gapTilesUrl, gapsUrl, layerPointsUrl, openAtInstant, planningLayersUrl, suggestBody, suggestUrl,
  utcOffset, whatIfBody, whatIfUrl,
} from './requests.js';

describe('planning request builders', () => {
  it('coverage carries mode, minutes, layer and asks for the worst points', () => {
    expect(coverageUrl({ mode: 'walk', minutes: 10, layer: 'demo-demand', worst: 50 }))
      .toBe('/api/v1/coverage?mode=walk&minutes=10&layer=demo-demand&worst=50');
  });

  it('coverage encodes an "open at" instant with its offset and omits an absent one', () => {
    const url = coverageUrl({ mode: 'ebike', minutes: 15, layer: 'demo-demand', at: '2026-11-29T23:00:00+08:00' });
    expect(url).toBe('/api/v1/coverage?mode=ebike&minutes=15&layer=demo-demand&at=2026-11-29T23%3A00%3A00%2B08%3A00');
    expect(new URL(url, 'http://x').searchParams.get('at')).toBe('2026-11-29T23:00:00+08:00');
    expect(coverageUrl({ mode: 'ebike', minutes: 15, layer: 'd', at: null })).not.toContain('at=');
  });

  it('coverage exports name the format and a district; json is the default and not sent', () => {
    expect(coverageUrl({ mode: 'ebike', minutes: 15, layer: 'd', district: 3, format: 'csv' })).toBe('/api/v1/coverage?mode=ebike&minutes=15&layer=d&district=3&format=csv');
    expect(coverageUrl({ mode: 'ebike', minutes: 15, layer: 'd', format: 'geojson' })).toContain('format=geojson');
    expect(coverageUrl({ mode: 'ebike', minutes: 15, layer: 'd', format: 'json' })).not.toContain('format');
  });

  it('coverage refuses what the API would refuse', () => {
    expect(() => coverageUrl({ mode: 'car', minutes: 15, layer: 'd' })).toThrow(RangeError);
    expect(() => coverageUrl({ mode: 'ebike', minutes: 0, layer: 'd' })).toThrow(RangeError);
    expect(() => coverageUrl({ mode: 'ebike', minutes: 61, layer: 'd' })).toThrow(RangeError);
    expect(() => coverageUrl({ mode: 'ebike', minutes: 15, layer: 'd', district: 'x' })).toThrow(RangeError);
    expect(() => coverageUrl({ mode: 'ebike', minutes: 15, layer: 'd', format: 'xml' })).toThrow(RangeError);
  });

  it('districts, layers and layer points', () => {
    expect(districtsUrl({ format: 'geojson' })).toBe('/api/v1/districts?format=geojson');
    expect(districtsUrl()).toBe('/api/v1/districts');
    expect(planningLayersUrl()).toBe('/api/v1/planning/layers');
    expect(layerPointsUrl('demo-demand')).toBe('/api/v1/planning/layers/demo-demand/points?format=geojson');
    expect(layerPointsUrl('a b/c', { bbox: [120, 30, 120.5, 30.5] })).toBe('/api/v1/planning/layers/a%20b%2Fc/points?bbox=120,30,120.5,30.5&format=geojson');
    expect(() => layerPointsUrl(' ')).toThrow(RangeError);
  });

  it('gaps need a bbox or a district, and a cell size in the API range', () => {
    expect(gapsUrl({ mode: 'ebike', minutes: 15, bbox: [120.1, 30.2, 120.3, 30.4] })).toBe('/api/v1/coverage/gaps?mode=ebike&minutes=15&bbox=120.1,30.2,120.3,30.4&cell=250');
    expect(gapsUrl({ mode: 'walk', minutes: 5, district: 7, cell: 500, at: '2026-11-29T23:00:00+08:00' })).toContain('district=7&cell=500');
    expect(() => gapsUrl({ mode: 'ebike', minutes: 15 })).toThrow(RangeError);
    expect(() => gapsUrl({ mode: 'ebike', minutes: 15, district: 7, cell: 50 })).toThrow(RangeError);
  });

  it('gap tiles are an absolute template keeping {z}/{x}/{y} literal', () => {
    expect(gapTilesUrl('http://127.0.0.1:8080', { mode: 'ebike', minutes: 15 })).toBe('http://127.0.0.1:8080/api/v1/coverage/gaps/tiles/{z}/{x}/{y}.mvt?mode=ebike&minutes=15');
    expect(gapTilesUrl('http://h', { mode: 'walk', minutes: 10, at: '2026-11-29T23:00:00+08:00' })).toContain('&at=2026-11-29T23%3A00%3A00%2B08%3A00');
  });

  it('suggest and what-if URLs', () => {
    expect(suggestUrl()).toBe('/api/v1/planning/suggest');
    expect(suggestUrl({ format: 'csv' })).toBe('/api/v1/planning/suggest?format=csv');
    expect(whatIfUrl()).toBe('/api/v1/planning/what-if');
  });

  it('suggest body with a candidate layer', () => {
    expect(suggestBody({ mode: 'ebike', minutes: 15, layer: 'demo-demand', p: 5, candidates: { layer: 'demo-candidates' } }))
      .toEqual({ mode: 'ebike', minutes: 15, layer: 'demo-demand', p: 5, candidates: { layer: 'demo-candidates' }, exact: 'auto' });
  });

  it('suggest body with a grid, a district and an instant', () => {
    const body = suggestBody({ mode: 'walk', minutes: 10, layer: 'd', p: 3, candidates: { grid: { spacing_m: 800, district: 4 } }, district: 4, at: '2026-11-29T23:00:00+08:00', exact: 'never' });
    expect(body).toEqual({ mode: 'walk', minutes: 10, layer: 'd', p: 3, candidates: { grid: { spacing_m: 800, district: 4 } }, district: 4, at: '2026-11-29T23:00:00+08:00', exact: 'never' });
    expect(suggestBody({ layer: 'd', p: 1, candidates: { grid: { spacing_m: 300 } } }).candidates).toEqual({ grid: { spacing_m: 300 } });
  });

  it('suggest body refuses p, spacing and candidates out of the contract', () => {
    const base = { layer: 'd', candidates: { layer: 'c' } };
    expect(() => suggestBody({ ...base, p: 0 })).toThrow(RangeError);
    expect(() => suggestBody({ ...base, p: 51 })).toThrow(RangeError);
    expect(() => suggestBody({ ...base, p: 2.5 })).toThrow(RangeError);
    expect(() => suggestBody({ layer: 'd', p: 5, candidates: { grid: { spacing_m: 200 } } })).toThrow(RangeError);
    expect(() => suggestBody({ layer: 'd', p: 5, candidates: { grid: { spacing_m: 6000 } } })).toThrow(RangeError);
    expect(() => suggestBody({ layer: 'd', p: 5, candidates: {} })).toThrow(RangeError);
    expect(() => suggestBody({ ...base, p: 5, exact: 'maybe' })).toThrow(RangeError);
  });

  it('what-if body rounds added points, sorts and de-duplicates removed ids', () => {
    const body = whatIfBody({ mode: 'ebike', minutes: 15, layer: 'demo-demand', add: [{ lon: 120.123456789, lat: 30.1, label: 'A' }], remove: [9, 3, 9] });
    expect(body).toEqual({ mode: 'ebike', minutes: 15, layer: 'demo-demand', add: [{ lon: 120.123457, lat: 30.1, label: 'A' }], remove: [3, 9] });
    expect(() => whatIfBody({ layer: 'd', add: [{ lon: 200, lat: 30 }] })).toThrow(RangeError);
    expect(() => whatIfBody({ layer: 'd', remove: ['x'] })).toThrow(RangeError);
  });

  it('"open at": all stations, now, or an hour today in the stations\' time zone', () => {
    const now = new Date('2026-11-29T05:10:42.123Z'); // 13:10 in Shanghai
    expect(openAtInstant('all', now)).toBeNull();
    expect(openAtInstant('now', now)).toBe('2026-11-29T05:10:00Z');
    expect(openAtInstant('23', now)).toBe('2026-11-29T23:00:00+08:00');
    expect(openAtInstant('7', now)).toBe('2026-11-29T07:00:00+08:00');
    // 17:30 UTC is already the next day in Shanghai.
    expect(openAtInstant('2', new Date('2026-11-29T17:30:00Z'))).toBe('2026-11-30T02:00:00+08:00');
    expect(() => openAtInstant('24', now)).toThrow(RangeError);
    expect(utcOffset(now, 'UTC')).toBe('+00:00');
  });

  it('the gaps cell grows with the area so an export stays under the API cap of 20,000 hexagons', () => {
    expect(gapCellFor(undefined)).toBe(250);
    expect(gapCellFor([120.15, 30.25, 120.2, 30.3])).toBe(250); // ~4.8 × 5.5 km
    const city = [119.9, 30.0, 120.5, 30.5]; // ~58 × 55 km
    const cell = gapCellFor(city);
    expect(cell % 50).toBe(0);
    const hexKm2 = (3 * Math.sqrt(3) / 2) * (cell / 1000) ** 2;
    expect((58 * 55) / hexKm2).toBeLessThan(20000);
    expect(gapCellFor([100, 20, 125, 45])).toBe(2000);
  });

  it('cover asks for the fewest stations reaching a target %, with the same candidate sources', () => {
    expect(coverUrl()).toBe('/api/v1/planning/cover');
    expect(coverBody({ mode: 'walk', minutes: 10, layer: 'd', targetPct: 90, candidates: { layer: 'c' } }))
      .toEqual({ mode: 'walk', minutes: 10, layer: 'd', target_pct: 90, candidates: { layer: 'c' }, exact: 'auto' });
    expect(() => coverBody({ layer: 'd', targetPct: 0, candidates: { layer: 'c' } })).toThrow(RangeError);
    expect(() => coverBody({ layer: 'd', targetPct: 101, candidates: { layer: 'c' } })).toThrow(RangeError);
    expect(() => coverBody({ layer: 'd', targetPct: 90, candidates: { grid: { spacing_m: 10 } } })).toThrow(RangeError);
  });
});

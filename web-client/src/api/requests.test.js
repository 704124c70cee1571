import { describe, expect, it } from 'vitest';
import { configUrl, nearestUrl, queryString, stationUrl, stationsUrl } from './requests.js';

describe('request builders', () => {
  it('config is a relative API path', () => {
    expect(configUrl()).toBe('/api/v1/config');
  });

  it('nearest puts lon before lat and defaults to wgs84', () => {
    expect(nearestUrl({ lon: 120.16, lat: 30.27 })).toBe('/api/v1/stations/nearest?lon=120.16&lat=30.27&limit=20&crs=wgs84');
  });

  it('nearest sorts amenities and keeps commas literal', () => {
    const url = nearestUrl({ lon: 120.1, lat: 30.2, limit: 10, amenities: ['toilet', 'drinking_water'], openNow: true });
    expect(url).toBe('/api/v1/stations/nearest?lon=120.1&lat=30.2&limit=10&amenities=drinking_water,toilet&openNow=true&crs=wgs84');
  });

  it('nearest omits openNow=false, empty lists and a missing maxDistance', () => {
    const url = nearestUrl({ lon: 120.1, lat: 30.2, amenities: [], openNow: false, tiers: [] });
    expect(url).not.toMatch(/openNow|amenities|tier|maxDistance/);
  });

  it('nearest sends the "open at" instant just before openNow, its + escaped', () => {
    const url = nearestUrl({ lon: 120.1, lat: 30.2, at: '2026-12-02T23:00:00+08:00', openNow: true });
    expect(url).toBe('/api/v1/stations/nearest?lon=120.1&lat=30.2&limit=20&at=2026-12-02T23%3A00%3A00%2B08%3A00&openNow=true&crs=wgs84');
    expect(new URL(url, 'http://x').searchParams.get('at')).toBe('2026-12-02T23:00:00+08:00');
    expect(() => nearestUrl({ lon: 120.1, lat: 30.2, at: '2026-12-02 23:00' })).toThrow(RangeError);
  });

  it('nearest sends services with their when, and no when without services', () => {
    const url = nearestUrl({ lon: 120.1, lat: 30.2, services: ['legal_advice', 'free_clinic'], serviceWhen: 'today' });
    expect(url).toContain('&service=free_clinic,legal_advice&service_when=today');
    expect(nearestUrl({ lon: 120.1, lat: 30.2, services: [], serviceWhen: 'now' })).not.toMatch(/service/);
    expect(() => nearestUrl({ lon: 120.1, lat: 30.2, services: ['haircut'], serviceWhen: 'soon' })).toThrow(RangeError);
  });

  it('a station and the map\'s stations evaluated at an instant', () => {
    expect(stationUrl(7, { at: '2026-12-02T07:00:00+08:00' })).toBe('/api/v1/stations/7?at=2026-12-02T07%3A00%3A00%2B08%3A00');
    expect(stationUrl(7)).toBe('/api/v1/stations/7');
    expect(stationsUrl({ bbox: [120, 30, 121, 31], format: 'geojson', at: '2026-12-02T07:00:00Z' })).toContain('&format=geojson&at=2026-12-02T07%3A00%3A00Z');
    expect(stationsUrl({ bbox: [120, 30, 121, 31], services: ['haircut'], serviceWhen: 'now' })).toContain('&service=haircut&service_when=now');
  });

  it('nearest passes tiers and a rounded maxDistance in metres', () => {
    const url = nearestUrl({ lon: 120.1, lat: 30.2, tiers: ['standard', 'flagship'], maxDistance: 4999.6 });
    expect(url).toContain('tier=flagship,standard');
    expect(url).toContain('maxDistance=5000');
  });

  it('nearest rounds coordinates to 6 decimals', () => {
    expect(nearestUrl({ lon: 120.123456789, lat: 30.987654321 })).toContain('lon=120.123457&lat=30.987654');
  });

  it('nearest rejects coordinates out of range instead of sending them', () => {
    expect(() => nearestUrl({ lon: 120, lat: 91 })).toThrow(RangeError);
    expect(() => nearestUrl({ lon: 181, lat: 30 })).toThrow(RangeError);
    expect(() => nearestUrl({ lon: NaN, lat: 30 })).toThrow(RangeError);
  });

  it('nearest rejects a limit over the API maximum', () => {
    expect(() => nearestUrl({ lon: 120, lat: 30, limit: 101 })).toThrow(RangeError);
    expect(() => nearestUrl({ lon: 120, lat: 30, limit: 0 })).toThrow(RangeError);
  });

  it('stations encodes bbox as minLon,minLat,maxLon,maxLat', () => {
    const url = stationsUrl({ bbox: [120.1, 30.2, 120.25, 30.33], limit: 1000, format: 'geojson' });
    expect(url).toBe('/api/v1/stations?bbox=120.1,30.2,120.25,30.33&page=1&limit=1000&format=geojson');
  });

  it('stations encodes a text query', () => {
    expect(stationsUrl({ q: ' 文三路 ' })).toBe(`/api/v1/stations?q=${encodeURIComponent('文三路')}&page=1&limit=50&format=json`);
  });

  it('stations rejects a bad format and a bad bbox', () => {
    expect(() => stationsUrl({ format: 'xml' })).toThrow(RangeError);
    expect(() => stationsUrl({ bbox: [1, 2, 3] })).toThrow(RangeError);
    expect(() => stationsUrl({ limit: 1001 })).toThrow(RangeError);
  });

  it('station by id accepts only positive integers', () => {
    expect(stationUrl(12)).toBe('/api/v1/stations/12');
    expect(stationUrl('7')).toBe('/api/v1/stations/7');
    expect(() => stationUrl('../config')).toThrow(RangeError);
    expect(() => stationUrl(0)).toThrow(RangeError);
    expect(() => stationUrl('1e3')).toThrow(RangeError);
  });

  it('queryString skips empty values and encodes the rest', () => {
    expect(queryString({ a: undefined, b: '', c: [], d: 'x y' })).toBe('?d=x%20y');
    expect(queryString({})).toBe('');
  });
});

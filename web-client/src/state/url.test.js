import { describe, expect, it, vi } from 'vitest';
import { stationFromSearch, writeSearchParam } from './url.js';

function page(href) {
  const location = { href };
  const history = { state: { keep: 1 }, replaceState: vi.fn((_s, _t, url) => { location.href = new URL(url, href).href; }) };
  return { history, location };
}

describe('address state', () => {
  it('reads ?station= only as a positive integer id', () => {
    expect(stationFromSearch('?station=42')).toBe(42);
    expect(stationFromSearch('?view=planner&station=7')).toBe(7);
    for (const bad of ['', '?station=', '?station=0', '?station=-3', '?station=1.5', '?station=abc', '?station=12345678901234567']) {
      expect(stationFromSearch(bad)).toBeNull();
    }
  });

  it('sets and removes one parameter, keeping the others, the hash and history.state', () => {
    const p = page('http://127.0.0.1:8080/app/?lang=en#top');
    writeSearchParam(p, 'station', 7);
    expect(p.location.href).toBe('http://127.0.0.1:8080/app/?lang=en&station=7#top');
    expect(p.history.replaceState.mock.calls[0][0]).toEqual({ keep: 1 });
    writeSearchParam(p, 'view', 'planner');
    writeSearchParam(p, 'station', null);
    expect(p.location.href).toBe('http://127.0.0.1:8080/app/?lang=en&view=planner#top');
  });

  it('does nothing without history or location', () => {
    expect(() => writeSearchParam({ history: null, location: null }, 'station', 1)).not.toThrow();
    const { history } = page('http://x/');
    writeSearchParam({ history, location: undefined }, 'station', 1);
    expect(history.replaceState).not.toHaveBeenCalled();
  });
});

import { describe, expect, it } from 'vitest';
import { KEY_STORAGE_KEY, liveBody, loadKey, operatorStations, saveKey, ticketItems, ticketSteps } from './data.js';

function memoryStorage() {
  const data = new Map();
  return { getItem: (k) => (data.has(k) ? data.get(k) : null), setItem: (k, v) => data.set(k, String(v)), removeItem: (k) => data.delete(k), data };
}

describe('the operator key', () => {
  it('is kept in the given (session) storage and cleared on sign-out', () => {
    const storage = memoryStorage();
    expect(loadKey(storage)).toBeNull();
    saveKey('sm_key', storage);
    expect(storage.data.get(KEY_STORAGE_KEY)).toBe('sm_key');
    expect(loadKey(storage)).toBe('sm_key');
    saveKey(null, storage);
    expect(loadKey(storage)).toBeNull();
  });
});

describe('operatorStations', () => {
  it('reads every page and keeps the operator’s own stations', async () => {
    const pages = {
      1: { items: [{ id: 1, operator: '顺丰速运' }, { id: 2, operator: '美团' }], has_more: true },
      2: { items: [{ id: 3, operator: '顺丰速运' }], has_more: false },
    };
    const urls = [];
    const mine = await operatorStations(async (url) => {
      urls.push(url);
      return pages[new URL(url, 'http://h').searchParams.get('page')];
    }, '顺丰速运');
    expect(mine.map((s) => s.id)).toEqual([1, 3]);
    expect(urls).toEqual(['/api/v1/stations?page=1&limit=1000&format=json', '/api/v1/stations?page=2&limit=1000&format=json']);
  });
});

describe('liveBody', () => {
  const now = new Date('2026-12-01T05:00:00Z');

  it('sends only what was set, as staff, observed now', () => {
    expect(liveBody({ seatsFree: '4', crowding: '', amenities: { microwave: 'broken', toilet: '' } }, now)).toEqual({
      source: 'staff', observed_at: '2026-12-01T05:00:00.000Z', seats_free: 4, amenities: { microwave: 'broken' },
    });
    expect(liveBody({ seatsFree: '0', crowding: 'full' }, now)).toMatchObject({ seats_free: 0, crowding: 'full' });
  });

  it('is null when nothing changes and refuses a bad seat count', () => {
    expect(liveBody({ seatsFree: ' ', crowding: '', amenities: { microwave: '' } }, now)).toBeNull();
    expect(() => liveBody({ seatsFree: '-1' }, now)).toThrow(RangeError);
    expect(() => liveBody({ seatsFree: '2.5' }, now)).toThrow(RangeError);
  });
});

describe('tickets', () => {
  it('offers acknowledge and fix while open, fix after acknowledging, nothing after', () => {
    expect(ticketSteps('confirmed')).toEqual(['acknowledged', 'fixed']);
    expect(ticketSteps('acknowledged')).toEqual(['fixed']);
    expect(ticketSteps('fixed')).toEqual([]);
    expect(ticketSteps('verified')).toEqual([]);
  });

  it('reads a ticket page or a bare list', () => {
    expect(ticketItems({ items: [{ id: 1 }] })).toEqual([{ id: 1 }]);
    expect(ticketItems([{ id: 2 }])).toEqual([{ id: 2 }]);
    expect(ticketItems(null)).toEqual([]);
  });
});

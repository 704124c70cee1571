import { describe, expect, it, vi } from 'vitest';
import { createEvents } from './events.js';

describe('events', () => {
  it('calls every listener of a name in order with the arguments; other names are untouched', () => {
    const events = createEvents();
    const order = [];
    const other = vi.fn();
    events.on('flyTo', (lngLat, zoom) => order.push(['a', lngLat, zoom]));
    events.on('flyTo', () => order.push(['b']));
    events.on('showSites', other);
    events.emit('flyTo', [120, 30], 14.5);
    expect(order).toEqual([['a', [120, 30], 14.5], ['b']]);
    expect(other).not.toHaveBeenCalled();
    expect(() => events.emit('nobody')).not.toThrow();
  });
});

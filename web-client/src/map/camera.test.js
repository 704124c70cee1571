import { describe, expect, it, vi } from 'vitest';
import { createStore } from '../state/store.js';
import { createCamera, isInView, nearestToShow, pointsBounds } from './camera.js';

/** A 400×800 map where a degree is 1000 px from [120, 30] at the top-left, with a 200 px bottom sheet. */
function cameraMap({ moving = false } = {}) {
  const handlers = {};
  return {
    moving,
    fitBounds: vi.fn(),
    flyTo: vi.fn(),
    jumpTo: vi.fn(),
    getZoom: () => 13,
    getPadding: () => ({ top: 0, bottom: 200, left: 0, right: 0 }),
    getCanvas: () => ({ clientWidth: 400, clientHeight: 800 }),
    project: ([lon, lat]) => ({ x: (lon - 120) * 1000, y: (30.8 - lat) * 1000 }),
    isMoving() { return this.moving; },
    once: (event, fn) => { handlers[event] = fn; },
    fire: (event) => handlers[event]?.(),
  };
}

const nearestState = (items, patch = {}) => ({
  position: { lon: 120.2, lat: 30.5, source: 'gps' }, selectedId: null, nearest: { status: 'ok', items, error: null }, ...patch,
});

describe('camera', () => {
  it('bounds of points, and "in view" respects the padding and a margin', () => {
    expect(pointsBounds([[120.3, 30.1], [120.1, 30.4], [120.2, 30.2]])).toEqual([[120.1, 30.1], [120.3, 30.4]]);
    const map = cameraMap();
    expect(isInView(map, [120.2, 30.5])).toBe(true); // y = 300
    expect(isInView(map, [120.2, 30.1])).toBe(false); // y = 700, under the sheet
    expect(isInView(map, [120.01, 30.5])).toBe(false); // x = 10, inside the 24 px margin
  });

  it('nearest results are shown only for a located courier with no sheet open', () => {
    const items = [{ lon: 120.21, lat: 30.51 }, { lon: 120.22, lat: 30.52 }, { lon: 120.23, lat: 30.53 }, { lon: 120.3, lat: 30.6 }];
    expect(nearestToShow(nearestState(items))).toEqual({ here: [120.2, 30.5], first: [[120.21, 30.51], [120.22, 30.52], [120.23, 30.53]] });
    expect(nearestToShow(nearestState(items, { selectedId: 3 }))).toBeNull();
    expect(nearestToShow(nearestState(items, { position: null }))).toBeNull();
    expect(nearestToShow(nearestState([]))).toBeNull();
  });

  it('fits the courier and the first results when the nearest is off screen, not when it is in view', () => {
    const map = cameraMap();
    const camera = createCamera(map);
    camera.showNearest(createStore(nearestState([{ lon: 120.21, lat: 30.51 }])));
    expect(map.fitBounds).not.toHaveBeenCalled();
    camera.showNearest(createStore(nearestState([{ lon: 120.2, lat: 30.05 }])));
    expect(map.fitBounds).toHaveBeenCalledWith([[120.2, 30.05], [120.2, 30.5]], expect.objectContaining({ animate: true, maxZoom: 16 }));
  });

  it('waits for a moving map, and drops the move when newer results arrived meanwhile', () => {
    const map = cameraMap({ moving: true });
    const store = createStore(nearestState([{ lon: 120.2, lat: 30.05 }]));
    createCamera(map).showNearest(store);
    expect(map.fitBounds).not.toHaveBeenCalled();
    store.set({ nearest: { status: 'ok', items: [{ lon: 120.2, lat: 30.06 }], error: null } });
    map.moving = false;
    map.fire('moveend');
    expect(map.fitBounds).not.toHaveBeenCalled();
  });

  it('shows the planning area once, without animation; reduced motion jumps instead of flying', () => {
    const map = cameraMap();
    const camera = createCamera(map, { reduceMotion: true });
    camera.showPlanningAreaOnce([[[120, 30], [120.2, 30.1]]]);
    camera.showPlanningAreaOnce([[[121, 31], [121.2, 31.1]]]);
    expect(map.fitBounds).toHaveBeenCalledTimes(1);
    expect(map.fitBounds.mock.calls[0][1]).toMatchObject({ animate: false, maxZoom: 14 });
    camera.flyTo([120.1, 30.2]);
    expect(map.jumpTo).toHaveBeenCalledWith({ center: [120.1, 30.2], zoom: 15 });
    expect(map.flyTo).not.toHaveBeenCalled();
  });
});

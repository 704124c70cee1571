// The camera's moves: to a point, around a set of points, over the whole planning area once, and
// out to show the courier with the first nearest stations when those are off screen. Animations
// are skipped when the user prefers reduced motion.
import { watch } from '../state/store.js';
import { findDistrict, geometryBounds } from './layers/districts.js';
import { collectionBounds } from './layers/serviceArea.js';

/** True when lngLat is drawn inside the part of the map not covered by the panels (map padding). */
export function isInView(map, lngLat, margin = 24) {
  const pad = map.getPadding();
  const canvas = map.getCanvas();
  const p = map.project(lngLat);
  return p.x >= pad.left + margin && p.x <= canvas.clientWidth - pad.right - margin
    && p.y >= pad.top + margin && p.y <= canvas.clientHeight - pad.bottom - margin;
}

/** True when the map already shows target ({center, zoom}): centre within 2 px, same zoom. */
export function isAt(map, { center, zoom }) {
  if (Math.abs(map.getZoom() - zoom) > 0.01) return false;
  const a = map.project(center);
  const b = map.project(map.getCenter());
  return Math.hypot(a.x - b.x, a.y - b.y) < 2;
}

/** [[w, s], [e, n]] around every [lon, lat] in points. */
export function pointsBounds(points) {
  let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
  for (const [x, y] of points) {
    if (x < w) w = x;
    if (x > e) e = x;
    if (y < s) s = y;
    if (y > n) n = y;
  }
  return [[w, s], [e, n]];
}

/** Moves the camera so every [lon, lat] in points is visible (inside the map padding). */
export function fitToPoints(map, points, { maxZoom = 16, animate = true } = {}) {
  map.fitBounds(pointsBounds(points), { padding: { top: 48, bottom: 48, left: 48, right: 76 }, maxZoom, animate, duration: 800 });
}

/** The courier and the first three results of a fresh nearest answer, or null when there is nothing to show. */
export function nearestToShow({ nearest, position, selectedId }) {
  if (!position || selectedId != null || nearest.status !== 'ok' || !nearest.items.length) return null;
  return { here: [position.lon, position.lat], first: nearest.items.slice(0, 3).map((s) => [s.lon, s.lat]) };
}

export function createCamera(map, { reduceMotion = false } = {}) {
  const animate = !reduceMotion;
  let shownPlanningArea = false;

  const camera = {
    flyTo(lngLat, zoom) {
      const target = { center: lngLat, zoom: zoom ?? Math.max(map.getZoom(), 15) };
      // Already there (the map started at my position): a flight on the spot would only hold
      // back the map's first idle by its 900 ms.
      if (isAt(map, target)) return;
      if (reduceMotion) map.jumpTo(target);
      else map.flyTo({ ...target, duration: 900, essential: true });
    },
    fit(points, maxZoom) {
      fitToPoints(map, points, { animate, maxZoom });
    },
    /** The first time the planner has its districts, the whole planning area (without animation). */
    showPlanningAreaOnce(boxes) {
      if (shownPlanningArea) return;
      shownPlanningArea = true;
      if (boxes.length) fitToPoints(map, boxes.flat(), { animate: false, maxZoom: 14 });
    },
    /**
     * When new nearest results arrive and the nearest one is off screen (a filter can push it
     * kilometres away), shows the courier together with the first few results; waits for a
     * moving map to stop, and drops the move when newer results came meanwhile.
     */
    showNearest(store, { jump = false } = {}) {
      const nearest = store.get().nearest;
      const show = nearestToShow(store.get());
      if (!show) return;
      if (map.isMoving()) {
        map.once('moveend', () => store.get().nearest === nearest && camera.showNearest(store));
        return;
      }
      if (isInView(map, show.here) && isInView(map, show.first[0])) return;
      // jump: a map that has drawn nothing yet starts at this view (no flight, no tiles of the view before).
      fitToPoints(map, [show.here, ...show.first], { animate: animate && !jump });
    },
  };
  return camera;
}

/** Connects the camera to what the actions ask for: fly to a point, show a circle, a district or sites. */
export function followCamera(camera, { store, actions, planner }) {
  actions.onFlyTo((lngLat, zoom) => camera.flyTo(lngLat, zoom));
  actions.onShowServiceArea(() => {
    const bounds = collectionBounds(store.get().serviceArea.data);
    if (bounds) camera.fit(bounds, 15);
  });
  planner.onZoomToDistrict((id) => {
    const bounds = geometryBounds(findDistrict(store.get().districts.data, id)?.geometry);
    if (bounds) camera.fit(bounds, 15);
  });
  planner.onShowSites((sites) => {
    const points = sites.filter((s) => Number.isFinite(s.lon) && Number.isFinite(s.lat)).map((s) => [s.lon, s.lat]);
    if (points.length) camera.fit(points, 14);
  });
  watch(store, (s) => s.nearest, () => camera.showNearest(store));
}

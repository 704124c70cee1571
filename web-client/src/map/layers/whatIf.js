// The what-if scenario on the map: each hypothetical station is a draggable MapLibre Marker
// (a focusable button: arrow keys move it too), and each existing station taken out of the
// scenario gets a red ring on the stations' GeoJSON overlay.
import * as maplibregl from 'maplibre-gl';
import { OVERLAY_SOURCE } from './stations.js';

export const REMOVED_LAYER = 'sm-stations-removed';
/** Pixels an arrow key moves a hypothetical station (Shift: five times as far). */
export const KEY_STEP_PX = 12;

export function createWhatIfLayer(map, { onMove, label = (key) => `#${key}` } = {}) {
  const markers = new Map();
  let removed = [];
  let visible = false;

  const removedFilter = () => ['all', ['!', ['has', 'point_count']], ['in', ['to-number', ['get', 'id']], ['literal', removed.length ? removed : [-1]]]];

  function ensureRemovedLayer() {
    if (map.getLayer(REMOVED_LAYER) || !map.getSource(OVERLAY_SOURCE)) return;
    map.addLayer({
      id: REMOVED_LAYER, type: 'circle', source: OVERLAY_SOURCE, filter: removedFilter(),
      layout: { visibility: visible ? 'visible' : 'none' },
      paint: {
        'circle-color': 'rgba(220,38,38,0.25)',
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 10, 10, 15, 14],
        'circle-stroke-color': '#dc2626',
        'circle-stroke-width': 3,
      },
    });
  }

  function element(key) {
    const el = document.createElement('button');
    el.type = 'button';
    el.className = 'whatif-marker';
    el.dataset.key = String(key);
    el.dataset.testid = 'whatif-marker';
    el.setAttribute('aria-label', label(key));
    el.textContent = '+';
    el.addEventListener('keydown', (e) => {
      const step = KEY_STEP_PX * (e.shiftKey ? 5 : 1);
      const delta = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] }[e.key];
      if (!delta) return;
      // The map's own keyboard handler would pan the map with the same keys.
      e.preventDefault();
      e.stopPropagation();
      const marker = markers.get(key);
      const p = map.project(marker.getLngLat());
      const next = map.unproject([p.x + delta[0], p.y + delta[1]]);
      marker.setLngLat(next);
      onMove?.(key, [next.lng, next.lat], { final: false });
    });
    return el;
  }

  return {
    /** Shows exactly these hypothetical stations ({key, lon, lat}); moves only ones not being dragged. */
    setAdded(added) {
      const keep = new Set(added.map((a) => a.key));
      for (const [key, marker] of markers) {
        if (!keep.has(key)) {
          marker.remove();
          markers.delete(key);
        }
      }
      for (const a of added) {
        let marker = markers.get(a.key);
        if (!marker) {
          marker = new maplibregl.Marker({ element: element(a.key), draggable: true }).setLngLat([a.lon, a.lat]);
          marker.on('drag', () => {
            const { lng, lat } = marker.getLngLat();
            onMove?.(a.key, [lng, lat], { final: false });
          });
          marker.on('dragend', () => {
            const { lng, lat } = marker.getLngLat();
            onMove?.(a.key, [lng, lat], { final: true });
          });
          markers.set(a.key, marker);
          if (visible) marker.addTo(map);
        } else {
          const at = marker.getLngLat();
          if (Math.abs(at.lng - a.lon) > 1e-9 || Math.abs(at.lat - a.lat) > 1e-9) marker.setLngLat([a.lon, a.lat]);
        }
      }
    },
    setRemoved(ids) {
      removed = ids.map(Number);
      ensureRemovedLayer();
      if (map.getLayer(REMOVED_LAYER)) map.setFilter(REMOVED_LAYER, removedFilter());
    },
    setLabels(fn) {
      label = fn;
      for (const [key, marker] of markers) marker.getElement().setAttribute('aria-label', label(key));
    },
    setVisible(show) {
      visible = Boolean(show);
      for (const marker of markers.values()) {
        if (visible) marker.addTo(map);
        else marker.remove();
      }
      ensureRemovedLayer();
      if (map.getLayer(REMOVED_LAYER)) map.setLayoutProperty(REMOVED_LAYER, 'visibility', visible ? 'visible' : 'none');
    },
    /** Adds the removed-station ring (after the stations source, and again after a style swap); the markers are DOM and survive. */
    ensure() {
      ensureRemovedLayer();
      if (map.getLayer(REMOVED_LAYER)) {
        map.setFilter(REMOVED_LAYER, removedFilter());
        map.setLayoutProperty(REMOVED_LAYER, 'visibility', visible ? 'visible' : 'none');
      }
    },
  };
}

// Creates the MapLibre map. MapLibre 6 has no default export and needs its worker URL set
// before the first map, or the map never loads (see docs/FRONTEND.md).
import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { CLUSTERS_LAYER, STATIONS_LAYER, STATIONS_SOURCE } from './layers/stations.js';

maplibregl.setWorkerUrl(workerUrl);

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

/** Attribution strings from the config are text; OSM's gets its copyright link. */
export function attributionHtml(strings) {
  return (strings ?? []).map((s) => {
    const text = escapeHtml(s);
    return /openstreetmap/i.test(s) ? `<a href="https://www.openstreetmap.org/copyright" target="_blank" rel="noopener">${text}</a>` : text;
  });
}

/**
 * @param {HTMLElement} container
 * @param {{style: object|string, center: [number, number], zoom: number, attribution: string[]}} options
 */
export function createMap(container, { style, center, zoom, attribution }) {
  // Read by the browser tests: ready after the first 'idle', errors from every 'error' event.
  const mapState = { ready: false, errors: [] };
  window.__mapState = mapState;

  const map = new maplibregl.Map({
    container,
    style,
    center,
    zoom,
    minZoom: 3,
    maxZoom: 19,
    attributionControl: false,
    // A courier's map: north-up, flat. Rotation by accident is confusing one-handed.
    dragRotate: false,
    pitchWithRotate: false,
    touchPitch: false,
    maxPitch: 0,
  });
  map.touchZoomRotate.disableRotation();
  map.keyboard.disableRotation();
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  map.addControl(new maplibregl.AttributionControl({ compact: false, customAttribution: attributionHtml(attribution) }), 'bottom-right');

  map.once('idle', () => {
    mapState.ready = true;
  });
  map.on('error', (event) => {
    const error = event?.error;
    mapState.errors.push(String(error?.message ?? error ?? 'map error'));
  });

  window.__map = map;
  return map;
}

/** Half the side of the square searched around a tap: 44 px touch target. */
const TAP_SLOP_PX = 22;

/**
 * Calls handler with what was tapped: the nearest station or cluster within the touch target,
 * or the empty map point.
 */
export function onMapTap(map, handler) {
  map.on('click', (event) => {
    const { x, y } = event.point;
    const layers = [STATIONS_LAYER, CLUSTERS_LAYER].filter((id) => map.getLayer(id));
    const hits = layers.length
      ? map.queryRenderedFeatures([[x - TAP_SLOP_PX, y - TAP_SLOP_PX], [x + TAP_SLOP_PX, y + TAP_SLOP_PX]], { layers })
      : [];
    let best = null;
    let bestDistance = Infinity;
    for (const feature of hits) {
      const p = map.project(feature.geometry.coordinates);
      const d = (p.x - x) ** 2 + (p.y - y) ** 2;
      if (d < bestDistance) {
        best = feature;
        bestDistance = d;
      }
    }
    if (!best) return handler({ kind: 'empty', lngLat: [event.lngLat.lng, event.lngLat.lat] });
    const coordinates = best.geometry.coordinates;
    if (best.properties.cluster) return handler({ kind: 'cluster', clusterId: best.properties.cluster_id, lngLat: coordinates });
    return handler({ kind: 'station', id: Number(best.properties.id), lngLat: coordinates });
  });
}

/** Zooms in far enough to split the tapped cluster. */
export async function expandCluster(map, clusterId, center) {
  const zoom = await map.getSource(STATIONS_SOURCE).getClusterExpansionZoom(clusterId);
  map.easeTo({ center, zoom: Math.min(zoom + 0.2, 18) });
}

/** True when lngLat is drawn inside the part of the map not covered by the panels (map padding). */
export function isInView(map, lngLat, margin = 24) {
  const pad = map.getPadding();
  const canvas = map.getCanvas();
  const p = map.project(lngLat);
  return p.x >= pad.left + margin && p.x <= canvas.clientWidth - pad.right - margin
    && p.y >= pad.top + margin && p.y <= canvas.clientHeight - pad.bottom - margin;
}

/** Moves the camera so every [lon, lat] in points is visible (inside the map padding). */
export function fitToPoints(map, points, { maxZoom = 16, animate = true } = {}) {
  const bounds = new maplibregl.LngLatBounds();
  for (const p of points) bounds.extend(p);
  map.fitBounds(bounds, { padding: { top: 48, bottom: 48, left: 48, right: 76 }, maxZoom, animate, duration: 800 });
}

// Creates the MapLibre map; taps, camera moves and layers live in their own modules. MapLibre 6
// has no default export and needs its worker URL set before the first map, or the map never loads
// (see docs/FRONTEND.md).
import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';

maplibregl.setWorkerUrl(workerUrl);
// Start the worker (and so its ~33 KB download, see plugins/dictionary.js) while GET /config is
// still on its way, rather than when the first map is made after it.
if (typeof window !== 'undefined' && typeof Worker !== 'undefined') maplibregl.prewarm();

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
    // No symbol fade: every fade is frames to draw before the first idle, 150-400 ms each on a
    // slow phone, for an effect nobody waits for.
    fadeDuration: 0,
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

// Taps on the map: which station or cluster a finger meant (the nearest one inside a 44 px touch
// target), and what that tap does in the current state.
import { CLUSTERS_LAYER, OVERLAY_CLUSTERS_LAYER, OVERLAY_LAYER, OVERLAY_SOURCE, STATIONS_LAYER } from './layers/stations.js';

/** Levels a tap on a tile cluster zooms in (a tile cluster has no members to ask about). */
export const CLUSTER_ZOOM_STEP = 2;

/** Half the side of the square searched around a tap: 44 px touch target. */
export const TAP_SLOP_PX = 22;

/** The feature drawn closest to point ({x, y} in pixels), or null; project maps [lon, lat] to pixels. */
export function closestFeature(features, project, { x, y }) {
  let best = null;
  let bestDistance = Infinity;
  for (const feature of features) {
    const p = project(feature.geometry.coordinates);
    const d = (p.x - x) ** 2 + (p.y - y) ** 2;
    if (d < bestDistance) {
      best = feature;
      bestDistance = d;
    }
  }
  return best;
}

/**
 * A hit: {kind: 'station', id, lngLat} | {kind: 'cluster', clusterId, lngLat} | {kind: 'empty', lngLat};
 * clusterId is null for a cluster of the vector tiles (only the overlay's clusters have one).
 */
export function hitOf(feature, lngLat) {
  if (!feature) return { kind: 'empty', lngLat };
  const coordinates = feature.geometry.coordinates;
  if (feature.properties.cluster) return { kind: 'cluster', clusterId: feature.properties.cluster_id ?? null, lngLat: coordinates };
  return { kind: 'station', id: Number(feature.properties.id), lngLat: coordinates };
}

/** Calls handler with what was tapped (see hitOf). */
export function onMapTap(map, handler) {
  map.on('click', (event) => {
    const { x, y } = event.point;
    const layers = [STATIONS_LAYER, CLUSTERS_LAYER, OVERLAY_LAYER, OVERLAY_CLUSTERS_LAYER].filter((id) => map.getLayer(id));
    const hits = layers.length
      ? map.queryRenderedFeatures([[x - TAP_SLOP_PX, y - TAP_SLOP_PX], [x + TAP_SLOP_PX, y + TAP_SLOP_PX]], { layers })
      : [];
    handler(hitOf(closestFeature(hits, (c) => map.project(c), { x, y }), [event.lngLat.lng, event.lngLat.lat]));
  });
}

/** Zooms in far enough to split the tapped cluster: the overlay knows how far, a tile cluster goes two levels in. */
export async function expandCluster(map, clusterId, center) {
  if (clusterId == null) {
    map.easeTo({ center, zoom: Math.min(map.getZoom() + CLUSTER_ZOOM_STEP, 18) });
    return;
  }
  const zoom = await map.getSource(OVERLAY_SOURCE).getClusterExpansionZoom(clusterId);
  map.easeTo({ center, zoom: Math.min(zoom + 0.2, 18) });
}

/**
 * What a tap means: in the planner a station is taken out of (or put back into) the what-if
 * scenario; in the courier view a tap while picking sets my position, a station opens its sheet.
 * A cluster zooms in, in both views. Returns {do: 'toggleRemoved'|'setPosition'|'select'|'expand', …} or null.
 */
export function tapIntent(hit, { view, picking }) {
  if (view !== 'planner' && picking) return { do: 'setPosition', lngLat: hit.lngLat };
  if (hit.kind === 'cluster') return { do: 'expand', clusterId: hit.clusterId, lngLat: hit.lngLat };
  if (hit.kind !== 'station') return null;
  return view === 'planner' ? { do: 'toggleRemoved', id: hit.id } : { do: 'select', id: hit.id, lngLat: hit.lngLat };
}

export function handleTaps(map, { store, actions, planner }) {
  onMapTap(map, (hit) => {
    const intent = tapIntent(hit, store.get());
    if (intent?.do === 'toggleRemoved') planner.toggleRemoved(intent.id);
    else if (intent?.do === 'setPosition') actions.setPosition({ lon: intent.lngLat[0], lat: intent.lngLat[1], accuracy: null, source: 'manual' }, { fly: false });
    else if (intent?.do === 'select') actions.selectStation(intent.id, { lngLat: intent.lngLat });
    else if (intent?.do === 'expand') expandCluster(map, intent.clusterId, intent.lngLat).catch(() => {});
  });
}

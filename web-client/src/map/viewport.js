// Bounding-box arithmetic for loading the stations of the visible map.
// Boxes are [minLon, minLat, maxLon, maxLat] in WGS-84 degrees.

/** Grows box by fraction of its size on every side, clamped to valid coordinates. */
export function padBox([minLon, minLat, maxLon, maxLat], fraction) {
  const dx = (maxLon - minLon) * fraction;
  const dy = (maxLat - minLat) * fraction;
  return [
    Math.max(-180, minLon - dx),
    Math.max(-85, minLat - dy),
    Math.min(180, maxLon + dx),
    Math.min(85, maxLat + dy),
  ];
}

export function containsBox(outer, inner) {
  return outer[0] <= inner[0] && outer[1] <= inner[1] && outer[2] >= inner[2] && outer[3] >= inner[3];
}

/** A MapLibre LngLatBounds → box, clamped (a zoomed-out view can report longitudes past ±180). */
export function boundsToBox(bounds) {
  return [
    Math.max(-180, bounds.getWest()),
    Math.max(-85, bounds.getSouth()),
    Math.min(180, bounds.getEast()),
    Math.min(85, bounds.getNorth()),
  ];
}

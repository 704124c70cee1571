// The gap surface: travel minutes from each hexagon to the nearest open station, from the API's
// vector tiles (source-layer gaps, property minutes, −1 = unreachable within 60 min or off the
// road network). The colour ramp is relative to the threshold N: greens within N (covered),
// yellow to red beyond it, a dark wine colour for unreachable.

export const GAPS_SOURCE = 'sm-gaps';
export const GAPS_LAYER = 'sm-gaps-fill';
export const UNREACHABLE_COLOR = '#5e0b2f';
const COLORS = ['#1a9850', '#66bd63', '#b7e075', '#fee08b', '#fc8d59', '#d73027'];

/**
 * The legend classes for threshold minutes: [{from, to, color, covered}], the last open-ended
 * (to = null). Breaks at N/3, 2N/3, N, 1.5N, 2N minutes.
 */
export function gapClasses(minutes) {
  const n = minutes;
  const breaks = [0, n / 3, (2 * n) / 3, n, 1.5 * n, 2 * n];
  return breaks.map((from, i) => ({
    from: Math.round(from * 10) / 10,
    to: i + 1 < breaks.length ? Math.round(breaks[i + 1] * 10) / 10 : null,
    color: COLORS[i],
    covered: i < 3,
  }));
}

/** The fill-color expression for threshold minutes (a value of exactly N still counts as covered). */
export function gapColorExpression(minutes) {
  const classes = gapClasses(minutes);
  const steps = [];
  classes.forEach((c, i) => {
    if (i === 0) steps.push(c.color);
    else steps.push(i === 3 ? c.from + 1e-6 : c.from, c.color);
  });
  return ['case', ['<', ['get', 'minutes'], 0], UNREACHABLE_COLOR, ['step', ['get', 'minutes'], ...steps]];
}

/** Adds the tile source and fill layer below beforeId, hidden until shown. */
export function createGapsLayer(map, { tiles, minutes = 15, beforeId } = {}) {
  let currentTiles = tiles;
  let visible = false;

  function ensure() {
    if (map.getSource(GAPS_SOURCE)) return;
    // The server picks the hexagon size by zoom (2000 m at z8–10 down to 100 m from z14); below z8 a city is a few pixels.
    map.addSource(GAPS_SOURCE, { type: 'vector', tiles: [currentTiles], minzoom: 8, maxzoom: 16 });
    map.addLayer({
      id: GAPS_LAYER,
      type: 'fill',
      source: GAPS_SOURCE,
      'source-layer': 'gaps',
      layout: { visibility: visible ? 'visible' : 'none' },
      paint: {
        'fill-color': gapColorExpression(minutes),
        'fill-opacity': ['interpolate', ['linear'], ['zoom'], 10, 0.62, 15, 0.45],
        'fill-outline-color': 'rgba(255,255,255,0.15)',
      },
    }, beforeId && map.getLayer(beforeId) ? beforeId : undefined);
  }

  return {
    ensure,
    /** New parameters: a new tile URL (the old tiles are dropped) and the ramp for minutes. */
    setParams({ tiles: nextTiles, minutes: nextMinutes }) {
      ensure();
      if (nextTiles !== currentTiles) {
        currentTiles = nextTiles;
        map.getSource(GAPS_SOURCE).setTiles([nextTiles]);
      }
      map.setPaintProperty(GAPS_LAYER, 'fill-color', gapColorExpression(nextMinutes));
    },
    setVisible(show) {
      visible = Boolean(show);
      ensure();
      map.setLayoutProperty(GAPS_LAYER, 'visibility', visible ? 'visible' : 'none');
    },
  };
}

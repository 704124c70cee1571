// A Vite plugin that drops the rules of MapLibre's stylesheet for controls the app never adds: the
// MapLibre logo (one 39 KB data-URI SVG), the compass, geolocate, fullscreen, terrain, globe and
// scale controls and the geolocate dot. The app adds only NavigationControl without its compass
// (zoom in and out) and AttributionControl (src/map/createMap.js); their rules, and those of the
// map, markers and popups, stay. Of the stylesheet's 72 KB (8.3 KB brotli) about 14 KB (2 KB)
// remain (the built main-*.css, with the app's own first rules, is 17 KB, 3.0 KB brotli): 5 KB
// less over the wire on a phone's first visit, and less CSS to parse before the map.
// A selector list keeps its other selectors; an @media block left empty goes with its rules. A
// rule this list does not name is kept, so a newer MapLibre loses nothing it needs.

/** Class names of the controls the app does not use (src/map/createMap.js adds the others). */
export const UNUSED_CONTROLS = [
  'maplibregl-ctrl-logo',
  'maplibregl-ctrl-compass',
  'maplibregl-ctrl-geolocate',
  'maplibregl-ctrl-fullscreen',
  'maplibregl-ctrl-shrink',
  'maplibregl-ctrl-terrain',
  'maplibregl-ctrl-globe',
  'maplibregl-ctrl-scale',
  'maplibregl-user-location',
  'maplibregl-pseudo-fullscreen',
];

const unusedPattern = (names) => new RegExp(`\\.(?:${names.map((n) => n.replace(/-/g, '\\-')).join('|')})(?![\\w-])`);

/** The selectors of a list, split at its top-level commas (not those inside :is(…), :not(…) …). */
export function splitSelectors(list) {
  const parts = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < list.length; i += 1) {
    const c = list[i];
    if (c === '(' || c === '[') depth += 1;
    else if ((c === ')' || c === ']') && depth > 0) depth -= 1;
    else if (c === ',' && depth === 0) {
      parts.push(list.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(list.slice(start));
  return parts;
}

/** css without the rules whose every selector names an unused control. */
export function dropUnusedControls(css, names = UNUSED_CONTROLS) {
  const unused = unusedPattern(names);
  let out = css.replace(/([^{}]+)\{([^{}]*)\}/g, (rule, selectors, body) => {
    const lead = selectors.match(/^\s*/)[0];
    // At-rule headers with no block of rules (@font-face, @page …) are kept whole.
    if (selectors.trim().startsWith('@')) return rule;
    const all = splitSelectors(selectors);
    const kept = all.filter((s) => !unused.test(s));
    if (kept.length === 0) return lead.includes('\n') ? lead : '';
    return `${kept.length === all.length ? selectors : lead + kept.map((s) => s.trim()).join(',')}{${body}}`;
  });
  // @media / @supports blocks whose rules all went (repeated: they may nest).
  for (let before = ''; before !== out;) {
    before = out;
    out = out.replace(/@(?:media|supports)[^{}]*\{\s*\}/g, '');
  }
  return out;
}

const MAPLIBRE_CSS = /maplibre-gl\/dist\/maplibre-gl\.css$/;

export function maplibreCss({ names = UNUSED_CONTROLS } = {}) {
  return {
    name: 'stationmap-maplibre-css',
    enforce: 'pre',
    transform(code, id) {
      if (!MAPLIBRE_CSS.test(id.split('?')[0])) return null;
      return { code: dropUnusedControls(code, names), map: null };
    },
  };
}

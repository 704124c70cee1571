// Which basemap to draw under the stations. Order: ?basemap= in the page URL, then the API's
// config basemap_style_url, then the built-in offline style. A URL with {z}/{x}/{y} is a raster
// tile template; any other http(s) URL is a MapLibre style JSON. The offline style is a plain
// background: MapLibre makes no request at all for it (no tiles, no sprite, no glyphs URL — text
// such as cluster counts is drawn by the browser from local fonts).

export const OFFLINE_BACKGROUND = '#e9ece6';

/** ?basemap=offline (or none) forces the offline style even when the config names a basemap. */
const OFFLINE_WORDS = new Set(['offline', 'none', 'off']);

function isHttpUrl(text, base) {
  try {
    const url = new URL(text, base);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * @param {string|null|undefined} configUrl config.basemap_style_url
 * @param {string} search location.search
 * @param {string} [base] location.href, to resolve relative URLs
 * @returns {{kind:'offline'} | {kind:'raster', url:string} | {kind:'style', url:string}}
 */
export function resolveBasemap(configUrl, search = '', base = 'http://localhost/') {
  const fromQuery = new URLSearchParams(search).get('basemap');
  const candidate = fromQuery?.trim() || configUrl?.trim() || '';
  if (!candidate || OFFLINE_WORDS.has(candidate.toLowerCase()) || !isHttpUrl(candidate, base)) return { kind: 'offline' };
  const url = new URL(candidate, base).href.replace(/%7B/gi, '{').replace(/%7D/gi, '}');
  if (/\{z\}/.test(url) && /\{x\}/.test(url) && /\{y\}/.test(url)) return { kind: 'raster', url };
  return { kind: 'style', url };
}

/** The MapLibre style (object or URL) for a resolved basemap. Station layers are added later. */
/**
 * roads: {tiles, attribution} adds the API's road vector tiles to the offline style (when a road graph is loaded).
 */
export function basemapStyle(basemap, attribution = [], { roads } = {}) {
  const background = { id: 'background', type: 'background', paint: { 'background-color': OFFLINE_BACKGROUND } };
  if (basemap.kind === 'style') return basemap.url;
  if (basemap.kind === 'raster') {
    return {
      version: 8,
      sources: {
        basemap: { type: 'raster', tiles: [basemap.url], tileSize: 256, maxzoom: 19, attribution: attribution.join(' ') || undefined },
      },
      layers: [background, { id: 'basemap', type: 'raster', source: 'basemap' }],
    };
  }
  if (!roads) return { version: 8, name: 'StationMap offline', sources: {}, layers: [background] };
  return {
    version: 8,
    name: 'StationMap offline',
    sources: {
      roads: { type: 'vector', tiles: [roads.tiles], minzoom: 8, maxzoom: 16, attribution: roads.attribution || undefined },
    },
    layers: [background, ...roadLayers()],
  };
}

const MAJOR = ['motorway', 'motorway_link', 'trunk', 'trunk_link', 'primary', 'primary_link'];
const MIDDLE = ['secondary', 'secondary_link', 'tertiary', 'tertiary_link'];
const PATHS = ['footway', 'pedestrian', 'path', 'steps', 'cycleway', 'track'];

/** Road lines from the API's vector tiles (source-layer roads), wider and warmer for bigger roads. */
export function roadLayers() {
  const byClass = (major, middle, minor, path) => ['case',
    ['in', ['get', 'class'], ['literal', MAJOR]], major,
    ['in', ['get', 'class'], ['literal', MIDDLE]], middle,
    ['in', ['get', 'class'], ['literal', PATHS]], path,
    minor];
  // Zoom must be the outermost interpolation; the class picks the width at each stop.
  const width = (major, middle, minor, path) => ['interpolate', ['exponential', 1.6], ['zoom'],
    10, byClass(major * 0.4, middle * 0.4, minor * 0.4, path * 0.4),
    14, byClass(major * 1.6, middle * 1.6, minor * 1.6, path * 1.6),
    17, byClass(major * 5, middle * 5, minor * 5, path * 5)];
  return [
    {
      id: 'road-casing', type: 'line', source: 'roads', 'source-layer': 'roads',
      filter: ['in', ['get', 'class'], ['literal', [...MAJOR, ...MIDDLE]]],
      layout: { 'line-join': 'round', 'line-cap': 'round' },
      paint: { 'line-color': '#c9c3b5', 'line-width': width(4.2, 3.2, 2, 1) },
    },
    {
      id: 'road', type: 'line', source: 'roads', 'source-layer': 'roads',
      layout: { 'line-join': 'round', 'line-cap': 'round' },
      paint: {
        'line-color': byClass('#f6c86a', '#fff3cf', '#ffffff', '#d8e3d0'),
        'line-width': width(3, 2.2, 1.4, 0.8),
        'line-dasharray': ['case', ['in', ['get', 'class'], ['literal', PATHS]], ['literal', [2, 1]], ['literal', [1, 0]]],
      },
    },
  ];
}

/**
 * The font stack for station text. With a glyphs URL in the style, only font stacks that server
 * has will load, so reuse one the style's own symbol layers use; without one MapLibre draws text
 * locally and any name works.
 */
export function textFontFor(style) {
  if (!style?.glyphs) return ['sans-serif'];
  for (const layer of style.layers ?? []) {
    const font = layer.layout?.['text-font'];
    if (Array.isArray(font) && font.length && font.every((f) => typeof f === 'string')) return font;
  }
  return ['Noto Sans Regular'];
}

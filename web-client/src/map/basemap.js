// Which basemap to draw under the stations. Order: ?basemap= in the page URL, then the API's
// config basemap_style_url, then the built-in offline style. A URL with {z}/{x}/{y} is a raster
// tile template; any other http(s) URL is a MapLibre style JSON. The offline style is a plain
// background: MapLibre makes no request at all for it (no tiles, no sprite, no glyphs URL — text
// such as cluster counts is drawn by the browser from local fonts).

import { roadTilesUrl } from '../api/requests.js';
import { ROADS_SOURCE, roadLayers, roadsSource } from './layers/roads.js';

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

/**
 * The MapLibre style (object or URL) for a resolved basemap; the project's layers are added later.
 * roads: {tiles, attribution} adds the API's road vector tiles to the offline style (when a road
 * graph is loaded).
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
    sources: { [ROADS_SOURCE]: roadsSource(roads) },
    layers: [background, ...roadLayers()],
  };
}

/**
 * What the map takes from GET /config: the resolved basemap, the attribution strings (the road
 * network's added when it has its own) and the style, with the API's roads when it has a graph.
 * page: {search, href, origin} of the page (location).
 */
export function styleFromConfig(config, { search = '', href = 'http://localhost/', origin = 'http://localhost' } = {}) {
  const basemap = resolveBasemap(config.basemap_style_url, search, href);
  const attribution = Array.isArray(config.attribution) ? [...config.attribution] : [];
  const routing = config.routing ?? null;
  if (routing?.attribution && !attribution.includes(routing.attribution)) attribution.push(routing.attribution);
  const roads = routing ? { tiles: roadTilesUrl(origin, routing.graph_version), attribution: routing.attribution } : undefined;
  return { basemap, attribution, style: basemapStyle(basemap, attribution, { roads }) };
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

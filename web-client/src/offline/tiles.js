// Which map tiles an offline pack holds: the Web Mercator tiles (z/x/y, as MapLibre asks for them)
// that cover an area over a bounded zoom range, for the API's own tile templates (roads, stations).

/** The zoom range a pack holds: a city overview at 10 to street level at 16 (roads' maxzoom). */
export const PACK_ZOOMS = Object.freeze({ min: 10, max: 16 });
/** At most this many tiles per template; a larger area loses its highest zooms first. */
export const MAX_TILES_PER_TEMPLATE = 2500;
/** Tiles of these API paths are worth taking offline: the basemap's roads and the stations. */
export const PACK_TILE_PATHS = /^\/api\/v1\/tiles\/(roads|stations)\//;
/** The stations' vector tiles (layer stations); a server without them answers 404 and they are skipped. */
export const STATION_TILES = '/api/v1/tiles/stations/{z}/{x}/{y}.mvt';

const clampLat = (lat) => Math.max(-85.0511, Math.min(85.0511, lat));

/** The tile x/y holding lon/lat at zoom z. */
export function tileOf(lon, lat, z) {
  const n = 2 ** z;
  const x = Math.floor(((lon + 180) / 360) * n);
  const rad = (clampLat(lat) * Math.PI) / 180;
  const y = Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n);
  return { x: Math.min(n - 1, Math.max(0, x)), y: Math.min(n - 1, Math.max(0, y)) };
}

/** How many tiles cover bbox [minLon, minLat, maxLon, maxLat] at zoom z. */
export function tileCountAt(bbox, z) {
  const [minLon, minLat, maxLon, maxLat] = bbox;
  const a = tileOf(minLon, maxLat, z);
  const b = tileOf(maxLon, minLat, z);
  return (b.x - a.x + 1) * (b.y - a.y + 1);
}

/** The zoom range for bbox within [min, max], its top lowered until the count is within maxTiles. */
export function packZooms(bbox, { min = PACK_ZOOMS.min, max = PACK_ZOOMS.max, maxTiles = MAX_TILES_PER_TEMPLATE } = {}) {
  let top = max;
  const total = (hi) => {
    let n = 0;
    for (let z = min; z <= hi; z++) n += tileCountAt(bbox, z);
    return n;
  };
  while (top > min && total(top) > maxTiles) top--;
  return { min, max: top, count: total(top) };
}

/** Every {z, x, y} covering bbox from zooms.min to zooms.max. */
export function tilesFor(bbox, zooms) {
  const [minLon, minLat, maxLon, maxLat] = bbox;
  const out = [];
  for (let z = zooms.min; z <= zooms.max; z++) {
    const a = tileOf(minLon, maxLat, z);
    const b = tileOf(maxLon, minLat, z);
    for (let x = a.x; x <= b.x; x++) for (let y = a.y; y <= b.y; y++) out.push({ z, x, y });
  }
  return out;
}

export function tileUrl(template, { z, x, y }) {
  return template.replace('{z}', z).replace('{x}', x).replace('{y}', y);
}

/**
 * The pack's tile templates from a MapLibre style's sources: same-origin API tiles of the paths
 * above, with the source's zoom range; origin is location.origin.
 * @returns {{template: string, minzoom: number, maxzoom: number}[]}
 */
export function packTemplates(sources = {}, origin = 'http://localhost') {
  const seen = new Map();
  for (const source of Object.values(sources)) {
    for (const tile of source?.tiles ?? []) {
      let url;
      try {
        url = new URL(tile, origin);
      } catch {
        continue;
      }
      const path = decodeURI(url.pathname);
      if (url.origin !== new URL(origin).origin || !PACK_TILE_PATHS.test(path)) continue;
      seen.set(path, { template: path, minzoom: source.minzoom ?? 0, maxzoom: source.maxzoom ?? 22 });
    }
  }
  return [...seen.values()];
}

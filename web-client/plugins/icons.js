// A Vite build plugin that draws the web manifest's PNG icons (192 and 512, "any" and "maskable")
// at build time from the logo's shapes (the house of ui/topbar.js on the brand orange), so no
// binary is committed. A tiny PNG encoder on Node's zlib: no dependency.
import { deflateSync } from 'node:zlib';

export const BRAND = [0xc2, 0x41, 0x0c];
/** The house of the logo, in its 32-unit box (ui/topbar.js). */
const HOUSE = [[10.5, 14.2], [16, 9.6], [21.5, 14.2], [21.5, 19.8], [17.9, 19.8], [17.9, 16.4], [14.1, 16.4], [14.1, 19.8], [10.5, 19.8]];

function inside(poly, x, y) {
  let hit = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i];
    const [xj, yj] = poly[j];
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) hit = !hit;
  }
  return hit;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** An RGBA PNG of size × size from pixel(x, y) → [r, g, b, a] (x, y in 0..1). */
export function encodePng(size, pixel) {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    for (let x = 0; x < size; x++) {
      const [r, g, b, a] = pixel((x + 0.5) / size, (y + 0.5) / size);
      raw.set([r, g, b, a], y * (size * 4 + 1) + 1 + x * 4);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

/**
 * The icon at size: maskable fills the square with the brand colour and keeps the house inside the
 * central 40% (the safe zone is the 80% circle); "any" is a rounded square with a larger house.
 * 2×2 supersampled edges.
 */
export function iconPng(size, { maskable = false } = {}) {
  const scale = maskable ? 1.6 : 1.15; // how much of the 32-unit box the view spans around the house
  const sub = [0.25, 0.75];
  return encodePng(size, (u, v) => {
    let house = 0;
    let bg = 0;
    for (const dx of sub) {
      for (const dy of sub) {
        const x = u + (dx - 0.5) / size;
        const y = v + (dy - 0.5) / size;
        const hx = 16 + (x - 0.5) * 32 * scale * 0.5;
        const hy = 14.7 + (y - 0.5) * 32 * scale * 0.5;
        if (inside(HOUSE, hx, hy)) house++;
        const r = 0.18; // corner radius of the "any" icon, as a fraction of its side
        const cx = Math.min(Math.max(x, r), 1 - r);
        const cy = Math.min(Math.max(y, r), 1 - r);
        if (maskable || (x - cx) ** 2 + (y - cy) ** 2 <= r * r) bg++;
      }
    }
    const h = house / (sub.length * sub.length);
    const a = bg / (sub.length * sub.length);
    return [0, 1, 2].map((i) => Math.round(BRAND[i] * (1 - h) + 255 * h)).concat(Math.round(255 * Math.max(a, h)));
  });
}

export const ICONS = [
  { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any', size: 192 },
  { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any', size: 512 },
  { src: '/icons/maskable-192.png', sizes: '192x192', type: 'image/png', purpose: 'maskable', size: 192 },
  { src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable', size: 512 },
];

export function pwaIcons() {
  return {
    name: 'stationmap-pwa-icons',
    apply: 'build',
    generateBundle() {
      for (const icon of ICONS) {
        this.emitFile({ type: 'asset', fileName: icon.src.slice(1), source: iconPng(icon.size, { maskable: icon.purpose === 'maskable' }) });
      }
    },
  };
}

import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BRAND, iconPng } from './icons.js';

/** Decodes the plugin's own PNGs (filter 0, RGBA) back to pixels. */
function decode(png) {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const size = png.readUInt32BE(16);
  const idat = [];
  for (let at = 8; at < png.length;) {
    const len = png.readUInt32BE(at);
    const type = png.toString('ascii', at + 4, at + 8);
    if (type === 'IDAT') idat.push(png.subarray(at + 8, at + 8 + len));
    at += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  return { size, at: (x, y) => [...raw.subarray(y * (size * 4 + 1) + 1 + x * 4, y * (size * 4 + 1) + 5 + x * 4)] };
}

// Drawing a 512 icon takes a second or two on a busy 2-core machine.
describe('manifest icons', { timeout: 30000 }, () => {
  it('maskable fills every pixel; the house is white in the middle and stays inside the safe zone', () => {
    const { size, at } = decode(iconPng(192, { maskable: true }));
    expect(size).toBe(192);
    expect(at(0, 0)).toEqual([...BRAND, 255]);
    expect(at(80, 96)).toEqual([255, 255, 255, 255]);
    // Nothing white outside the central 80% circle.
    for (let y = 0; y < size; y += 4) {
      for (let x = 0; x < size; x += 4) {
        if ((x - 96) ** 2 + (y - 96) ** 2 > (0.4 * 192) ** 2) expect(at(x, y)[0]).toBe(BRAND[0]);
      }
    }
  });

  it('"any" has transparent rounded corners', () => {
    const { at } = decode(iconPng(512));
    expect(at(0, 0)[3]).toBe(0);
    expect(at(256, 10)).toEqual([...BRAND, 255]);
  });
});

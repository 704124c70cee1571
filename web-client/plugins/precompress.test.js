// The precompressed files must be exactly the originals once decoded (a browser given a wrong .br
// gets a broken page with no error worth the name), every text asset over 1 KB must have both,
// and asset names must carry a content hash so the API may cache them as immutable.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIN_BYTES, TEXT_EXTENSIONS, isCompressible, precompressDir } from './precompress.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function files(dir) {
  return readdirSync(dir, { recursive: true }).map(String).filter((f) => statSync(join(dir, f)).isFile()).sort();
}

/** Asserts file.br and file.gz exist and decode to file's bytes. */
function expectRoundTrip(file) {
  const original = readFileSync(file);
  expect(brotliDecompressSync(readFileSync(`${file}.br`)).equals(original), `${file}.br`).toBe(true);
  expect(gunzipSync(readFileSync(`${file}.gz`)).equals(original), `${file}.gz`).toBe(true);
}

describe('precompressDir', () => {
  let dir;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'precompress-'));
    mkdirSync(join(dir, 'assets'));
    const text = Array.from({ length: 400 }, (_, i) => `const station${i} = { name: '驿站 ${i}', open: ${i % 2 === 0} };`).join('\n');
    writeFileSync(join(dir, 'assets', 'app-AbC123_x.js'), text);
    writeFileSync(join(dir, 'assets', 'data.JSON'), JSON.stringify({ items: text.split('\n') }));
    writeFileSync(join(dir, 'small.css'), 'body { margin: 0 }');
    writeFileSync(join(dir, 'photo.png'), Buffer.alloc(4096, 7));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes .br and .gz beside text files over 1 KB only, and they decode to the originals', async () => {
    const written = await precompressDir(dir);
    expect(written.map((w) => relative(dir, w.file)).sort()).toEqual(['assets/app-AbC123_x.js', 'assets/data.JSON']);
    for (const w of written) {
      expectRoundTrip(w.file);
      expect(w.br).toBeLessThan(w.gz);
      expect(w.gz).toBeLessThan(w.bytes / 3);
    }
    expect(existsSync(join(dir, 'small.css.br'))).toBe(false);
    expect(existsSync(join(dir, 'photo.png.gz'))).toBe(false);
  });

  it('running again compresses the same files, never the compressed copies', async () => {
    const again = await precompressDir(dir);
    expect(again).toHaveLength(2);
    expect(files(dir).filter((f) => /\.(br|gz)\.(br|gz)$/.test(f))).toEqual([]);
  });

  it('knows which files count as text', () => {
    for (const ext of TEXT_EXTENSIONS) expect(isCompressible(`a${ext}`, MIN_BYTES + 1)).toBe(true);
    expect(isCompressible('a.js', MIN_BYTES)).toBe(false);
    expect(isCompressible('a.js.br', 50_000)).toBe(false);
    expect(isCompressible('a.woff2', 50_000)).toBe(false);
  });
});

describe('the production build', () => {
  let outDir;
  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'stationmap-dist-'));
    const { build } = await import('vite');
    await build({ root: ROOT, configFile: resolve(ROOT, 'vite.config.js'), logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  }, 180_000);
  afterAll(() => outDir && rmSync(outDir, { recursive: true, force: true }));

  it('every text file over 1 KB has a .br and a .gz that decode to it', () => {
    const all = files(outDir);
    const text = all.filter((f) => isCompressible(f, statSync(join(outDir, f)).size));
    expect(text.length).toBeGreaterThanOrEqual(4);
    for (const f of text) expectRoundTrip(join(outDir, f));
    // Nothing else was compressed.
    const compressed = all.filter((f) => /\.(br|gz)$/.test(f)).map((f) => f.replace(/\.(br|gz)$/, ''));
    expect([...new Set(compressed)].sort()).toEqual(text);
  });

  it('assets carry a content hash, the MapLibre worker too; index.html keeps its name and points at them', () => {
    // Encodings (.br, .gz, .dcz) and the dictionary header file sit beside the hashed file they belong to.
    const assets = readdirSync(join(outDir, 'assets')).filter((f) => !/\.(br|gz|dcz|use-as-dictionary)$/.test(f));
    for (const f of assets) expect(f).toMatch(/^[\w.-]+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/);
    const worker = assets.find((f) => /^maplibre-gl-worker-.+\.mjs$/.test(f));
    expect(worker, 'no hashed MapLibre worker in dist/assets').toBeTruthy();
    const scripts = assets.filter((f) => f.endsWith('.js'));
    expect(scripts.some((f) => readFileSync(join(outDir, 'assets', f), 'utf8').includes(worker)), 'the bundle does not load the hashed worker').toBe(true);
    const html = readFileSync(join(outDir, 'index.html'), 'utf8');
    const referenced = [...html.matchAll(/(?:src|href)="\/assets\/([^"]+)"/g)].map((m) => m[1]);
    expect(referenced.length).toBeGreaterThanOrEqual(2);
    for (const f of referenced) expect(assets).toContain(f);
  });

  it('the MapLibre worker has a .dcz made against the bundle that announces itself as its dictionary', () => {
    const files = readdirSync(join(outDir, 'assets'));
    const worker = files.find((f) => /^maplibre-gl-worker-.+\.mjs$/.test(f));
    const headers = files.filter((f) => f.endsWith('.use-as-dictionary'));
    expect(headers).toHaveLength(1);
    const bundle = headers[0].slice(0, -'.use-as-dictionary'.length);
    expect(readFileSync(join(outDir, 'assets', headers[0]), 'utf8').trim()).toBe('match="/assets/maplibre-gl-worker-*.mjs", match-dest=("worker")');
    const dcz = readFileSync(join(outDir, 'assets', `${worker}.dcz`));
    expect([...dcz.subarray(0, 8)]).toEqual([0x5e, 0x2a, 0x4d, 0x18, 0x20, 0x00, 0x00, 0x00]);
    expect(dcz.subarray(8, 40)).toEqual(createHash('sha256').update(readFileSync(join(outDir, 'assets', bundle))).digest());
    // Far smaller than the worker's own brotli: it shares most of its code with the bundle.
    const br = readFileSync(join(outDir, 'assets', `${worker}.br`));
    expect(dcz.length).toBeLessThan(br.length / 2);
  });
});

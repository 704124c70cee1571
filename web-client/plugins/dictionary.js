// A Vite build plugin for Compression Dictionary Transport (the IETF's, shipped in Chromium 130+):
// MapLibre's worker (~520 KB) repeats most of the code of the map's bundle (the style
// specification, expressions, geometry), so compressed with that bundle as its dictionary it
// is ~33 KB where its own brotli is ~122 KB — on slow 4G (1.6 Mbit/s) about half a second less.
// After the build it writes, beside the worker, worker.mjs.dcz (8 magic bytes, the SHA-256 of the
// dictionary, a zstd frame made with `zstd --patch-from=<bundle>`), and beside the bundle
// bundle.js.use-as-dictionary (the value of its Use-As-Dictionary header). The API sends the
// bundle with that header, and the .dcz instead of the .br when the browser's Available-Dictionary
// names the bundle (api Infrastructure/ClientHosting.cs). Browsers without it get the .br as before.
// zstd is Debian's command-line tool (./stationmap installs it); without it the build warns and
// writes no .dcz.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The dcz stream's magic number (before the dictionary's hash and the zstd frame). */
export const DCZ_MAGIC = Buffer.from([0x5e, 0x2a, 0x4d, 0x18, 0x20, 0x00, 0x00, 0x00]);

/** The Use-As-Dictionary header value: which URLs (and fetch destinations) may use it. */
export function useAsDictionary(match, dest) {
  return `match="${match}"${dest ? `, match-dest=("${dest}")` : ''}`;
}

/** A dcz body: magic, SHA-256 of the dictionary, then the zstd frame made against it. */
export function dczBody(dictionary, zstdFrame) {
  return Buffer.concat([DCZ_MAGIC, createHash('sha256').update(dictionary).digest(), zstdFrame]);
}

/** zstd -19 of target with dictionary as its raw-content prefix; returns the frame (a Buffer). */
export async function zstdAgainst(dictionaryPath, targetPath, { zstd = 'zstd', level = 19 } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'stationmap-dcz-'));
  try {
    const out = join(dir, 'out.zst');
    await run(zstd, [`-${level}`, '-q', '-f', '--single-thread', `--patch-from=${dictionaryPath}`, targetPath, '-o', out]);
    return await readFile(out);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * target: a RegExp for the file to compress (an emitted asset); dictionaryModule: a module id part
 * that marks the chunk used as the dictionary; match/dest: the Use-As-Dictionary pattern.
 */
export function dictionaryCompress({
  target = /maplibre-gl-worker-[^/]+\.mjs$/,
  dictionaryModule = 'maplibre-gl/dist/maplibre-gl.mjs',
  match = '/assets/maplibre-gl-worker-*.mjs',
  dest = 'worker',
  zstd = 'zstd',
} = {}) {
  let outDir = null;
  let logger = null;
  let pair = null;
  return {
    name: 'stationmap-dictionary-compress',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
      logger = config.logger;
    },
    generateBundle(_, bundle) {
      const files = Object.values(bundle);
      const targetFile = files.find((f) => target.test(f.fileName))?.fileName;
      const dictionaryFile = files.find((f) => f.type === 'chunk' && (f.moduleIds ?? Object.keys(f.modules ?? {})).some((id) => id.replaceAll('\\', '/').includes(dictionaryModule)))?.fileName;
      pair = targetFile && dictionaryFile ? { targetFile, dictionaryFile } : null;
    },
    async closeBundle() {
      if (!pair) {
        logger?.warn('dictionary compression: no worker or no bundle with the map library; nothing written');
        return;
      }
      const dictionaryPath = join(outDir, pair.dictionaryFile);
      const targetPath = join(outDir, pair.targetFile);
      let frame;
      try {
        frame = await zstdAgainst(dictionaryPath, targetPath, { zstd });
      } catch (err) {
        logger?.warn(`dictionary compression skipped (${zstd}: ${err.code ?? err.message}); the worker goes out as br`);
        return;
      }
      const dictionary = await readFile(dictionaryPath);
      const body = dczBody(dictionary, frame);
      await writeFile(`${targetPath}.dcz`, body);
      await writeFile(`${dictionaryPath}.use-as-dictionary`, `${useAsDictionary(match, dest)}\n`);
      logger?.info(`dictionary-compressed ${pair.targetFile} against ${pair.dictionaryFile}: ${(body.length / 1024).toFixed(1)} kB (dcz)`);
    },
  };
}

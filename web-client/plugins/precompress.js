// A Vite build plugin that writes file.br and file.gz beside every text file in the output folder
// (after Vite and the public folder have written theirs), so the API can send the precompressed
// bytes with Content-Encoding instead of compressing the 1.2 MB bundle on every request. Brotli at
// its highest quality and gzip at level 9 cost seconds once at build time and nothing per request.
// Node's own zlib: no dependency.
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

/** Text formats worth compressing; images, fonts and tiles are compressed already or binary. */
export const TEXT_EXTENSIONS = ['.js', '.mjs', '.css', '.html', '.svg', '.json', '.webmanifest', '.txt'];
/** Below this size a compressed copy saves less than the response headers cost. */
export const MIN_BYTES = 1024;

export function isCompressible(name, size, { extensions = TEXT_EXTENSIONS, minBytes = MIN_BYTES } = {}) {
  const lower = name.toLowerCase();
  return size > minBytes && extensions.some((ext) => lower.endsWith(ext));
}

export async function compressBuffer(buffer) {
  const [br, gzipped] = await Promise.all([
    brotli(buffer, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_SIZE_HINT]: buffer.length,
      },
    }),
    gz(buffer, { level: constants.Z_BEST_COMPRESSION }),
  ]);
  return { br, gz: gzipped };
}

async function* walk(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.isFile()) yield path;
  }
}

/**
 * Writes .br and .gz beside every compressible file under dir (recursively); returns
 * [{file, bytes, br, gz}] with the sizes, for the build log and the tests.
 */
export async function precompressDir(dir, options = {}) {
  const jobs = [];
  for await (const file of walk(dir)) {
    const { size } = await stat(file);
    if (!isCompressible(file, size, options)) continue;
    jobs.push((async () => {
      const buffer = await readFile(file);
      const out = await compressBuffer(buffer);
      await Promise.all([writeFile(`${file}.br`, out.br), writeFile(`${file}.gz`, out.gz)]);
      return { file, bytes: buffer.length, br: out.br.length, gz: out.gz.length };
    })());
  }
  return Promise.all(jobs);
}

export function precompress(options = {}) {
  let outDir = null;
  let logger = null;
  return {
    name: 'stationmap-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
      logger = config.logger;
    },
    // closeBundle, last and in turn: after the bundle, the copied public folder and the service
    // worker and manifest (vite-plugin-pwa writes them in its own closeBundle) are on disk.
    closeBundle: { order: 'post', sequential: true, async handler() {
      const written = await precompressDir(outDir, options);
      const sum = (key) => written.reduce((n, w) => n + w[key], 0);
      const kb = (n) => `${(n / 1024).toFixed(1)} kB`;
      logger?.info(`precompressed ${written.length} files: ${kb(sum('bytes'))} → br ${kb(sum('br'))}, gz ${kb(sum('gz'))}`);
    } },
  };
}

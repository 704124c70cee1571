// The baseline page of `bench client` (index.html beside this file) on a loopback port of its own:
// MapLibre's own files from web-client/node_modules, brotli at the client's build quality
// (compressed once, at start), the library cached as immutable and the page revalidated, as the
// API serves the client.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { constants, brotliCompressSync } from 'node:zlib';

const dist = new URL('../../../web-client/node_modules/maplibre-gl/dist/', import.meta.url);
const FILES = {
  '/': [new URL('./index.html', import.meta.url), 'text/html; charset=utf-8', 'no-cache'],
  '/maplibre-gl.mjs': [new URL('maplibre-gl.mjs', dist), 'text/javascript', 'public, max-age=31536000, immutable'],
  '/maplibre-gl-worker.mjs': [new URL('maplibre-gl-worker.mjs', dist), 'text/javascript', 'public, max-age=31536000, immutable'],
  '/maplibre-gl.css': [new URL('maplibre-gl.css', dist), 'text/css', 'public, max-age=31536000, immutable'],
};

/** Starts the server on 127.0.0.1 (an ephemeral port); resolves {url, close()}. */
export function serveFloor() {
  const bodies = new Map(Object.entries(FILES).map(([path, [file, type, cache]]) => {
    const raw = readFileSync(file);
    const br = brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length } });
    return [path, { br, type, cache }];
  }));
  const server = createServer((req, res) => {
    const file = bodies.get(new URL(req.url, 'http://127.0.0.1').pathname);
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': file.type, 'Content-Encoding': 'br', 'Cache-Control': file.cache, 'Content-Length': file.br.length });
    res.end(file.br);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((done) => server.close(done)) })));
}

#!/usr/bin/env node
// Station vector tile benchmark: GET /api/v1/tiles/stations/{z}/{x}/{y}.mvt over a fixed set of tiles
// (zoom 6–16: a 3 × 3 block around central Hangzhou and the tile over Ningbo and Wenzhou at each
// zoom), each requested --rounds times without a validator (so every answer is made, never a 304).
// Prints one row per zoom: server time p50/p95 (the endpoint's Server-Timing tile;dur, in ms; the
// client's loopback time beside it) and tile size p50/max (KB, the MVT bytes), then one line:
//   tiles: p95 X ms max Y KB
// Usage: node tests/bench/tiles.mjs [BASE_URL] [--rounds N]   (default http://127.0.0.1:8080, 3 rounds)
// Meant for a database of 100,000 generated stations over Zhejiang
// (seed-demo --count 100000 --area zhejiang); it works on any. Never asserts times; exits non-zero
// only when a tile answers neither 200 nor 204, or a tile is over 100 KB (the endpoint's guarantee).

const args = process.argv.slice(2);
let base = 'http://127.0.0.1:8080';
let rounds = 3;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--rounds') rounds = Number(args[++i]);
  else base = args[i].replace(/\/$/, '');
}

const MAX_BYTES = 100 * 1024;
const places = { hangzhou: [120.17, 30.27], ningbo: [121.55, 29.875], wenzhou: [120.7, 27.995] };

function tileOf(lon, lat, z) {
  const n = 2 ** z;
  const rad = (lat * Math.PI) / 180;
  return [Math.floor(((lon + 180) / 360) * n), Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n)];
}

export function tileSet(minZoom = 6, maxZoom = 16) {
  const tiles = [];
  for (let z = minZoom; z <= maxZoom; z++) {
    const seen = new Set();
    const add = (x, y) => { const k = `${x}/${y}`; if (!seen.has(k)) { seen.add(k); tiles.push({ z, x, y }); } };
    const [hx, hy] = tileOf(...places.hangzhou, z);
    for (let dx = -1; dx <= 1; dx++) for (let dy = -1; dy <= 1; dy++) add(hx + dx, hy + dy);
    add(...tileOf(...places.ningbo, z));
    add(...tileOf(...places.wenzhou, z));
  }
  return tiles;
}

const quantile = (values, q) => {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
};

async function main() {
  const tiles = tileSet();
  const byZoom = new Map();
  let failed = false;
  // One warm-up pass (connections, JIT, the database's cache), not counted.
  for (const t of tiles) await (await fetch(`${base}/api/v1/tiles/stations/${t.z}/${t.x}/${t.y}.mvt`)).arrayBuffer();
  for (let r = 0; r < rounds; r++) {
    for (const t of tiles) {
      const started = performance.now();
      const res = await fetch(`${base}/api/v1/tiles/stations/${t.z}/${t.x}/${t.y}.mvt`);
      const bytes = (await res.arrayBuffer()).byteLength;
      const client = performance.now() - started;
      if (res.status !== 200 && res.status !== 204) {
        console.error(`tile ${t.z}/${t.x}/${t.y}: HTTP ${res.status}`);
        failed = true;
        continue;
      }
      if (bytes > MAX_BYTES) { console.error(`tile ${t.z}/${t.x}/${t.y}: ${bytes} bytes, over 100 KB`); failed = true; }
      const server = Number(/tile;dur=([\d.]+)/.exec(res.headers.get('server-timing') ?? '')?.[1] ?? NaN);
      const row = byZoom.get(t.z) ?? { server: [], client: [], bytes: [], empty: 0 };
      row.server.push(server);
      row.client.push(client);
      row.bytes.push(bytes);
      if (res.status === 204) row.empty++;
      byZoom.set(t.z, row);
    }
  }
  const all = { server: [], bytes: [] };
  const fmt = (v, w, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : '-').padStart(w);
  console.log(`station tiles at ${base}, ${tiles.length} tiles × ${rounds} rounds`);
  console.log(' zoom  requests  204s  server p50 ms  server p95 ms  client p50 ms  size p50 KB  size max KB');
  for (const [z, row] of [...byZoom].sort((a, b) => a[0] - b[0])) {
    all.server.push(...row.server);
    all.bytes.push(...row.bytes);
    console.log(`${String(z).padStart(5)}  ${String(row.server.length).padStart(8)}  ${String(row.empty).padStart(4)}  ` +
      `${fmt(quantile(row.server, 0.5), 13)}  ${fmt(quantile(row.server, 0.95), 13)}  ${fmt(quantile(row.client, 0.5), 13)}  ` +
      `${fmt(quantile(row.bytes, 0.5) / 1024, 11)}  ${fmt(Math.max(...row.bytes) / 1024, 11)}`);
  }
  console.log(`tiles: p95 ${quantile(all.server, 0.95).toFixed(1)} ms max ${(Math.max(...all.bytes) / 1024).toFixed(1)} KB`);
  if (failed) process.exitCode = 1;
}

if (import.meta.url === `file://${process.argv[1]}`) await main();

import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { dictionaryCompress } from './plugins/dictionary.js';
import { precompress } from './plugins/precompress.js';

// The built client is served by the API from web-client/dist on the same origin, so every API
// call is a relative /api/v1/... URL. In `npm run dev` the proxy below makes that hold too.
export default defineConfig({
  // dist/ gets file.br and file.gz beside every text file (the API serves them with
  // Content-Encoding). Vite's default names already carry a content hash (assets/[name]-[hash],
  // the MapLibre worker included), so the API can cache assets/* as immutable; index.html keeps
  // its name and is never cached.
  // The MapLibre worker also gets a .dcz, compressed against the map's bundle as a dictionary
  // (plugins/dictionary.js): ~33 KB on the wire instead of ~122 KB.
  plugins: [precompress(), dictionaryCompress()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // maplibre-gl alone is ~800 KB minified; it is one library, not a sign of a bloated bundle.
    // The courier map and the planner view together come to ~1.2 MB (~335 KB gzip).
    chunkSizeWarningLimit: 1300,
    // Two pages: the map (index.html) and the operator page (operator.html, no map in its bundle).
    rolldownOptions: {
      input: {
        main: fileURLToPath(new URL('./index.html', import.meta.url)),
        operator: fileURLToPath(new URL('./operator.html', import.meta.url)),
      },
    },
  },
  server: {
    host: '127.0.0.1',
    proxy: {
      '/api': { target: 'http://127.0.0.1:8080', changeOrigin: false },
    },
  },
  test: {
    include: ['src/**/*.test.js', 'plugins/**/*.test.js'],
    environment: 'node',
  },
});

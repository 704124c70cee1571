import { defineConfig } from 'vite';

// The built client is served by the API from web-client/dist on the same origin, so every API
// call is a relative /api/v1/... URL. In `npm run dev` the proxy below makes that hold too.
export default defineConfig({
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // maplibre-gl alone is ~800 KB minified; it is one library, not a sign of a bloated bundle.
    // The courier map and the planner view together come to ~1.2 MB (~335 KB gzip).
    chunkSizeWarningLimit: 1300,
  },
  server: {
    host: '127.0.0.1',
    proxy: {
      '/api': { target: 'http://127.0.0.1:8080', changeOrigin: false },
    },
  },
  test: {
    include: ['src/**/*.test.js'],
    environment: 'node',
  },
});

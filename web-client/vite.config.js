import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { dictionaryCompress } from './plugins/dictionary.js';
import { VitePWA } from 'vite-plugin-pwa';
import { ICONS, pwaIcons } from './plugins/icons.js';
import { maplibreCss } from './plugins/maplibreCss.js';
import { precompress } from './plugins/precompress.js';

/** The web manifest: Chinese first (the page's language), English in the name too. */
export const MANIFEST = {
  id: '/',
  name: 'StationMap 驿站地图',
  short_name: '驿站地图',
  description: '找到最近的、现在开放的户外劳动者暖心驿站 · Find the nearest open rest station for outdoor workers',
  lang: 'zh-CN',
  dir: 'ltr',
  start_url: '/',
  scope: '/',
  display: 'standalone',
  orientation: 'portrait',
  theme_color: '#c2410c',
  background_color: '#e9ece6',
  categories: ['navigation', 'utilities'],
  icons: ICONS.map(({ size, ...icon }) => icon),
};

// The built client is served by the API from web-client/dist on the same origin, so every API
// call is a relative /api/v1/... URL. In `npm run dev` the proxy below makes that hold too.
export default defineConfig({
  // dist/ gets file.br and file.gz beside every text file (the API serves them with
  // Content-Encoding). Vite's default names already carry a content hash (assets/[name]-[hash],
  // the MapLibre worker included), so the API can cache assets/* as immutable; index.html keeps
  // its name and is never cached.
  // The service worker (src/sw.js) is built by vite-plugin-pwa with Workbox's injectManifest: the
  // precache list is the app shell only. The planner's, the operator page's and the pack's chunks are left out
  // (the worker's assets route keeps them once used), so installing the worker after the map's
  // first idle fetches nothing the courier did not already load. The page registers it itself
  // (offline/register.js), so no registration script is injected.
  plugins: [
    // MapLibre's stylesheet without the controls the app never adds (its logo alone is 39 KB).
    maplibreCss(),
    pwaIcons(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.js',
      injectRegister: false,
      manifest: MANIFEST,
      includeManifestIcons: true,
      injectManifest: {
        globPatterns: ['index.html', 'assets/*.{js,mjs,css}', 'favicon.svg', 'icons/*.png'],
        // nearest-*.js is the pack's evaluator (opening_hours.js): loaded, and so cached by the assets
        // route, only on a phone that downloads a pack.
        globIgnores: ['**/*planner*', '**/operator*', '**/nearest*', '**/*.br', '**/*.gz', '**/*.dcz', '**/*.use-as-dictionary'],
        maximumFileSizeToCacheInBytes: 3 * 1024 * 1024,
      },
    }),
    precompress(),
    // The MapLibre worker also gets a .dcz, compressed against the map's bundle as a dictionary
    // (plugins/dictionary.js): ~33 KB on the wire instead of ~122 KB.
    dictionaryCompress(),
  ],
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
    setupFiles: ['src/i18n/testSetup.js'],
    environment: 'node',
  },
});

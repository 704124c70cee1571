import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { dropUnusedControls, maplibreCss, splitSelectors } from './maplibreCss.js';

const real = readFileSync(fileURLToPath(new URL('../node_modules/maplibre-gl/dist/maplibre-gl.css', import.meta.url)), 'utf8');

describe('dropUnusedControls', () => {
  it('drops rules of unused controls, keeps the other selectors of a list and drops an @media left empty', () => {
    const css = '.maplibregl-map{overflow:hidden}.maplibregl-ctrl-logo{background:url(x)}'
      + '.maplibregl-ctrl-zoom-in .maplibregl-ctrl-icon,.maplibregl-ctrl-geolocate .maplibregl-ctrl-icon{width:29px}'
      + '@media (forced-colors:active){.maplibregl-ctrl-compass .maplibregl-ctrl-icon{color:red}}'
      + '@media (hover:hover){.maplibregl-ctrl button:not(:disabled):hover{background:#eee}}'
      + '.maplibregl-ctrl-logo-like{color:blue}';
    expect(dropUnusedControls(css)).toBe('.maplibregl-map{overflow:hidden}'
      + '.maplibregl-ctrl-zoom-in .maplibregl-ctrl-icon{width:29px}'
      + '@media (hover:hover){.maplibregl-ctrl button:not(:disabled):hover{background:#eee}}'
      + '.maplibregl-ctrl-logo-like{color:blue}');
  });

  it('splits a selector list only at its top-level commas', () => {
    expect(splitSelectors('.a:not(.b, .c), .d[x="1,2"],.e')).toEqual(['.a:not(.b, .c)', ' .d[x="1,2"]', '.e']);
    expect(dropUnusedControls('.maplibregl-ctrl:not(.x, .y),.maplibregl-ctrl-logo{a:b}')).toBe('.maplibregl-ctrl:not(.x, .y){a:b}');
  });

  it('on the real stylesheet keeps every class the app draws with and loses the logo', () => {
    const out = dropUnusedControls(real);
    for (const cls of ['maplibregl-map', 'maplibregl-canvas', 'maplibregl-ctrl-group', 'maplibregl-ctrl-zoom-in', 'maplibregl-ctrl-zoom-out',
      'maplibregl-ctrl-attrib', 'maplibregl-ctrl-attrib-button', 'maplibregl-ctrl-bottom-right', 'maplibregl-ctrl-top-right', 'maplibregl-marker', 'maplibregl-marker-draggable']) {
      expect(out, cls).toContain(`.${cls}`);
    }
    for (const cls of ['maplibregl-ctrl-logo', 'maplibregl-ctrl-geolocate', 'maplibregl-ctrl-fullscreen', 'maplibregl-ctrl-compass']) expect(out).not.toContain(`.${cls}`);
    // Balanced braces: nothing half removed.
    expect(out.split('{').length).toBe(out.split('}').length);
    expect(brotliCompressSync(out).length).toBeLessThan(brotliCompressSync(real).length / 2);
  });

  it('the plugin transforms MapLibre\'s stylesheet only', () => {
    const plugin = maplibreCss();
    expect(plugin.transform('.maplibregl-ctrl-logo{x:y}', '/a/node_modules/maplibre-gl/dist/maplibre-gl.css').code).toBe('');
    expect(plugin.transform('.maplibregl-ctrl-logo{x:y}', '/a/src/styles.css')).toBeNull();
  });
});

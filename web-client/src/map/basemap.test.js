import { describe, expect, it } from 'vitest';
import { basemapStyle, resolveBasemap, styleFromConfig, textFontFor } from './basemap.js';

describe('resolveBasemap', () => {
  it('uses the offline style when the config has no basemap', () => {
    expect(resolveBasemap(null, '')).toEqual({ kind: 'offline' });
  });

  it('uses the config style URL', () => {
    expect(resolveBasemap('https://tiles.example/style.json', '')).toEqual({ kind: 'style', url: 'https://tiles.example/style.json' });
  });

  it('lets ?basemap= override the config', () => {
    const search = `?basemap=${encodeURIComponent('https://t.example/{z}/{x}/{y}.png')}`;
    expect(resolveBasemap('https://tiles.example/style.json', search)).toEqual({ kind: 'raster', url: 'https://t.example/{z}/{x}/{y}.png' });
  });

  it('lets ?basemap=offline switch an configured basemap off', () => {
    expect(resolveBasemap('https://tiles.example/style.json', '?basemap=offline')).toEqual({ kind: 'offline' });
  });

  it('resolves a relative style URL against the page', () => {
    expect(resolveBasemap('/styles/light.json', '', 'http://127.0.0.1:8080/?station=1')).toEqual({ kind: 'style', url: 'http://127.0.0.1:8080/styles/light.json' });
  });

  it('refuses non-http schemes', () => {
    expect(resolveBasemap(null, '?basemap=javascript:alert(1)')).toEqual({ kind: 'offline' });
  });
});

describe('basemapStyle', () => {
  it('offline style has a background and no sources, glyphs or sprite — so no requests', () => {
    const style = basemapStyle({ kind: 'offline' });
    expect(style.sources).toEqual({});
    expect(style.layers.map((l) => l.type)).toEqual(['background']);
    expect(style.glyphs).toBeUndefined();
    expect(style.sprite).toBeUndefined();
  });

  it('raster template becomes a raster source carrying the attribution', () => {
    const style = basemapStyle({ kind: 'raster', url: 'https://t.example/{z}/{x}/{y}.png' }, ['© OpenStreetMap contributors']);
    expect(style.sources.basemap).toMatchObject({ type: 'raster', tiles: ['https://t.example/{z}/{x}/{y}.png'], attribution: '© OpenStreetMap contributors' });
  });

  it('style URL is passed through', () => {
    expect(basemapStyle({ kind: 'style', url: 'https://x/style.json' })).toBe('https://x/style.json');
  });
});

describe('textFontFor', () => {
  it('any font without a glyphs URL, the style font with one', () => {
    expect(textFontFor({ layers: [] })).toEqual(['sans-serif']);
    const style = { glyphs: 'https://x/{fontstack}/{range}.pbf', layers: [{ layout: { 'text-font': ['Open Sans Bold'] } }] };
    expect(textFontFor(style)).toEqual(['Open Sans Bold']);
  });
});

describe('styleFromConfig', () => {
  const page = { search: '', href: 'http://127.0.0.1:8080/', origin: 'http://127.0.0.1:8080' };

  it('adds the road network\'s attribution once and draws the API\'s road tiles offline', async () => {
    const { ROADS_SOURCE } = await import('./layers/roads.js');
    const config = { basemap_style_url: null, attribution: ['© OpenStreetMap contributors'], routing: { graph_version: 4, attribution: '© OpenStreetMap contributors' } };
    const { basemap, attribution, style } = styleFromConfig(config, page);
    expect(basemap).toEqual({ kind: 'offline' });
    expect(attribution).toEqual(['© OpenStreetMap contributors']);
    expect(style.sources[ROADS_SOURCE].tiles).toEqual(['http://127.0.0.1:8080/api/v1/tiles/roads/{z}/{x}/{y}.mvt?v=4']);
    expect(config.attribution).toHaveLength(1);
  });

  it('without a road graph the offline style is the background alone; a configured style is used as is', () => {
    expect(styleFromConfig({ attribution: ['A'] }, page).style.layers.map((l) => l.id)).toEqual(['background']);
    const routed = styleFromConfig({ basemap_style_url: '/s.json', attribution: ['A'], routing: { graph_version: 1, attribution: 'B' } }, page);
    expect(routed.style).toBe('http://127.0.0.1:8080/s.json');
    expect(routed.attribution).toEqual(['A', 'B']);
  });
});

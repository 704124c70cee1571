// Suggested sites from POST /planning/suggest as numbered markers (rank 1 = added first), on top
// of everything else; faded when the suggestion is stale (the parameters changed since).

import { EMPTY, showData } from './geojson.js';

export const SUGGESTIONS_SOURCE = 'sm-suggestions';
export const SUGGESTIONS_LAYER = 'sm-suggestions';
export const SUGGESTIONS_RANK = 'sm-suggestions-rank';

export function siteFeatures(sites) {
  return {
    type: 'FeatureCollection',
    features: (sites ?? []).filter((s) => Number.isFinite(s?.lon) && Number.isFinite(s?.lat)).map((s) => ({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [s.lon, s.lat] },
      properties: { rank: s.rank, label: s.label ?? '', newly_covered: s.newly_covered ?? null, cumulative_pct: s.cumulative_pct ?? null },
    })),
  };
}

export function createSuggestionsLayer(map, { textFont = ['sans-serif'] } = {}) {
  let data = EMPTY;
  let visible = false;

  function ensure() {
    if (map.getSource(SUGGESTIONS_SOURCE)) return;
    const visibility = visible ? 'visible' : 'none';
    map.addSource(SUGGESTIONS_SOURCE, { type: 'geojson', data });
    map.addLayer({
      id: SUGGESTIONS_LAYER, type: 'circle', source: SUGGESTIONS_SOURCE, layout: { visibility },
      paint: { 'circle-color': '#6d28d9', 'circle-radius': 12, 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 2.5 },
    });
    map.addLayer({
      id: SUGGESTIONS_RANK, type: 'symbol', source: SUGGESTIONS_SOURCE, layout: {
        visibility, 'text-field': ['to-string', ['get', 'rank']], 'text-font': textFont, 'text-size': 13,
        'text-allow-overlap': true, 'text-ignore-placement': true,
      },
      paint: { 'text-color': '#ffffff' },
    });
  }

  return {
    ensure,
    setSites(sites, { stale = false } = {}) {
      const prev = data;
      data = siteFeatures(sites);
      showData(map, SUGGESTIONS_SOURCE, prev, data, ensure);
      map.setPaintProperty(SUGGESTIONS_LAYER, 'circle-opacity', stale ? 0.45 : 1);
    },
    setVisible(show) {
      visible = Boolean(show);
      ensure();
      for (const id of [SUGGESTIONS_LAYER, SUGGESTIONS_RANK]) map.setLayoutProperty(id, 'visibility', visible ? 'visible' : 'none');
    },
  };
}

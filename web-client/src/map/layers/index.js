// Every project layer, created in drawing order from bottom to top: each ensure() adds its source
// and layers at the top of the style, so the order below is the order on screen whatever part of
// the state arrives first. Called on every 'style.load' (the first style and after a fallback
// swap, which drops all layers); the what-if markers are DOM and are created once outside.
import { textFontFor } from '../basemap.js';
import { createDemandLayers } from './demand.js';
import { createDistrictsLayer } from './districts.js';
import { createFaultsLayer } from './faults.js';
import { createGapsLayer } from './gaps.js';
import { createMyPositionLayer } from './myPosition.js';
import { createServiceAreaLayer } from './serviceArea.js';
import { createStationsLayer } from './stations.js';
import { createSuggestionsLayer } from './suggestions.js';

/** Returns {serviceArea, gaps, districts, demand, stations, whatIf, sites, faults, me}, every one already on the map. */
export function createLayers(map, { lang, gapTiles, minutes, whatIf, origin }) {
  const textFont = textFontFor(map.getStyle());
  const layers = {
    // Planner surfaces and the service circle under the station markers…
    serviceArea: createServiceAreaLayer(map),
    gaps: createGapsLayer(map, { tiles: gapTiles, minutes }),
    districts: createDistrictsLayer(map, { textFont, lang }),
    demand: createDemandLayers(map),
    stations: createStationsLayer(map, { textFont, lang, origin }),
    // …the red ring of stations taken out of the scenario (it draws from the stations' GeoJSON overlay, which the planner shows),
    // then suggested sites and my position on top.
    whatIf,
    sites: createSuggestionsLayer(map, { textFont }),
    faults: createFaultsLayer(map, { textFont }),
    me: createMyPositionLayer(map),
  };
  for (const layer of Object.values(layers)) layer.ensure();
  return layers;
}

// The first module main.js imports, so its body runs before every other module's (MapLibre's
// ~1 MB among them): the initial state, and the requests of the first view started from it
// (app/early.js).
import { startEarly } from './app/early.js';
import { loadTravelMode } from './app/travelMode.js';
import { loadLang } from './i18n/index.js';
import { initialState } from './state/appState.js';
import { viewFromSearch } from './state/plannerState.js';
import { stationFromSearch } from './state/url.js';

export const startState = initialState({
  lang: loadLang(), deepLinkId: stationFromSearch(location.search), travelMode: loadTravelMode(), view: viewFromSearch(location.search),
});
/** My GPS position as asked for with the page: a promise of it, or of null. */
export const { fix: earlyFix } = startEarly(startState);

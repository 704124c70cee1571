// The shape of the app's one state object, with its starting values.
import { EMPTY_FILTERS } from './filters.js';
import { IDLE_LIVE_ACTION } from '../live/actions.js';
import { initialPlannerState } from './plannerState.js';
import { OFFLINE_IDLE } from '../offline/state.js';

export function initialState({ lang, deepLinkId = null, travelMode = 'ebike', view = 'courier' }) {
  return {
    ...initialPlannerState({ view }),
    lang,
    /** GET /config: status loading|ok|error. */
    config: null,
    configStatus: 'loading',
    configError: null,
    /** {lon, lat, source: 'gps'|'manual', accuracy} in WGS-84, or null until known. */
    position: null,
    /** idle|locating|ok|failed, and why it failed: denied|unavailable|timeout|unsupported. */
    locateStatus: 'idle',
    locateError: null,
    /** True while the next tap on the map sets "my position". */
    picking: false,
    filters: EMPTY_FILTERS,
    /** GET /stations/nearest for position + filters. */
    nearest: { status: 'idle', items: [], error: null },
    /** Stations loaded for the map (GeoJSON features), before filtering. */
    mapStations: [],
    mapStationsError: null,
    /** The offline pack, the outbox and cached answers' times (offline/controller.js). */
    offline: OFFLINE_IDLE,
    basemapFailed: false,
    /** The station whose sheet is open, and its GET /stations/{id}. */
    selectedId: deepLinkId,
    detail: { status: 'idle', station: null, error: null },
    /** walk|ebike: ranks the list by travel time and picks the service circle drawn (when the API has a road graph). */
    travelMode,
    /** The selected station's service area: idle|loading|pending|ok|error, the GeoJSON and its mode. */
    serviceArea: { status: 'idle', data: null, error: null, mode: null },
    /** Phone bottom sheet size: min|peek|full. */
    sheet: 'peek',
    /** The sheet's check-in or report in progress (see live/actions.js IDLE_LIVE_ACTION). */
    liveAction: IDLE_LIVE_ACTION,
    /** The live stream: idle|connecting|open|reconnecting|closed. */
    liveStream: 'idle',
    /** Bumped every half minute so "3 分钟前" ages stay true. */
    liveClock: 0,
  };
}
